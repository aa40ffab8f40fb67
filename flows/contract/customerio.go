package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// customerIOSpecFile is Customer.io's reporting-webhooks document, relative
// to the spec folder. It is OpenAPI 3.1, so its schemas are JSON Schema 2020-12.
var customerIOSpecFile = filepath.Join("customerio", "customer-io-reporting-webhooks-openapi.json")

// customerIOEventPointer locates the schema of one webhook body (a oneOf
// over the event schemas of every object type) inside the document.
const customerIOEventPointer = "/webhooks/reportingWebhook/post/requestBody/content/application~1json/schema"

// CustomerIOSchema validates Customer.io reporting-webhook events.
type CustomerIOSchema struct {
	event *jsonschema.Schema
	// components holds every schema of the document by component name
	// ("email_event", "email_sent"...), to narrow an error to the event's
	// own object type and metric.
	components map[string]*jsonschema.Schema
}

// EventError reports a Customer.io event that does not match the
// reporting-webhook schema.
type EventError struct {
	ObjectType string // the event's object_type, empty when absent
	Metric     string // the event's metric, empty when absent
	Err        error  // the JSON Schema validation error
}

func (e *EventError) Error() string {
	return fmt.Sprintf("Customer.io event %s/%s does not match the reporting-webhook schema: %v", e.ObjectType, e.Metric, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// LoadCustomerIOSchema compiles the reporting-webhook event schema from the
// spec folder dir.
func LoadCustomerIOSchema(dir string) (*CustomerIOSchema, error) {
	path := filepath.Join(dir, customerIOSpecFile)
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	doc, err := jsonschema.UnmarshalJSON(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}

	absolute, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(absolute)}).String()

	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	if err := compiler.AddResource(fileURL, doc); err != nil {
		return nil, fmt.Errorf("add %s: %w", path, err)
	}

	event, err := compiler.Compile(fileURL + "#" + customerIOEventPointer)
	if err != nil {
		return nil, fmt.Errorf("compile the reporting-webhook event schema: %w", err)
	}

	schema := &CustomerIOSchema{event: event, components: map[string]*jsonschema.Schema{}}
	for _, name := range componentNames(doc) {
		component, err := compiler.Compile(fileURL + "#/components/schemas/" + name)
		if err != nil {
			return nil, fmt.Errorf("compile the schema %s: %w", name, err)
		}
		schema.components[name] = component
	}
	return schema, nil
}

// Validate checks one event body, a single JSON object as Customer.io POSTs
// it. It returns an *EventError when the event does not match.
func (s *CustomerIOSchema) Validate(body []byte) error {
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("event body is not valid JSON: %w", err)
	}

	var envelope struct {
		ObjectType string `json:"object_type"`
		Metric     string `json:"metric"`
	}
	_ = json.Unmarshal(body, &envelope) // only used to label the error

	err = s.event.Validate(value)
	if err == nil {
		return nil
	}

	// The oneOf error lists every object type's failure. The schema of the
	// event's own metric, else of its object type, gives the one that
	// matters, unless the event passes it and failed the oneOf for another
	// reason.
	for _, name := range []string{envelope.ObjectType + "_" + envelope.Metric, envelope.ObjectType + "_event"} {
		if narrow, ok := s.components[name]; ok {
			if narrowErr := narrow.Validate(value); narrowErr != nil {
				err = narrowErr
				break
			}
		}
	}
	return &EventError{ObjectType: envelope.ObjectType, Metric: envelope.Metric, Err: err}
}

// componentNames returns the names under components.schemas of the
// decoded document.
func componentNames(doc any) []string {
	root, _ := doc.(map[string]any)
	components, _ := root["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)

	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

var customerIO struct {
	once   sync.Once
	schema *CustomerIOSchema
	err    error
}

// ValidateCustomerIOEvent checks one Customer.io reporting-webhook event
// body against Customer.io's published schema, read from the folder SpecDir
// finds. It returns an *EventError when the event does not match, and an
// error wrapping ErrSpecDirNotFound when the folder is missing.
func ValidateCustomerIOEvent(body []byte) error {
	customerIO.once.Do(func() {
		dir, err := SpecDir()
		if err != nil {
			customerIO.err = err
			return
		}
		customerIO.schema, customerIO.err = LoadCustomerIOSchema(dir)
	})
	if customerIO.err != nil {
		return customerIO.err
	}
	return customerIO.schema.Validate(body)
}
