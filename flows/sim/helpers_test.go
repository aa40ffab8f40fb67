package sim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/sim"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 11, 10, 5, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func startPlatform(t testing.TB, opts sim.Options) *sim.Platform {
	t.Helper()
	p, err := sim.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// response is a finished HTTP call.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r response) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// session calls the simulated platform as the seeded credential would.
type session struct {
	t       testing.TB
	p       *sim.Platform
	cred    sim.Credential
	token   string
	sandbox string
}

func newSession(t testing.TB, p *sim.Platform) *session {
	t.Helper()
	s := &session{t: t, p: p, cred: p.Credential(), sandbox: "prod"}
	s.token = s.requestToken(s.cred)
	return s
}

func (s *session) requestToken(cred sim.Credential) string {
	s.t.Helper()
	res := postForm(s.t, s.p.IMSURL+"/ims/token/v3", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {cred.ClientID},
		"client_secret": {cred.ClientSecret},
		"scope":         {cred.Scopes},
	})
	if res.status != http.StatusOK {
		s.t.Fatalf("token request: status %d, body %s", res.status, res.body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	res.decode(s.t, &tok)
	return tok.AccessToken
}

// headers returns the headers every Platform call carries.
func (s *session) headers() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+s.token)
	h.Set("x-api-key", s.cred.ClientID)
	h.Set("x-gw-ims-org-id", s.cred.OrgID)
	h.Set("x-sandbox-name", s.sandbox)
	h.Set("Accept", "application/json")
	return h
}

// call sends a Platform request with the usual headers, then applies edit.
func (s *session) call(method, path string, body any, edit func(http.Header)) response {
	s.t.Helper()
	h := s.headers()
	var reader io.Reader
	if body != nil {
		raw, ok := body.([]byte)
		if !ok {
			var err error
			raw, err = json.Marshal(body)
			if err != nil {
				s.t.Fatal(err)
			}
		}
		reader = bytes.NewReader(raw)
		h.Set("Content-Type", "application/json")
	}
	if edit != nil {
		edit(h)
	}
	target := path
	if !strings.HasPrefix(path, "http") {
		target = s.p.PlatformURL + path
	}
	return do(s.t, method, target, reader, h)
}

func (s *session) get(path string) response {
	s.t.Helper()
	return s.call(http.MethodGet, path, nil, nil)
}

func (s *session) post(path string, body any) response {
	s.t.Helper()
	return s.call(http.MethodPost, path, body, nil)
}

// mustStatus fails the test unless res has the status.
func mustStatus(t testing.TB, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status = %d, want %d; body %s", res.status, status, res.body)
	}
}

func do(t testing.TB, method, target string, body io.Reader, h http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

func postForm(t testing.TB, target string, form url.Values) response {
	t.Helper()
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, http.MethodPost, target, strings.NewReader(form.Encode()), h)
}

// customerioEvent is a Customer.io reporting webhook event with made-up values.
func customerioEvent(eventID string) map[string]any {
	event := map[string]any{
		"object_type": "email",
		"metric":      "opened",
		"timestamp":   1741687800,
		"data": map[string]any{
			"customer_id": "cust-10482",
			"identifiers": map[string]any{
				"id":     "cust-10482",
				"email":  "dana.reyes@example.com",
				"cio_id": "ce0d1033e5c4",
			},
			"delivery_id": "IyiO_0ID37rd-zeJaGN4OktzUp8=",
			"subject":     "Your March statement is ready",
		},
	}
	if eventID != "" {
		event["event_id"] = eventID
	}
	return event
}

// dataflow is what buildDataflow creates.
type dataflow struct {
	fieldGroupID string
	schemaID     string
	datasetID    string
	sourceID     string
	targetID     string
	mappingID    string
	flowID       string
	inletURL     string
}

// customerioMappings maps a Customer.io event to the schema buildDataflow makes.
func customerioMappings() []map[string]any {
	return []map[string]any{
		{"sourceType": "ATTRIBUTE", "source": "event_id", "destination": "_id"},
		{"sourceType": "EXPRESSION", "source": `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`, "destination": "timestamp"},
		{"sourceType": "ATTRIBUTE", "source": "event_id", "destination": "_acmecorp.customerio.eventId"},
		{"sourceType": "ATTRIBUTE", "source": "metric", "destination": "_acmecorp.customerio.metric"},
		{"sourceType": "ATTRIBUTE", "source": "timestamp", "destination": "_acmecorp.customerio.unixTime"},
		{"sourceType": "ATTRIBUTE", "source": "data.identifiers.email", "destination": "_acmecorp.customerio.email"},
	}
}

