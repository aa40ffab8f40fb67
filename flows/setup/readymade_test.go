package setup

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/aep"
)

func TestReadyMadeFieldGroupHasEveryField(t *testing.T) {
	spec := readyMadeFieldGroup("acme", "Customer.io reporting event (cio-000001)")

	if len(spec.IntendedToExtend) != 1 || spec.IntendedToExtend[0] != aep.ExperienceEventClass {
		t.Errorf("IntendedToExtend = %v, want ExperienceEvent", spec.IntendedToExtend)
	}
	if _, err := json.Marshal(spec.Properties); err != nil {
		t.Fatalf("properties do not encode: %v", err)
	}

	for _, f := range readyMadeFields {
		path := strings.Split(readyMadeTargetPath("acme", f), ".")
		definition := lookUpProperty(t, spec.Properties, path)
		if definition == nil {
			t.Errorf("field %s missing from the field group", strings.Join(path, "."))
			continue
		}
		if _, ok := definition["required"]; ok {
			t.Errorf("field %s is required, want every field optional", f.path)
		}

		wantType := "string"
		if f.long {
			wantType = "integer"
		}
		if definition["type"] != wantType {
			t.Errorf("field %s type = %v, want %s", f.path, definition["type"], wantType)
		}
	}
}

// lookUpProperty walks nested JSON Schema properties along path.
func lookUpProperty(t *testing.T, properties map[string]any, path []string) map[string]any {
	t.Helper()
	node, _ := properties[path[0]].(map[string]any)
	if node == nil || len(path) == 1 {
		return node
	}
	if _, ok := node["required"]; ok {
		t.Errorf("object %s declares required fields", path[0])
	}
	children, _ := node["properties"].(map[string]any)
	return lookUpProperty(t, children, path[1:])
}

func TestReadyMadeMappingsCoverEveryField(t *testing.T) {
	mappings := ReadyMadeMappings("acme")

	if len(mappings) != len(readyMadeFields)+2 {
		t.Errorf("len(mappings) = %d, want %d", len(mappings), len(readyMadeFields)+2)
	}
	if mappings[0] != (aep.Mapping{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"}) {
		t.Errorf("first mapping = %+v, want _id from event_id", mappings[0])
	}
	if mappings[1].SourceType != aep.MappingExpression || mappings[1].Destination != "timestamp" {
		t.Errorf("second mapping = %+v, want the timestamp expression", mappings[1])
	}
	for _, m := range mappings[2:] {
		if !strings.HasPrefix(m.Destination, "_acme.customerio.") {
			t.Errorf("destination %s is outside _acme.customerio", m.Destination)
		}
	}
}
