package setup

import (
	"slices"
	"strings"
	"unicode"

	"github.com/cioaep/setup/flows/aep"
)

// SourceField is a field of Customer.io reporting events, addressed by its
// path in the event JSON, such as "data.identifiers.email".
type SourceField struct {
	Path string
	Type string // JSON type: string, integer, boolean, array, object

	// Groups lists the event groups (object_type values) whose events carry
	// the field. Nil means events of every group may carry it.
	Groups []string
}

// sourceFields is the catalogue of Customer.io reporting event fields that a
// mapping can read. Customer.io's reporting webhook reference documents
// them; Customer.io may add fields without notice, so mappings may also
// name paths that are missing here.
//
// Several ID fields arrive as a number in some events and as a string in
// others; Type gives the documented type.
var sourceFields = []SourceField{
	{Path: "event_id", Type: "string"},
	{Path: "object_type", Type: "string"},
	{Path: "metric", Type: "string"},
	{Path: "timestamp", Type: "integer"},
	{Path: "data.customer_id", Type: "string"},
	{Path: "data.email_address", Type: "string", Groups: []string{"customer"}},
	{Path: "data.identifiers.id", Type: "string"},
	{Path: "data.identifiers.email", Type: "string"},
	{Path: "data.identifiers.cio_id", Type: "string"},
	{Path: "data.delivery_id", Type: "string"},
	{Path: "data.campaign_id", Type: "integer"},
	{Path: "data.action_id", Type: "integer"},
	{Path: "data.parent_action_id", Type: "integer"},
	{Path: "data.trigger_event_id", Type: "string"},
	{Path: "data.broadcast_id", Type: "integer"},
	{Path: "data.trigger_id", Type: "integer"},
	{Path: "data.journey_id", Type: "string"},
	{Path: "data.newsletter_id", Type: "integer"},
	{Path: "data.content_id", Type: "integer"},
	{Path: "data.transactional_message_id", Type: "integer"},
	{Path: "data.subject", Type: "string", Groups: []string{"email"}},
	{Path: "data.recipient", Type: "string"},
	{Path: "data.recipients", Type: "array", Groups: []string{"push"}},
	{Path: "data.href", Type: "string"},
	{Path: "data.link_id", Type: "integer"},
	{Path: "data.machine", Type: "boolean", Groups: []string{"email"}},
	{Path: "data.proxied", Type: "boolean", Groups: []string{"email"}},
	{Path: "data.prefetched", Type: "boolean", Groups: []string{"email"}},
	{Path: "data.synthetic", Type: "boolean", Groups: []string{"email"}},
	{Path: "data.tracked_response", Type: "string", Groups: []string{"in_app"}},
	{Path: "data.failure_message", Type: "string"},
	{Path: "data.content", Type: "string"},
	{Path: "data.headers", Type: "object", Groups: []string{"email"}},
	{Path: "data.inbound_event_id", Type: "string", Groups: []string{"sms"}},
	{Path: "data.to", Type: "string", Groups: []string{"sms"}},
}

// SourceFields returns the catalogue of Customer.io event fields a mapping
// can read, in display order.
func SourceFields() []SourceField {
	out := make([]SourceField, len(sourceFields))
	for i, f := range sourceFields {
		out[i] = f
		out[i].Groups = slices.Clone(f.Groups)
	}
	return out
}

// TargetField is a field of the dataset's schema that a mapping can fill.
type TargetField struct {
	Path     string
	Type     string
	Format   string
	Title    string
	Required bool
}

// MappingModel is the mapping between Customer.io event fields and the
// fields of an existing dataset's schema, as the user edits it. Each target
// field gets at most one mapping; one source field may fill several
// targets. It is not safe for concurrent use.
type MappingModel struct {
	SchemaID    string
	SchemaTitle string
	Class       string

	// Sources is the Customer.io event catalogue, Targets the schema's leaf
	// fields in schema order, required ones marked.
	Sources []SourceField
	Targets []TargetField

	mappings map[string]aep.Mapping // by destination
}

// NewMappingModel returns a model for a resolved schema, without mappings.
// Call Suggest to fill in the suggested ones.
func NewMappingModel(schema aep.Schema) *MappingModel {
	m := &MappingModel{
		SchemaID:    schema.ID,
		SchemaTitle: schema.Title,
		Class:       schema.Class,
		Sources:     SourceFields(),
		mappings:    map[string]aep.Mapping{},
	}

	eventClass := isExperienceEvent(schema)
	for _, f := range schema.Fields {
		if f.Type == "object" {
			continue
		}
		required := f.Required
		if eventClass && (f.Path == "_id" || f.Path == "timestamp") {
			required = true
		}
		m.Targets = append(m.Targets, TargetField{
			Path:     f.Path,
			Type:     f.Type,
			Format:   f.Format,
			Title:    f.Title,
			Required: required,
		})
	}
	return m
}

// isExperienceEvent reports whether a schema is of the ExperienceEvent class.
func isExperienceEvent(schema aep.Schema) bool {
	return schema.Class == aep.ExperienceEventClass || slices.Contains(schema.Extends, aep.ExperienceEventClass)
}

// CheckSchema returns an *Error with CauseNotExperienceEvent when the
// schema is not of the ExperienceEvent class. Customer.io webhooks send
// time-stamped events, and a setup only streams into ExperienceEvent
// datasets.
func CheckSchema(schema aep.Schema) error {
	if isExperienceEvent(schema) {
		return nil
	}
	return &Error{Cause: CauseNotExperienceEvent, Value: schema.Class}
}

