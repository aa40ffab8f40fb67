package aep

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

const (
	flowsPattern      = "GET /data/foundation/flowservice/flows"
	createFlowPattern = "POST /data/foundation/flowservice/flows"
)

// flowStore is a minimal Flow Service flows endpoint: POST creates, GET
// lists with property=name==X.
type flowStore struct {
	mu    sync.Mutex
	flows []map[string]any
}

func (s *flowStore) create(r *http.Request) string {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)

	s.mu.Lock()
	defer s.mu.Unlock()
	id := "flow-" + string(rune('a'+len(s.flows)))
	body["id"] = id
	s.flows = append(s.flows, body)
	return id
}

func (s *flowStore) list(w http.ResponseWriter, r *http.Request) {
	name, _ := cutProperty(r.URL.Query().Get("property"), "name==")

	s.mu.Lock()
	defer s.mu.Unlock()
	items := []map[string]any{}
	for _, f := range s.flows {
		if name == "" || f["name"] == name {
			items = append(items, f)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func (s *flowStore) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.flows)
}

func cutProperty(property, prefix string) (string, bool) {
	if len(property) < len(prefix) || property[:len(prefix)] != prefix {
		return "", false
	}
	return property[len(prefix):], true
}

var testFlowSpec = FlowSpec{
	Name:               "Customer.io dataflow (cio-7f3a)",
	SourceConnectionID: "src-1",
	TargetConnectionID: "tgt-1",
	MappingID:          "map-1",
}

func TestCreateTimedOutIsLookedUp(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RequestTimeout = 100 * time.Millisecond })
	store := &flowStore{}
	env.gw.Handle(flowsPattern, store.list)
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		// The service creates the flow but the response comes too late.
		store.create(r)
		<-r.Context().Done()
	})

	f, err := env.client.Sandbox("dev").CreateFlow(context.Background(), testFlowSpec)
	if err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}
	if f.ID != "flow-a" {
		t.Errorf("flow id = %q, want flow-a", f.ID)
	}
	if calls := env.gw.Calls(createFlowPattern); calls != 1 {
		t.Errorf("POST calls = %d, want 1", calls)
	}
	if calls := env.gw.Calls(flowsPattern); calls != 1 {
		t.Errorf("look-up calls = %d, want 1", calls)
	}
	if n := store.count(); n != 1 {
		t.Errorf("flows stored = %d, want 1", n)
	}
}

func TestCreate5xxNotCreatedPostsAgain(t *testing.T) {
	env := newTestEnv(t)
	store := &flowStore{}
	first := true
	env.gw.Handle(flowsPattern, store.list)
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		if first {
			first = false
			writeJSON(w, http.StatusBadGateway, map[string]string{"error_code": "502000", "message": "Bad gateway"})
			return
		}
		id := store.create(r)
		writeJSON(w, http.StatusCreated, map[string]string{"id": id, "etag": `"1"`})
	})

	f, err := env.client.Sandbox("dev").CreateFlow(context.Background(), testFlowSpec)
	if err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}
	if f.ID != "flow-a" {
		t.Errorf("flow id = %q, want flow-a", f.ID)
	}
	if f.Etag != `"1"` {
		t.Errorf("etag = %q, want \"1\"", f.Etag)
	}
	if calls := env.gw.Calls(createFlowPattern); calls != 2 {
		t.Errorf("POST calls = %d, want 2", calls)
	}
	if calls := env.gw.Calls(flowsPattern); calls != 1 {
		t.Errorf("look-up calls = %d, want 1", calls)
	}
}

func TestCreate429PostsAgainWithoutLookup(t *testing.T) {
	env := newTestEnv(t)
	store := &flowStore{}
	first := true
	env.gw.Handle(flowsPattern, store.list)
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		if first {
			first = false
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		id := store.create(r)
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	})

	if _, err := env.client.Sandbox("dev").CreateFlow(context.Background(), testFlowSpec); err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}
	if calls := env.gw.Calls(flowsPattern); calls != 0 {
		t.Errorf("look-up calls = %d, want 0 (a 429 is never processed)", calls)
	}
	if calls := env.gw.Calls(createFlowPattern); calls != 2 {
		t.Errorf("POST calls = %d, want 2", calls)
	}
}

func TestCreateMalformedResponseIsLookedUp(t *testing.T) {
	env := newTestEnv(t)
	store := &flowStore{}
	env.gw.Handle(flowsPattern, store.list)
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		store.create(r)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id": "flo`))
	})

	f, err := env.client.Sandbox("dev").CreateFlow(context.Background(), testFlowSpec)
	if err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}
	if f.ID != "flow-a" {
		t.Errorf("flow id = %q, want flow-a", f.ID)
	}
	if n := store.count(); n != 1 {
		t.Errorf("flows stored = %d, want 1", n)
	}
}

func TestCreatePersistentTimeoutStops(t *testing.T) {
	env := newTestEnv(t, func(c *Config) {
		c.RequestTimeout = 50 * time.Millisecond
		c.MaxAttempts = 3
	})
	env.gw.Handle(flowsPattern, (&flowStore{}).list)
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		// The server notices the client leaving only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})

	_, err := env.client.Sandbox("dev").CreateFlow(context.Background(), testFlowSpec)
	var e *Error
	if !asErr(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Cause != CauseTimeout {
		t.Errorf("cause = %q, want timeout", e.Cause)
	}
	if e.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", e.Attempts)
	}
	if calls := env.gw.Calls(createFlowPattern); calls != 3 {
		t.Errorf("POST calls = %d, want 3", calls)
	}
	if calls := env.gw.Calls(flowsPattern); calls != 2 {
		t.Errorf("look-up calls = %d, want 2", calls)
	}
}

func TestCreateFlowBody(t *testing.T) {
	env := newTestEnv(t)
	var body map[string]any
	var contentType string
	env.gw.Handle(createFlowPattern, func(w http.ResponseWriter, r *http.Request) {
		contentType = r.Header.Get("Content-Type")
		_ = json.NewDecoder(r.Body).Decode(&body)
		writeJSON(w, http.StatusCreated, map[string]string{"id": "f1"})
	})

	spec := testFlowSpec
	spec.MappingVersion = 0
	if _, err := env.client.Sandbox("dev").CreateFlow(context.Background(), spec); err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}

	if contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", contentType)
	}
	if _, ok := body["state"]; ok {
		t.Error("body contains state, which the service rejects on create")
	}
	flowSpec, _ := body["flowSpec"].(map[string]any)
	if flowSpec["id"] != StreamingFlowSpecID {
		t.Errorf("flowSpec.id = %v, want %s", flowSpec["id"], StreamingFlowSpecID)
	}
	transformations, _ := body["transformations"].([]any)
	if len(transformations) != 1 {
		t.Fatalf("transformations = %v, want one", body["transformations"])
	}
	mapping, _ := transformations[0].(map[string]any)
	if mapping["name"] != "Mapping" {
		t.Errorf("transformation name = %v, want Mapping", mapping["name"])
	}
	params, _ := mapping["params"].(map[string]any)
	if params["mappingId"] != "map-1" {
		t.Errorf("mappingId = %v, want map-1", params["mappingId"])
	}
	if v, ok := params["mappingVersion"].(float64); !ok || v != 0 {
		t.Errorf("mappingVersion = %#v, want the number 0", params["mappingVersion"])
	}
}

func asErr(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}
