package contract

import (
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// None of Adobe's schemas sets additionalProperties: false, so JSON Schema
// alone accepts any misspelt field. The contract here is stricter: an object
// whose schema declares properties is closed, and a member it does not
// declare is a violation unless the schema also gives additionalProperties
// (a schema or true). An object schema without properties is a free-form
// map. This is what makes a simulator's "inletURL" for "inletUrl" fail.

// objectShape collects the properties, additionalProperties and items that a
// set of schemas, applied together as by allOf, declare for one JSON value.
type objectShape struct {
	properties map[string][]*openapi3.Schema
	additional []*openapi3.Schema
	open       bool // additionalProperties: true was written somewhere
	items      []*openapi3.Schema
}

// undeclaredProperties returns the JSON pointers of object members in value
// that schemas, applied together, do not declare.
func undeclaredProperties(schemas []*openapi3.Schema, value any, pointer []string) [][]string {
	shape := objectShape{properties: map[string][]*openapi3.Schema{}}
	for _, schema := range schemas {
		shape.collect(schema, value)
	}

	var found [][]string
	switch value := value.(type) {
	case map[string]any:
		keys := make([]string, 0, len(value))
		for key := range value {
			keys = append(keys, key)
		}
		sort.Strings(keys)

		for _, key := range keys {
			member := append(pointer[:len(pointer):len(pointer)], key)
			switch {
			case len(shape.properties[key]) > 0:
				found = append(found, undeclaredProperties(shape.properties[key], value[key], member)...)
			case len(shape.additional) > 0:
				found = append(found, undeclaredProperties(shape.additional, value[key], member)...)
			case shape.open || len(shape.properties) == 0:
				// A free-form object: any member is allowed and unchecked.
			default:
				found = append(found, member)
			}
		}

	case []any:
		if len(shape.items) == 0 {
			return nil
		}
		for i, item := range value {
			element := append(pointer[:len(pointer):len(pointer)], strconv.Itoa(i))
			found = append(found, undeclaredProperties(shape.items, item, element)...)
		}
	}
	return found
}

// collect adds what schema declares about value to the shape. For oneOf and
// anyOf only the branches value is valid against count, because the others
// describe a different variant.
func (shape *objectShape) collect(schema *openapi3.Schema, value any) {
	if schema == nil {
		return
	}

	for name, property := range schema.Properties {
		if property != nil && property.Value != nil {
			shape.properties[name] = append(shape.properties[name], property.Value)
		}
	}
	if additional := schema.AdditionalProperties; additional.Schema != nil && additional.Schema.Value != nil {
		shape.additional = append(shape.additional, additional.Schema.Value)
	} else if additional.Has != nil && *additional.Has {
		shape.open = true
	}
	if schema.Items != nil && schema.Items.Value != nil {
		shape.items = append(shape.items, schema.Items.Value)
	}

	for _, sub := range schema.AllOf {
		shape.collect(sub.Value, value)
	}
	for _, branches := range []openapi3.SchemaRefs{schema.OneOf, schema.AnyOf} {
		for _, sub := range branches {
			if sub.Value != nil && sub.Value.VisitJSON(value, openapi3.DisableSchemaErrorDetails()) == nil {
				shape.collect(sub.Value, value)
			}
		}
	}
}
