package setup

import (
	"slices"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/aep"
)

var (
	devSandbox  = aep.Sandbox{Name: "dev", Title: "Development", Type: "development", State: "active"}
	prodSandbox = aep.Sandbox{Name: "prod", Title: "Production", Type: "production", State: "active", IsDefault: true}
)

func TestNewPlanReadyMadeNamesResources(t *testing.T) {
	plan, err := NewPlan(Input{Sandbox: devSandbox, Data: ReadyMade, EventGroups: []string{"email", "push"}})
	if err != nil {
		t.Fatalf("NewPlan() error = %v", err)
	}

	if !validRunID(plan.RunID) {
		t.Errorf("RunID = %q, want cio- and six hex digits", plan.RunID)
	}
	wantKinds := []ResourceKind{KindFieldGroup, KindSchema, KindDataset, KindMappingSet,
		KindSourceConnection, KindTargetConnection, KindFlow}
	var kinds []ResourceKind
	for _, r := range plan.Resources {
		kinds = append(kinds, r.Kind)
		if !strings.HasSuffix(r.Name, " ("+plan.RunID+")") {
			t.Errorf("resource %s name = %q, want it to end with the run ID", r.Kind, r.Name)
		}
	}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("resource kinds = %v, want %v", kinds, wantKinds)
	}
	if got := plan.Resources[1].Name; got != "Customer.io events ("+plan.RunID+")" {
		t.Errorf("schema name = %q", got)
	}
}

func TestNewPlanExistingDatasetSkipsSchema(t *testing.T) {
	mappings := []aep.Mapping{{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"}}
	plan, err := NewPlan(Input{Sandbox: devSandbox, Data: ExistingDataset, DatasetID: "ds1", Mappings: mappings})
	if err != nil {
		t.Fatalf("NewPlan() error = %v", err)
	}

	if len(plan.Resources) != 4 {
		t.Errorf("len(Resources) = %d, want 4: mapping set, source, target, dataflow", len(plan.Resources))
	}
	if plan.DatasetID != "ds1" {
		t.Errorf("DatasetID = %q, want ds1", plan.DatasetID)
	}
	if !slices.Equal(plan.Mappings, mappings) {
		t.Errorf("Mappings = %v, want %v", plan.Mappings, mappings)
	}
	if steps := plan.Steps(); slices.Contains(steps, StepSchema) || !slices.Contains(steps, StepReadDataset) {
		t.Errorf("Steps() = %v, want read_dataset and no schema step", steps)
	}
}

func TestNewPlanRejectsInput(t *testing.T) {
	tests := []struct {
		name  string
		input Input
		want  Cause
	}{
		{"production without confirmation", Input{Sandbox: prodSandbox}, CauseProductionNotConfirmed},
		{"no sandbox", Input{}, CauseInvalidInput},
		{"inactive sandbox", Input{Sandbox: aep.Sandbox{Name: "old", State: "deleted"}}, CauseSandboxInactive},
		{"existing without dataset", Input{Sandbox: devSandbox, Data: ExistingDataset}, CauseDatasetRequired},
		{"unknown data choice", Input{Sandbox: devSandbox, Data: DataChoice(7)}, CauseInvalidInput},
		{"unknown event group", Input{Sandbox: devSandbox, EventGroups: []string{"fax"}}, CauseUnknownEventGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.input)
			if got := CauseOf(err); got != tt.want {
				t.Errorf("NewPlan() cause = %q, want %q (error %v)", got, tt.want, err)
			}
		})
	}
}

func TestNewPlanProductionWithConfirmation(t *testing.T) {
	plan, err := NewPlan(Input{Sandbox: prodSandbox, ConfirmProduction: true})
	if err != nil {
		t.Fatalf("NewPlan() error = %v", err)
	}
	if !plan.ConfirmProduction {
		t.Error("ConfirmProduction = false, want true")
	}
}

func TestStepGraphOrdersDependencies(t *testing.T) {
	for _, data := range []DataChoice{ReadyMade, ExistingDataset} {
		seen := map[StepID]bool{}
		for _, node := range stepGraph(data) {
			for _, dep := range node.deps {
				if !seen[dep] {
					t.Errorf("%v: step %s depends on %s, which comes later", data, node.id, dep)
				}
			}
			seen[node.id] = true
		}
	}
}

func TestValidRunID(t *testing.T) {
	tests := map[string]bool{
		"cio-7f3a9c":      true,
		"cio-7F3A9C":      false,
		"cio-7f3a":        false,
		"cio-../../etc":   false,
		"7f3a9c":          false,
		"cio-7f3a9c.json": false,
		"cio-zzzzzz":      false,
	}
	for id, want := range tests {
		if got := validRunID(id); got != want {
			t.Errorf("validRunID(%q) = %v, want %v", id, got, want)
		}
	}
}
