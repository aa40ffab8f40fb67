package contract

import "github.com/getkin/kin-openapi/openapi3"

// visitSchemas calls visit once for every schema reachable from the
// components and operations of doc.
func visitSchemas(doc *openapi3.T, visit func(*openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}

	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		schema := ref.Value
		seen[schema] = true
		visit(schema)

		for _, property := range schema.Properties {
			walk(property)
		}
		walk(schema.Items)
		walk(schema.AdditionalProperties.Schema)
		walk(schema.Not)
		for _, group := range []openapi3.SchemaRefs{schema.AllOf, schema.OneOf, schema.AnyOf} {
			for _, sub := range group {
				walk(sub)
			}
		}
	}

	walkContent := func(content openapi3.Content) {
		for _, mediaType := range content {
			if mediaType != nil {
				walk(mediaType.Schema)
			}
		}
	}

	if doc.Components != nil {
		for _, schema := range doc.Components.Schemas {
			walk(schema)
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, operation := range item.Operations() {
			for _, parameter := range operation.Parameters {
				if parameter.Value != nil {
					walk(parameter.Value.Schema)
				}
			}
			if operation.RequestBody != nil && operation.RequestBody.Value != nil {
				walkContent(operation.RequestBody.Value.Content)
			}
			if operation.Responses != nil {
				for _, response := range operation.Responses.Map() {
					if response.Value != nil {
						walkContent(response.Value.Content)
					}
				}
			}
		}
	}
}
