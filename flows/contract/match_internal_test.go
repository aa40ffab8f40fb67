package contract

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestMatchWhere(t *testing.T) {
	tests := []struct {
		pattern, where string
		want           bool
	}{
		{"body /items/*/options", "body /items/0/options", true},
		{"body /items/*/options", "body /items/0/options/inletUrl", false},
		{"body /**/createdDate", "body /createdDate", true},
		{"body /**/createdDate", "body /data/3/mappings/1/createdDate", true},
		{"body /**/createdDate", "body /data/3/modifiedDate", false},
		{"query subOp", "query subOp", true},
		{"query subOp", "query op", false},
		{"query subOp", "header subOp", false},
		{"body /a", "query /a", false},
	}
	for _, test := range tests {
		if got := matchWhere(test.pattern, test.where); got != test.want {
			t.Errorf("matchWhere(%q, %q) = %v, want %v", test.pattern, test.where, got, test.want)
		}
	}
}

func TestBodyPointerEscapes(t *testing.T) {
	if got := bodyPointer([]string{"paths", "/flows/{id}", "a~b"}); got != "/paths/~1flows~1{id}/a~0b" {
		t.Errorf("bodyPointer = %q", got)
	}
}

func TestUndeclaredProperties(t *testing.T) {
	closed := openapi3.NewObjectSchema().
		WithProperty("id", openapi3.NewStringSchema()).
		WithProperty("tags", openapi3.NewObjectSchema()). // free-form
		WithProperty("items", openapi3.NewArraySchema().WithItems(
			openapi3.NewObjectSchema().WithProperty("name", openapi3.NewStringSchema()))).
		WithProperty("byID", openapi3.NewObjectSchema().WithAdditionalProperties(
			openapi3.NewObjectSchema().WithProperty("name", openapi3.NewStringSchema())))
	extended := &openapi3.Schema{AllOf: openapi3.SchemaRefs{
		openapi3.NewSchemaRef("", closed),
		openapi3.NewSchemaRef("", openapi3.NewObjectSchema().WithProperty("extra", openapi3.NewIntegerSchema())),
	}}

	var value any
	body := `{"id":"1","extra":2,"tags":{"any":true},"items":[{"name":"a"},{"nmae":"b"}],
		"byID":{"k":{"name":"c","nick":"d"}},"unknown":0}`
	if err := json.Unmarshal([]byte(body), &value); err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, pointer := range undeclaredProperties([]*openapi3.Schema{extended}, value, nil) {
		got = append(got, bodyPointer(pointer))
	}
	want := []string{"/byID/k/nick", "/items/1/nmae", "/unknown"}
	if !slices.Equal(got, want) {
		t.Errorf("undeclared = %v, want %v", got, want)
	}
}

func TestUndeclaredPropertiesOneOf(t *testing.T) {
	cat := openapi3.NewObjectSchema().WithProperty("meow", openapi3.NewBoolSchema())
	cat.Required = []string{"meow"}
	dog := openapi3.NewObjectSchema().WithProperty("bark", openapi3.NewBoolSchema())
	dog.Required = []string{"bark"}
	pet := &openapi3.Schema{OneOf: openapi3.SchemaRefs{openapi3.NewSchemaRef("", cat), openapi3.NewSchemaRef("", dog)}}

	var value any
	if err := json.Unmarshal([]byte(`{"bark":true,"meow":true,"wag":1}`), &value); err != nil {
		t.Fatal(err)
	}

	// Both branches match, so both declare their properties; wag is unknown to either.
	var got []string
	for _, pointer := range undeclaredProperties([]*openapi3.Schema{pet}, value, nil) {
		got = append(got, bodyPointer(pointer))
	}
	if !slices.Equal(got, []string{"/wag"}) {
		t.Errorf("undeclared = %v, want [/wag]", got)
	}
}