// Target returns the target field with the given path.
func (m *MappingModel) Target(path string) (TargetField, bool) {
	for _, t := range m.Targets {
		if t.Path == path {
			return t, true
		}
	}
	return TargetField{}, false
}

// Set maps a Customer.io field path to a target field, replacing the
// target's earlier mapping. It returns an *Error with CauseMappingInvalid
// when the schema has no such target.
func (m *MappingModel) Set(destination, source string) error {
	return m.put(aep.Mapping{SourceType: aep.MappingAttribute, Source: source, Destination: destination})
}

// SetExpression fills a target field with a Data Prep expression, such as
// TimestampExpression.
func (m *MappingModel) SetExpression(destination, expression string) error {
	return m.put(aep.Mapping{SourceType: aep.MappingExpression, Source: expression, Destination: destination})
}

func (m *MappingModel) put(mapping aep.Mapping) error {
	if _, ok := m.Target(mapping.Destination); !ok {
		return &Error{Cause: CauseMappingInvalid, Unknown: []string{mapping.Destination}}
	}
	m.mappings[mapping.Destination] = mapping
	return nil
}

// Clear removes the mapping of a target field.
func (m *MappingModel) Clear(destination string) {
	delete(m.mappings, destination)
}

// Mapping returns the mapping of a target field.
func (m *MappingModel) Mapping(destination string) (aep.Mapping, bool) {
	mapping, ok := m.mappings[destination]
	return mapping, ok
}

// Mappings returns the mappings in the order of the schema's fields,
// ready for Input.Mappings.
func (m *MappingModel) Mappings() []aep.Mapping {
	var out []aep.Mapping
	for _, t := range m.Targets {
		if mapping, ok := m.mappings[t.Path]; ok {
			out = append(out, mapping)
		}
	}
	return out
}

// SetMappings replaces every mapping, for example with the mappings of a
// journal. It returns an *Error with CauseMappingInvalid listing the
// destinations the schema does not have; the others are kept.
func (m *MappingModel) SetMappings(mappings []aep.Mapping) error {
	m.mappings = map[string]aep.Mapping{}

	var unknown []string
	for _, mapping := range mappings {
		if err := m.put(mapping); err != nil {
			unknown = append(unknown, mapping.Destination)
		}
	}
	if len(unknown) > 0 {
		return &Error{Cause: CauseMappingInvalid, Unknown: unknown}
	}
	return nil
}

// Validate returns an *Error with CauseMappingIncomplete naming every
// required target without a mapping, or nil.
func (m *MappingModel) Validate() error {
	var missing []string
	for _, t := range m.Targets {
		if _, ok := m.mappings[t.Path]; t.Required && !ok {
			missing = append(missing, t.Path)
		}
	}
	if len(missing) > 0 {
		return &Error{Cause: CauseMappingIncomplete, Missing: missing}
	}
	return nil
}

// Suggest adds the suggested mapping of every target field that has none
// and returns how many it added.
func (m *MappingModel) Suggest() int {
	added := 0
	for _, s := range m.Suggestions() {
		if _, ok := m.mappings[s.Destination]; !ok {
			m.mappings[s.Destination] = s
			added++
		}
	}
	return added
}

// Suggestions returns a mapping for every target field whose source field
// follows from the names. _id comes from event_id, the ExperienceEvent
// timestamp from TimestampExpression, and the fields of a ready-made schema
// from their Customer.io fields. Any other target gets the one Customer.io
// field whose name matches, ignoring case and punctuation, so customerId
// matches customer_id.
func (m *MappingModel) Suggestions() []aep.Mapping {
	var out []aep.Mapping
	for _, t := range m.Targets {
		if mapping, ok := m.suggest(t); ok {
			out = append(out, mapping)
		}
	}
	return out
}

func (m *MappingModel) suggest(t TargetField) (aep.Mapping, bool) {
	attribute := func(source string) (aep.Mapping, bool) {
		return aep.Mapping{SourceType: aep.MappingAttribute, Source: source, Destination: t.Path}, true
	}

	switch {
	case t.Path == "_id":
		return attribute("event_id")
	case t.Path == "timestamp" && t.Format == "date-time":
		return aep.Mapping{SourceType: aep.MappingExpression, Source: TimestampExpression, Destination: t.Path}, true
	}

	for _, f := range readyMadeFields {
		if strings.HasSuffix(t.Path, "."+readyMadeNamespace+"."+f.path) {
			return attribute(f.source)
		}
	}

	// Compare more and more of the path's end until exactly one source
	// matches: "email" alone matches several sources, "identifiers.email"
	// matches one.
	targetSegments := strings.Split(t.Path, ".")
	for n := 1; n <= len(targetSegments); n++ {
		want := normalizeName(strings.Join(targetSegments[len(targetSegments)-n:], "."))

		var matches []string
		for _, s := range m.Sources {
			sourceSegments := strings.Split(s.Path, ".")
			if n > len(sourceSegments) {
				continue
			}
			if normalizeName(strings.Join(sourceSegments[len(sourceSegments)-n:], ".")) == want {
				matches = append(matches, s.Path)
			}
		}

		switch len(matches) {
		case 0:
			return aep.Mapping{}, false
		case 1:
			return attribute(matches[0])
		}
	}
	return aep.Mapping{}, false
}

// normalizeName lowers a field name and drops everything but letters and
// digits, so "cio_id", "cioId" and "CioID" compare equal.
func normalizeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// checkMappings checks mappings against a resolved schema without calling
// Adobe: every destination must be a field of the schema and every required
// field must be filled.
func checkMappings(schema aep.Schema, mappings []aep.Mapping) error {
	model := NewMappingModel(schema)
	if err := model.SetMappings(mappings); err != nil {
		return err
	}
	return model.Validate()
}
