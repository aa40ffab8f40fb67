package setup

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/cioaep/setup/flows/customerio"
)

// runIDPrefix starts every run ID. Six random hex digits follow, so two runs
// in one sandbox share resource names with a chance of about 1 in 16 million.
const runIDPrefix = "cio-"

// NewPlan checks the input and names the resources the run will create. It
// makes no Adobe call, so an input it rejects has written nothing.
func NewPlan(in Input) (Plan, error) {
	if err := checkInput(in); err != nil {
		return Plan{}, err
	}

	runID, err := newRunID()
	if err != nil {
		return Plan{}, err
	}

	plan := Plan{
		RunID:             runID,
		Sandbox:           in.Sandbox,
		Data:              in.Data,
		EventGroups:       slices.Clone(in.EventGroups),
		ConfirmProduction: in.ConfirmProduction,
	}
	if in.Data == ExistingDataset {
		plan.DatasetID = in.DatasetID
		plan.Mappings = slices.Clone(in.Mappings)
	}
	plan.Resources = plannedResources(plan.Data, names(runID))
	return plan, nil
}

// checkInput rejects an input that must not reach Adobe. Apply and Resume
// run it again, because a Plan is a plain struct that callers may change.
func checkInput(in Input) error {
	if in.Sandbox.Name == "" {
		return &Error{Cause: CauseInvalidInput, Value: "sandbox"}
	}
	if in.Sandbox.State != "" && !in.Sandbox.IsActive() {
		return &Error{Cause: CauseSandboxInactive, Sandbox: in.Sandbox.Name, Value: in.Sandbox.State}
	}
	if in.Sandbox.IsProduction() && !in.ConfirmProduction {
		return &Error{Cause: CauseProductionNotConfirmed, Sandbox: in.Sandbox.Name}
	}

	switch in.Data {
	case ReadyMade:
	case ExistingDataset:
		if strings.TrimSpace(in.DatasetID) == "" {
			return &Error{Cause: CauseDatasetRequired, Sandbox: in.Sandbox.Name}
		}
	default:
		return &Error{Cause: CauseInvalidInput, Value: fmt.Sprintf("data choice %d", in.Data)}
	}

	for _, group := range in.EventGroups {
		if _, ok := customerio.LookupGroup(group); !ok {
			return &Error{Cause: CauseUnknownEventGroup, Value: group}
		}
	}
	return nil
}

func (p Plan) input() Input {
	return Input{
		Sandbox:           p.Sandbox,
		Data:              p.Data,
		DatasetID:         p.DatasetID,
		Mappings:          p.Mappings,
		EventGroups:       p.EventGroups,
		ConfirmProduction: p.ConfirmProduction,
	}
}

func newRunID() (string, error) {
	random := make([]byte, 3)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("setup: generate run ID: %w", err)
	}
	return runIDPrefix + hex.EncodeToString(random), nil
}

// validRunID reports whether id has the shape newRunID makes. Journal paths
// are built from run IDs, so nothing else may reach the file system.
func validRunID(id string) bool {
	digits, ok := strings.CutPrefix(id, runIDPrefix)
	if !ok || len(digits) != 6 {
		return false
	}
	_, err := hex.DecodeString(digits)
	return err == nil && strings.ToLower(digits) == digits
}

// resourceNames holds the name of every resource of one run. Each name says
// what the resource is and ends with the run ID, so a retried or resumed
// step finds its resource by name instead of creating a second one.
type resourceNames struct {
	FieldGroup       string
	Schema           string
	Dataset          string
	MappingSet       string // a label only, mapping sets have no name
	SourceConnection string
	TargetConnection string
	Flow             string
}

func names(runID string) resourceNames {
	suffix := " (" + runID + ")"
	return resourceNames{
		FieldGroup:       "Customer.io reporting event" + suffix,
		Schema:           "Customer.io events" + suffix,
		Dataset:          "Customer.io events" + suffix,
		MappingSet:       "Customer.io mapping" + suffix,
		SourceConnection: "Customer.io source connection" + suffix,
		TargetConnection: "Customer.io target connection" + suffix,
		Flow:             "Customer.io dataflow" + suffix,
	}
}

func plannedResources(data DataChoice, n resourceNames) []PlannedResource {
	var resources []PlannedResource
	if data == ReadyMade {
		resources = append(resources,
			PlannedResource{KindFieldGroup, n.FieldGroup},
			PlannedResource{KindSchema, n.Schema},
			PlannedResource{KindDataset, n.Dataset},
		)
	}
	return append(resources,
		PlannedResource{KindMappingSet, n.MappingSet},
		PlannedResource{KindSourceConnection, n.SourceConnection},
		PlannedResource{KindTargetConnection, n.TargetConnection},
		PlannedResource{KindFlow, n.Flow},
	)
}

// Steps returns the steps of the plan in display order, so the UI can show
// every row before the run starts.
func (p Plan) Steps() []StepID {
	graph := stepGraph(p.Data)
	ids := make([]StepID, len(graph))
	for i, s := range graph {
		ids[i] = s.id
	}
	return ids
}

// stepNode is one step with the steps it waits for.
type stepNode struct {
	id   StepID
	deps []StepID
}

// stepGraph returns the steps of a run in display order with their
// dependencies. Every write waits for the source check, so nothing is
// created in a sandbox where the Customer.io source is not provisioned.
// With an existing dataset every write also waits for the mapping
// validation. The ready-made mapping can only be validated once its schema
// exists, so there the source connection runs alongside the schema chain.
func stepGraph(data DataChoice) []stepNode {
	if data == ExistingDataset {
		return []stepNode{
			{StepCheckSource, nil},
			{StepReadDataset, nil},
			{StepValidateMapping, []StepID{StepReadDataset}},
			{StepMappingSet, []StepID{StepCheckSource, StepValidateMapping}},
			{StepSourceConnection, []StepID{StepCheckSource, StepValidateMapping}},
			{StepTargetConnection, []StepID{StepCheckSource, StepValidateMapping}},
			{StepFlow, []StepID{StepMappingSet, StepSourceConnection, StepTargetConnection}},
			{StepInlet, []StepID{StepFlow}},
		}
	}

	return []stepNode{
		{StepCheckSource, nil},
		{StepFieldGroup, []StepID{StepCheckSource}},
		{StepSchema, []StepID{StepFieldGroup}},
		{StepDataset, []StepID{StepSchema}},
		{StepValidateMapping, []StepID{StepSchema}},
		{StepMappingSet, []StepID{StepValidateMapping}},
		{StepSourceConnection, []StepID{StepCheckSource}},
		{StepTargetConnection, []StepID{StepDataset}},
		{StepFlow, []StepID{StepMappingSet, StepSourceConnection, StepTargetConnection}},
		{StepInlet, []StepID{StepFlow}},
	}
}