// buildDataflow creates, through the API, everything the wizard creates:
// field group, schema, dataset, source and target connections, mapping set
// and flow.
func buildDataflow(t testing.TB, s *session, name string) dataflow {
	t.Helper()
	var df dataflow

	res := s.post("/data/foundation/schemaregistry/tenant/fieldgroups", map[string]any{
		"title":                 name + " fields",
		"type":                  "object",
		"meta:intendedToExtend": []string{"https://ns.adobe.com/xdm/context/experienceevent"},
		"definitions": map[string]any{
			"cio": map[string]any{"properties": map[string]any{
				"_acmecorp": map[string]any{"type": "object", "properties": map[string]any{
					"customerio": map[string]any{"type": "object", "properties": map[string]any{
						"eventId":  map[string]any{"type": "string"},
						"metric":   map[string]any{"type": "string"},
						"unixTime": map[string]any{"type": "integer"},
						"email":    map[string]any{"type": "string"},
					}},
				}},
			}},
		},
		"allOf": []any{map[string]any{"$ref": "#/definitions/cio"}},
	})
	mustStatus(t, res, http.StatusCreated)
	df.fieldGroupID = res.object(t)["$id"].(string)

	res = s.post("/data/foundation/schemaregistry/tenant/schemas", map[string]any{
		"title":       name + " schema",
		"description": "Customer.io events",
		"type":        "object",
		"allOf": []any{
			map[string]any{"$ref": "https://ns.adobe.com/xdm/context/experienceevent"},
			map[string]any{"$ref": df.fieldGroupID},
		},
	})
	mustStatus(t, res, http.StatusCreated)
	df.schemaID = res.object(t)["$id"].(string)

	res = s.post("/data/foundation/catalog/dataSets", map[string]any{
		"name":      name + " dataset",
		"schemaRef": map[string]any{"id": df.schemaID, "contentType": "application/vnd.adobe.xed+json;version=1"},
	})
	mustStatus(t, res, http.StatusCreated)
	var refs []string
	res.decode(t, &refs)
	df.datasetID = strings.TrimPrefix(refs[0], "@/dataSets/")

	res = s.post("/data/foundation/flowservice/sourceConnections", map[string]any{
		"name":           name + " source",
		"providerId":     "521eee4d-8cbe-4906-bb48-fb6bd4450033",
		"connectionSpec": map[string]any{"id": "96479064-7b8a-4d69-b9ed-21c5683837ea", "version": "1.0"},
		"data":           map[string]any{"format": "json"},
	})
	mustStatus(t, res, http.StatusCreated)
	df.sourceID = res.object(t)["id"].(string)

	res = s.post("/data/foundation/flowservice/targetConnections", map[string]any{
		"name":           name + " target",
		"connectionSpec": map[string]any{"id": "c604ff05-7f1a-43c0-8e18-33bf874cb11c", "version": "1.0"},
		"data": map[string]any{
			"format": "json",
			"schema": map[string]any{"id": df.schemaID, "version": "application/vnd.adobe.xed-full+json;version=1"},
		},
		"params": map[string]any{"dataSetId": df.datasetID},
	})
	mustStatus(t, res, http.StatusCreated)
	df.targetID = res.object(t)["id"].(string)

	res = s.post("/data/foundation/conversion/mappingSets", map[string]any{
		"outputSchema": map[string]any{"schemaRef": map[string]any{
			"id": df.schemaID, "contentType": "application/vnd.adobe.xed-full+json;version=1",
		}},
		"mappings": customerioMappings(),
	})
	mustStatus(t, res, http.StatusOK)
	df.mappingID = res.object(t)["id"].(string)

	res = s.post("/data/foundation/flowservice/flows", flowBody(name+" flow", df))
	mustStatus(t, res, http.StatusCreated)
	df.flowID = res.object(t)["id"].(string)

	res = s.get("/data/foundation/flowservice/flows/" + df.flowID)
	mustStatus(t, res, http.StatusOK)
	var flows struct {
		Items []struct {
			Options struct {
				InletURL string `json:"inletUrl"`
			} `json:"options"`
		} `json:"items"`
	}
	res.decode(t, &flows)
	df.inletURL = flows.Items[0].Options.InletURL
	return df
}

func flowBody(name string, df dataflow) map[string]any {
	return map[string]any{
		"name":                name,
		"flowSpec":            map[string]any{"id": "e77fde5a-22a8-11ed-861d-0242ac120002", "version": "1.0"},
		"sourceConnectionIds": []string{df.sourceID},
		"targetConnectionIds": []string{df.targetID},
		"transformations": []any{map[string]any{
			"name":   "Mapping",
			"params": map[string]any{"mappingId": df.mappingID, "mappingVersion": 0},
		}},
	}
}

// postEvent sends a body to the inlet as Customer.io would.
func postEvent(t testing.TB, df dataflow, body any) response {
	t.Helper()
	raw, ok := body.([]byte)
	if !ok {
		raw, _ = json.Marshal(body)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return do(t, http.MethodPost, df.inletURL+"?x-adobe-flow-id="+df.flowID, bytes.NewReader(raw), h)
}

func toJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
