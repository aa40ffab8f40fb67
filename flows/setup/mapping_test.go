package setup

import (
	"slices"
	"testing"

	"github.com/cioaep/setup/flows/aep"
)

// readyMadeLikeSchema is an ExperienceEvent schema with the ready-made
// fields under tenant "acme", as a dataset created by an earlier run has.
func readyMadeLikeSchema() aep.Schema {
	schema := aep.Schema{
		SchemaSummary: aep.SchemaSummary{ID: "https://ns.adobe.com/acme/schemas/1", Title: "Events", Class: aep.ExperienceEventClass},
		Fields: []aep.SchemaField{
			{Path: "_id", Type: "string", Required: true},
			{Path: "timestamp", Type: "string", Format: "date-time", Required: true},
			{Path: "eventType", Type: "string"},
			{Path: "_acme", Type: "object"},
			{Path: "_acme.customerio", Type: "object"},
		},
	}
	for _, f := range readyMadeFields {
		schema.Fields = append(schema.Fields, aep.SchemaField{Path: readyMadeTargetPath("acme", f), Type: "string"})
	}
	return schema
}

func TestMappingModelMarksRequiredTargets(t *testing.T) {
	schema := readyMadeLikeSchema()
	schema.Fields[0].Required = false // Adobe may not flag _id, the class requires it anyway
	model := NewMappingModel(schema)

	var required []string
	for _, target := range model.Targets {
		if target.Required {
			required = append(required, target.Path)
		}
		if target.Type == "object" {
			t.Errorf("target %s is an object, want leaf fields only", target.Path)
		}
	}
	if want := []string{"_id", "timestamp"}; !slices.Equal(required, want) {
		t.Errorf("required targets = %v, want %v", required, want)
	}
}

func TestMappingModelSuggestsReadyMadeMapping(t *testing.T) {
	model := NewMappingModel(readyMadeLikeSchema())
	model.Suggest()

	got := map[string]aep.Mapping{}
	for _, m := range model.Mappings() {
		got[m.Destination] = m
	}
	for _, want := range ReadyMadeMappings("acme") {
		if got[want.Destination] != want {
			t.Errorf("mapping for %s = %+v, want %+v", want.Destination, got[want.Destination], want)
		}
	}
	if _, ok := got["eventType"]; ok {
		t.Errorf("eventType got a mapping %+v, want none", got["eventType"])
	}
	if err := model.Validate(); err != nil {
		t.Errorf("Validate() after Suggest() = %v, want nil", err)
	}
}

func TestMappingModelSuggestsByName(t *testing.T) {
	schema := aep.Schema{
		SchemaSummary: aep.SchemaSummary{Class: aep.ExperienceEventClass},
		Fields: []aep.SchemaField{
			{Path: "_acme.crm.customerId", Type: "string"},
			{Path: "_acme.crm.cioId", Type: "string"},
			{Path: "_acme.crm.email", Type: "string"},
			{Path: "_acme.crm.identifiers.email", Type: "string"},
			{Path: "_acme.crm.unrelated", Type: "string"},
		},
	}
	model := NewMappingModel(schema)

	got := map[string]string{}
	for _, m := range model.Suggestions() {
		got[m.Destination] = m.Source
	}
	want := map[string]string{
		"_acme.crm.customerId":        "data.customer_id",
		"_acme.crm.cioId":             "data.identifiers.cio_id",
		"_acme.crm.identifiers.email": "data.identifiers.email",
		"_acme.crm.email":             "data.identifiers.email",
	}
	for destination, source := range want {
		if got[destination] != source {
			t.Errorf("suggestion for %s = %q, want %q", destination, got[destination], source)
		}
	}
	if source, ok := got["_acme.crm.unrelated"]; ok {
		t.Errorf("unrelated got suggestion %q, want none", source)
	}
}

func TestMappingModelValidateNamesMissing(t *testing.T) {
	model := NewMappingModel(readyMadeLikeSchema())
	if err := model.SetExpression("timestamp", TimestampExpression); err != nil {
		t.Fatalf("SetExpression() error = %v", err)
	}

	err := model.Validate()
	if CauseOf(err) != CauseMappingIncomplete {
		t.Fatalf("Validate() = %v, want cause %s", err, CauseMappingIncomplete)
	}
	if missing := err.(*Error).Missing; !slices.Equal(missing, []string{"_id"}) {
		t.Errorf("Missing = %v, want [_id]", missing)
	}

	if err := model.Set("_id", "event_id"); err != nil {
		t.Fatalf("Set() error = %v", err)
	}
	if err := model.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestMappingModelRejectsUnknownTarget(t *testing.T) {
	model := NewMappingModel(readyMadeLikeSchema())

	err := model.Set("_acme.nothing", "event_id")
	if CauseOf(err) != CauseMappingInvalid {
		t.Fatalf("Set() = %v, want cause %s", err, CauseMappingInvalid)
	}
	if _, ok := model.Mapping("_acme.nothing"); ok {
		t.Error("unknown target kept a mapping")
	}

	err = model.SetMappings([]aep.Mapping{
		{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"},
		{SourceType: aep.MappingAttribute, Source: "metric", Destination: "_acme.metric"},
	})
	if unknown := err.(*Error).Unknown; !slices.Equal(unknown, []string{"_acme.metric"}) {
		t.Errorf("Unknown = %v, want [_acme.metric]", unknown)
	}
	if _, ok := model.Mapping("_id"); !ok {
		t.Error("SetMappings() dropped the valid _id mapping")
	}
}

func TestMappingModelClear(t *testing.T) {
	model := NewMappingModel(readyMadeLikeSchema())
	model.Suggest()
	model.Clear("_id")

	if _, ok := model.Mapping("_id"); ok {
		t.Error("Mapping(_id) still set after Clear")
	}
	if added := model.Suggest(); added != 1 {
		t.Errorf("Suggest() added %d, want 1 (only _id)", added)
	}
}

func TestCheckSchemaRejectsProfile(t *testing.T) {
	profile := aep.Schema{SchemaSummary: aep.SchemaSummary{Class: "https://ns.adobe.com/xdm/context/profile"}}
	err := CheckSchema(profile)
	if CauseOf(err) != CauseNotExperienceEvent {
		t.Fatalf("CheckSchema(profile) = %v, want cause %s", err, CauseNotExperienceEvent)
	}
	if value := err.(*Error).Value; value != profile.Class {
		t.Errorf("Value = %q, want the class %q", value, profile.Class)
	}

	if err := CheckSchema(readyMadeLikeSchema()); err != nil {
		t.Errorf("CheckSchema(ExperienceEvent) = %v, want nil", err)
	}
}

func TestNormalizeName(t *testing.T) {
	for _, name := range []string{"cio_id", "cioId", "CioID", "cio-id"} {
		if got := normalizeName(name); got != "cioid" {
			t.Errorf("normalizeName(%q) = %q, want cioid", name, got)
		}
	}
}
