package setup

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// fixtureDir holds sample Customer.io reporting events, outside the
// repository; the test is skipped where it is missing.
const fixtureDir = "../../../shared/fixtures/customerio"

// sampleEvents returns every event of one fixture file, one JSON object
// each, as Customer.io posts them.
func sampleEvents(t *testing.T, name string) []json.RawMessage {
	t.Helper()

	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if os.IsNotExist(err) {
		t.Skipf("sample events not found in %s", fixtureDir)
	}
	if err != nil {
		t.Fatal(err)
	}

	var events []json.RawMessage
	if err := json.Unmarshal(data, &events); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return events
}

// withoutCioID removes data.identifiers.cio_id, as in Customer.io test events.
func withoutCioID(t *testing.T, event json.RawMessage) json.RawMessage {
	t.Helper()

	var decoded map[string]any
	if err := json.Unmarshal(event, &decoded); err != nil {
		t.Fatal(err)
	}
	if data, ok := decoded["data"].(map[string]any); ok {
		if identifiers, ok := data["identifiers"].(map[string]any); ok {
			delete(identifiers, "cio_id")
		}
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWebhookURLAcceptsSampleEvents(t *testing.T) {
	events := sampleEvents(t, "email.json")
	events = append(events, withoutCioID(t, sampleEvents(t, "customer.json")[0]))

	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev"), EventGroups: []string{"email", "customer"}})
	if err != nil {
		t.Fatal(err)
	}
	result, err := env.runner(t).Apply(context.Background(), plan, nil)
	if err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	for i, event := range events {
		resp, err := http.Post(result.WebhookURL, "application/json", bytes.NewReader(event))
		if err != nil {
			t.Fatalf("event %d: POST %s: %v", i, result.WebhookURL, err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()

		if resp.StatusCode != http.StatusOK {
			t.Errorf("event %d: status %d, body %v, want 200", i, resp.StatusCode, body)
		}
		if body["xactionId"] == nil {
			t.Errorf("event %d: body %v has no xactionId", i, body)
		}
	}

	received := env.platform.InletEvents(result.FlowID)
	if len(received) != len(events) {
		t.Fatalf("inlet received %d events for the dataflow, want %d", len(received), len(events))
	}
	for i, e := range received {
		if e.Status != http.StatusOK || e.Reason != "" {
			t.Errorf("event %d: inlet status %d, reason %q, want accepted", i, e.Status, e.Reason)
		}
		if len(e.MappingErrors) > 0 {
			t.Errorf("event %d: mapping errors %v, want none", i, e.MappingErrors)
		}
	}
}
