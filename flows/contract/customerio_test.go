package contract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/contract"
)

// fixtureEvents returns every event of the Customer.io fixtures, keyed by
// "file[index]". Each fixture file holds a JSON array of events.
func fixtureEvents(t *testing.T) map[string][]byte {
	t.Helper()

	dir := filepath.Join(specDir(t), "..", "..", "fixtures", "customerio")
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no Customer.io fixtures in %s: %v", dir, err)
	}

	events := map[string][]byte{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var elements []json.RawMessage
		if err := json.Unmarshal(data, &elements); err != nil {
			t.Fatalf("%s: want a JSON array of events: %v", path, err)
		}
		for i, element := range elements {
			events[fmt.Sprintf("%s[%d]", filepath.Base(path), i)] = element
		}
	}
	return events
}

func TestCustomerIOFixturesValid(t *testing.T) {
	events := fixtureEvents(t)
	for name, event := range events {
		if err := contract.ValidateCustomerIOEvent(event); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(events) < 7 {
		t.Errorf("validated %d events, want at least one per event group", len(events))
	}
}

// firstEvent returns the first event of a fixture file as a map to edit.
func firstEvent(t *testing.T, file string) map[string]any {
	t.Helper()

	var event map[string]any
	if err := json.Unmarshal(fixtureEvents(t)[file+"[0]"], &event); err != nil {
		t.Fatal(err)
	}
	return event
}

func TestCustomerIOEventInvalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(event map[string]any)
	}{
		{"unknown metric", func(event map[string]any) { event["metric"] = "exploded" }},
		{"missing event_id", func(event map[string]any) { delete(event, "event_id") }},
		{"timestamp as string", func(event map[string]any) { event["timestamp"] = "2025-03-11T10:10:00Z" }},
		{"missing data", func(event map[string]any) { delete(event, "data") }},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			event := firstEvent(t, "email.json")
			test.edit(event)
			body, err := json.Marshal(event)
			if err != nil {
				t.Fatal(err)
			}

			err = contract.ValidateCustomerIOEvent(body)
			var eventErr *contract.EventError
			if !errors.As(err, &eventErr) {
				t.Fatalf("ValidateCustomerIOEvent error = %v, want an *EventError", err)
			}
			if eventErr.ObjectType != "email" {
				t.Errorf("ObjectType = %q, want email", eventErr.ObjectType)
			}
		})
	}
}

func TestCustomerIOEventNotJSON(t *testing.T) {
	specDir(t)
	err := contract.ValidateCustomerIOEvent([]byte(`{"event_id":`))
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("ValidateCustomerIOEvent error = %v, want invalid JSON", err)
	}
}

func TestCustomerIOArrayRejected(t *testing.T) {
	specDir(t)

	// Customer.io posts one event per request, never an array.
	err := contract.ValidateCustomerIOEvent([]byte(`[{"event_id":"01JP2AXG9RWYX8JJCX26AS19E3"}]`))
	var eventErr *contract.EventError
	if !errors.As(err, &eventErr) {
		t.Errorf("ValidateCustomerIOEvent error = %v, want an *EventError for an array of events", err)
	}
}

// repoRoot returns the folder that contains go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()

	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func TestCustomerIOSampleAssetsValid(t *testing.T) {
	specDir(t)
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "assets", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("skipping: no sample events in assets/events yet")
	}

	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := contract.ValidateCustomerIOEvent(body); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
	}
}
