package sim

import (
	"maps"
	"sort"
)

// XDM class IDs that the simulated Schema Registry supports.
const (
	classExperienceEvent = "https://ns.adobe.com/xdm/context/experienceevent"
	classProfile         = "https://ns.adobe.com/xdm/context/profile"
)

// classExtends lists what a schema of each class extends besides the class,
// as meta:extends shows it.
var classExtends = map[string][]string{
	classExperienceEvent: {"https://ns.adobe.com/xdm/data/time-series"},
	classProfile:         {"https://ns.adobe.com/xdm/data/record", "https://ns.adobe.com/xdm/context/identitymap"},
}

// classRequired lists the fields every record of a class must have. Adobe's
// docs state _id and timestamp for ExperienceEvent.
var classRequired = map[string][]string{
	classExperienceEvent: {"_id", "timestamp"},
	classProfile:         {"_id"},
}

// classProperties returns the fields a class contributes, in the resolved
// (xed-full) form. It is a small subset of the real classes.
func classProperties(class string) map[string]any {
	identityMap := map[string]any{
		"type":         "object",
		"title":        "Identity map",
		"description":  "Identities of the subject, by namespace.",
		"meta:xdmType": "map",
		"additionalProperties": map[string]any{
			"type":  "array",
			"items": map[string]any{"type": "object", "properties": map[string]any{"id": stringField("Identifier", "")}},
		},
	}

	switch class {
	case classExperienceEvent:
		timestamp := stringField("Timestamp", "The time when the event occurred.")
		timestamp["format"] = "date-time"
		timestamp["meta:xdmType"] = "date-time"
		return map[string]any{
			"_id":         stringField("Identifier", "A unique identifier for the event."),
			"timestamp":   timestamp,
			"eventType":   stringField("Event type", "The primary event type for this record."),
			"producedBy":  stringField("Produced by", "The entity that produced the event."),
			"identityMap": identityMap,
		}
	case classProfile:
		return map[string]any{
			"_id":         stringField("Identifier", "A unique identifier for the record."),
			"personID":    stringField("Person ID", "Unique identifier of the person."),
			"identityMap": identityMap,
			"personalEmail": objectField("Personal email", map[string]any{
				"address": stringField("Address", "The email address."),
			}),
		}
	}
	return map[string]any{}
}

func stringField(title, description string) map[string]any {
	f := map[string]any{"type": "string", "title": title, "meta:xdmType": "string"}
	if description != "" {
		f["description"] = description
	}
	return f
}

func integerField(title string) map[string]any {
	return map[string]any{"type": "integer", "title": title, "meta:xdmType": "long"}
}

func objectField(title string, properties map[string]any) map[string]any {
	return map[string]any{"type": "object", "title": title, "meta:xdmType": "object", "properties": properties}
}

// fieldGroupProperties merges the properties of every definition of a field
// group into one tree.
func fieldGroupProperties(fg *fieldGroup) map[string]any {
	merged := map[string]any{}
	names := make([]string, 0, len(fg.definitions))
	for name := range fg.definitions {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		def, ok := fg.definitions[name].(map[string]any)
		if !ok {
			continue
		}
		if props, ok := def["properties"].(map[string]any); ok {
			mergeProperties(merged, props)
		}
	}
	return merged
}

// mergeProperties deep-merges src into dst: objects present in both have their
// properties merged, other fields from src replace those in dst.
func mergeProperties(dst, src map[string]any) {
	for name, value := range src {
		existing, ok := dst[name].(map[string]any)
		incoming, isMap := value.(map[string]any)
		if !ok || !isMap {
			dst[name] = deepCopy(value)
			continue
		}

		existingProps, ok1 := existing["properties"].(map[string]any)
		incomingProps, ok2 := incoming["properties"].(map[string]any)
		if ok1 && ok2 {
			mergeProperties(existingProps, incomingProps)
			continue
		}
		dst[name] = deepCopy(value)
	}
}

// deepCopy copies decoded JSON so that responses never share maps with state.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, item := range v {
			c[k] = deepCopy(item)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, item := range v {
			c[i] = deepCopy(item)
		}
		return c
	default:
		return v
	}
}

// resolvedProperties returns the fields of a schema: its class fields plus the
// fields of every tenant field group it references.
func (sb *sandbox) resolvedProperties(s *schema) map[string]any {
	props := classProperties(s.class)
	for _, ref := range s.refs {
		if fg := sb.fieldGroups[ref]; fg != nil {
			mergeProperties(props, fieldGroupProperties(fg))
		}
	}
	return props
}

// fieldType is the JSON type of one schema field, keyed by its dotted path.
type fieldType string

// schemaFields flattens a schema to dotted paths ("_acmecorp.customerio.metric")
// with the JSON type of each field. Objects are listed as well as their leaves.
func (sb *sandbox) schemaFields(s *schema) map[string]fieldType {
	fields := map[string]fieldType{}
	flattenFields(fields, "", sb.resolvedProperties(s))
	return fields
}

func flattenFields(fields map[string]fieldType, prefix string, props map[string]any) {
	for name, value := range props {
		field, ok := value.(map[string]any)
		if !ok {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}

		kind, _ := field["type"].(string)
		fields[path] = fieldType(kind)
		if nested, ok := field["properties"].(map[string]any); ok {
			flattenFields(fields, path, nested)
		}
	}
}

// stripText removes titles and, unless keepDescriptions, descriptions from a
// resolved schema, for the -notext and -desc Accept variants.
func stripText(v any, keepDescriptions bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			if k == "title" || (k == "description" && !keepDescriptions) {
				if _, isString := item.(string); isString {
					continue
				}
			}
			out[k] = stripText(item, keepDescriptions)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = stripText(item, keepDescriptions)
		}
		return out
	default:
		return v
	}
}

// tenantNamespace returns the top-level field for custom fields, "_acmecorp".
func tenantNamespace(tenantID string) string {
	return "_" + tenantID
}

// schemaExtends returns meta:extends for a schema.
func (sb *sandbox) schemaExtends(s *schema) []string {
	ext := []string{s.class}
	ext = append(ext, classExtends[s.class]...)
	for _, ref := range s.refs {
		if ref != s.class {
			ext = append(ext, ref)
		}
	}
	return ext
}

// copyTags copies dataset tags so that responses never share slices with state.
func copyTags(tags map[string][]string) map[string][]string {
	if tags == nil {
		return nil
	}
	out := maps.Clone(tags)
	for k, v := range out {
		out[k] = append([]string(nil), v...)
	}
	return out
}
