package aep

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSandboxPaging(t *testing.T) {
	env := newTestEnv(t)
	var offsets []string
	var mu sync.Mutex
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		offsets = append(offsets, q.Get("offset"))
		mu.Unlock()
		if q.Get("limit") != "50" {
			t.Errorf("limit = %q, want 50", q.Get("limit"))
		}

		offset, _ := strconv.Atoi(q.Get("offset"))
		var names []string
		for i := offset; i < min(offset+50, 120); i++ {
			names = append(names, fmt.Sprintf("sb%03d", i))
		}
		writeJSON(w, http.StatusOK, sandboxesBody(names...))
	})

	got, err := env.client.ListSandboxes(context.Background())
	if err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if len(got) != 120 {
		t.Errorf("sandboxes = %d, want 120", len(got))
	}
	if fmt.Sprint(offsets) != "[0 50 100]" {
		t.Errorf("offsets = %v, want [0 50 100]", offsets)
	}
}

// datasetServer serves total datasets in pages and records how many page
// requests run at once.
type datasetServer struct {
	total    int
	inFlight atomic.Int32
	peak     atomic.Int32
	starts   sync.Map
}

func (d *datasetServer) serve(w http.ResponseWriter, r *http.Request) {
	n := d.inFlight.Add(1)
	defer d.inFlight.Add(-1)
	for {
		peak := d.peak.Load()
		if n <= peak || d.peak.CompareAndSwap(peak, n) {
			break
		}
	}
	// Give the other requests of a window time to arrive.
	time.Sleep(5 * time.Millisecond)

	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("start"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	d.starts.Store(start, true)

	page := map[string]any{}
	for i := start; i < min(start+limit, d.total); i++ {
		ds := map[string]any{
			"name":    fmt.Sprintf("Dataset %05d", i),
			"created": 1700000000000 + i,
			"updated": 1700000000000 + i,
		}
		if i%2 == 0 {
			ds["schemaRef"] = map[string]string{"id": "https://ns.adobe.com/acme/schemas/" + strconv.Itoa(i), "contentType": "application/vnd.adobe.xed+json;version=1"}
		}
		page[fmt.Sprintf("%024x", i)] = ds
	}
	writeJSON(w, http.StatusOK, page)
}

func TestDatasetPagingWindows(t *testing.T) {
	env := newTestEnv(t)
	server := &datasetServer{total: 1050}
	env.gw.Handle("GET /data/foundation/catalog/dataSets", server.serve)

	got, err := env.client.Sandbox("prod").ListDatasets(context.Background(), DatasetQuery{})
	if err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	if len(got) != 1050 {
		t.Errorf("datasets = %d, want 1050", len(got))
	}
	// Page 0 alone, then windows 1-4, 5-8, 9-12: page 10 is short.
	if calls := env.gw.Calls("GET /data/foundation/catalog/dataSets"); calls != 13 {
		t.Errorf("page requests = %d, want 13", calls)
	}
	if peak := server.peak.Load(); peak > datasetPageWindow {
		t.Errorf("concurrent page requests = %d, want at most %d", peak, datasetPageWindow)
	}
	if peak := server.peak.Load(); peak < 2 {
		t.Errorf("concurrent page requests = %d, want pages fetched in parallel", peak)
	}
	if got[0].Name != "Dataset 01049" {
		t.Errorf("first dataset = %q, want the most recently updated", got[0].Name)
	}
}

func TestDatasetPagingOnePage(t *testing.T) {
	env := newTestEnv(t)
	server := &datasetServer{total: 30}
	env.gw.Handle("GET /data/foundation/catalog/dataSets", server.serve)

	got, err := env.client.Sandbox("prod").ListDatasets(context.Background(), DatasetQuery{WithSchema: true})
	if err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	if len(got) != 15 {
		t.Errorf("datasets with schema = %d, want 15", len(got))
	}
	if calls := env.gw.Calls("GET /data/foundation/catalog/dataSets"); calls != 1 {
		t.Errorf("page requests = %d, want 1", calls)
	}
}

func TestDatasetQueryFilters(t *testing.T) {
	env := newTestEnv(t)
	var property string
	env.gw.Handle("GET /data/foundation/catalog/dataSets", func(w http.ResponseWriter, r *http.Request) {
		property = r.URL.Query().Get("property")
		writeJSON(w, http.StatusOK, map[string]any{
			"a": map[string]any{"name": "Customer.io events"},
			"b": map[string]any{"name": "customer.io events (old)"},
			"c": map[string]any{"name": "Web events"},
		})
	})
	sb := env.client.Sandbox("prod")

	got, err := sb.ListDatasets(context.Background(), DatasetQuery{NameSubstr: "CUSTOMER.IO"})
	if err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	if len(got) != 2 {
		t.Errorf("datasets matching CUSTOMER.IO = %d, want 2", len(got))
	}

	d, ok, err := sb.FindDatasetByName(context.Background(), "Customer.io events")
	if err != nil || !ok {
		t.Fatalf("FindDatasetByName = %v, %v", ok, err)
	}
	if d.ID != "a" {
		t.Errorf("dataset id = %q, want a", d.ID)
	}
	if property != "name==Customer.io events" {
		t.Errorf("property = %q, want the name filter", property)
	}
}

func TestSchemaKeysetPaging(t *testing.T) {
	env := newTestEnv(t)
	var starts []string
	var mu sync.Mutex
	env.gw.Handle("GET /data/foundation/schemaregistry/tenant/schemas", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		starts = append(starts, q.Get("start"))
		mu.Unlock()
		if q.Get("orderby") != "title" {
			t.Errorf("orderby = %q, want title", q.Get("orderby"))
		}

		pages := map[string]map[string]any{
			"": {
				"results": []any{map[string]any{"$id": "s1", "title": "A"}, map[string]any{"$id": "s2", "title": "B"}},
				"_page":   map[string]any{"next": "B", "count": 2},
				"_links":  map[string]any{"next": map[string]string{"href": "/schemas?start=B"}},
			},
			"B": {
				"results": []any{map[string]any{"$id": "s3", "title": "C", "version": 1.2}},
				"_page":   map[string]any{"next": nil, "count": 1},
				"_links":  map[string]any{"next": nil},
			},
		}
		writeJSON(w, http.StatusOK, pages[q.Get("start")])
	})

	got, err := env.client.Sandbox("dev").ListSchemas(context.Background(), SchemaQuery{})
	if err != nil {
		t.Fatalf("ListSchemas: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("schemas = %d, want 3", len(got))
	}
	if got[2].Version != "1.2" {
		t.Errorf("version = %q, want 1.2 (sent as a number)", got[2].Version)
	}
	if fmt.Sprint(starts) != "[ B]" {
		t.Errorf("starts = %q, want none then B", starts)
	}
}

func TestFlowContinuationPaging(t *testing.T) {
	env := newTestEnv(t)
	var tokens []string
	var property string
	var mu sync.Mutex
	env.gw.Handle(flowsPattern, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		tokens = append(tokens, q.Get("continuationToken"))
		property = q.Get("property")
		mu.Unlock()

		cio := map[string]any{"sourceConnections": []any{map[string]any{"id": "s", "connectionSpec": map[string]string{"id": CustomerIOConnectionSpecID}}}}
		other := map[string]any{"sourceConnections": []any{map[string]any{"id": "o", "connectionSpec": map[string]string{"id": "other-spec"}}}}
		switch q.Get("continuationToken") {
		case "":
			writeJSON(w, http.StatusOK, map[string]any{
				"items":  []any{map[string]any{"id": "f1", "createdAt": 1, "inheritedAttributes": cio}, map[string]any{"id": "f2", "inheritedAttributes": other}},
				"_links": map[string]any{"next": map[string]string{"href": "/flows?property=x&continuationToken=tok%2B2"}},
			})
		case "tok+2":
			writeJSON(w, http.StatusOK, map[string]any{
				"items": []any{
					map[string]any{"id": "f3", "createdAt": 3, "inheritedAttributes": cio},
					map[string]any{"id": "f4", "createdAt": 2, "sourceConnectionIds": []string{"cio-src"}},
					map[string]any{"id": "f5", "sourceConnectionIds": []string{"other-src"}},
				},
			})
		default:
			t.Errorf("unexpected token %q", q.Get("continuationToken"))
		}
	})
	env.gw.Handle("GET /data/foundation/flowservice/sourceConnections", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{
			map[string]any{"id": "cio-src", "connectionSpec": map[string]string{"id": CustomerIOConnectionSpecID}},
		}})
	})

	got, err := env.client.Sandbox("dev").ListCustomerIOFlows(context.Background())
	if err != nil {
		t.Fatalf("ListCustomerIOFlows: %v", err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.ID)
	}
	if fmt.Sprint(ids) != "[f3 f4 f1]" {
		t.Errorf("flows = %v, want [f3 f4 f1] (Customer.io only, newest first)", ids)
	}
	if fmt.Sprint(tokens) != "[ tok+2]" {
		t.Errorf("tokens = %q, want none then tok+2", tokens)
	}
	if property != "flowSpec.id=="+StreamingFlowSpecID {
		t.Errorf("property = %q, want the flow spec filter", property)
	}
}

func TestFlowDecodingLenient(t *testing.T) {
	env := newTestEnv(t)
	env.gw.Handle("GET /data/foundation/flowservice/flows/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"items": [{
			"id": "f1", "name": "Customer.io dataflow", "state": "enabled", "etag": "\"e1\"",
			"createdAt": 1700000000000, "unknownField": {"x": 1},
			"flowSpec": {"id": "` + StreamingFlowSpecID + `", "version": "1.0"},
			"sourceConnectionIds": ["s1"], "targetConnectionIds": ["t1"],
			"options": {"inletUrl": "https://dcs.adobedc.net/collection/abc", "errorDiagnosticsEnabled": true},
			"transformations": [{"name": "Mapping", "params": {"mappingId": "m1", "mappingVersion": "3"}}]
		}]}`))
	})

	f, err := env.client.Sandbox("dev").GetFlow(context.Background(), "f1")
	if err != nil {
		t.Fatalf("GetFlow: %v", err)
	}
	if f.InletURL != "https://dcs.adobedc.net/collection/abc" {
		t.Errorf("inlet URL = %q", f.InletURL)
	}
	if f.MappingVersion != 3 {
		t.Errorf("mapping version = %d, want 3 (sent as a string)", f.MappingVersion)
	}
	if f.MappingID != "m1" {
		t.Errorf("mapping id = %q, want m1", f.MappingID)
	}
	if !f.CreatedAt.Equal(time.UnixMilli(1700000000000)) {
		t.Errorf("created = %v", f.CreatedAt)
	}
	if f.Etag != `"e1"` {
		t.Errorf("etag = %q, want the quoted etag", f.Etag)
	}
}

func TestRunsDecoding(t *testing.T) {
	env := newTestEnv(t)
	var property string
	env.gw.Handle("GET /data/foundation/flowservice/runs", func(w http.ResponseWriter, r *http.Request) {
		property = r.URL.Query().Get("property")
		_, _ = w.Write([]byte(`{"items": [
			{"id": "r2", "flowId": "f1",
			 "metrics": {"recordSummary": {"inputRecordCount": 5, "outputRecordCount": 4, "failedRecordCount": 1},
			             "statusSummary": {"status": "partialSuccess", "errors": [{"code": "MAPPER-3700-400", "message": "bad"}]}},
			 "extensions": {"windowStart": 1700003600000, "windowEnd": 1700007200000}},
			{"id": "r1", "flowId": "f1",
			 "metrics": {"recordSummary": {"inputRecordCount": 2, "outputRecordCount": 2}},
			 "statusSummary": {"status": "success"},
			 "extensions": {"windowStart": 1700000000000, "windowEnd": 1700003600000}},
			{"id": "old", "flowId": "f1", "extensions": {"windowStart": 1600000000000, "windowEnd": 1600003600000}}
		]}`))
	})

	runs, err := env.client.Sandbox("dev").ListRuns(context.Background(), "f1", time.UnixMilli(1699999999000))
	if err != nil {
		t.Fatalf("ListRuns: %v", err)
	}
	if property != "flowId==f1" {
		t.Errorf("property = %q, want flowId==f1", property)
	}
	if len(runs) != 2 {
		t.Fatalf("runs = %d, want 2 (the old one filtered out)", len(runs))
	}
	if runs[0].ID != "r1" || runs[1].ID != "r2" {
		t.Errorf("runs = %s, %s; want r1, r2 (oldest first)", runs[0].ID, runs[1].ID)
	}
	if runs[0].Status != "success" {
		t.Errorf("r1 status = %q, want success (statusSummary beside metrics)", runs[0].Status)
	}
	r2 := runs[1]
	if r2.InputRecords != 5 || r2.OutputRecords != 4 || r2.FailedRecords != 1 {
		t.Errorf("r2 records = %d/%d/%d, want 5/4/1", r2.InputRecords, r2.OutputRecords, r2.FailedRecords)
	}
	if len(r2.Errors) != 1 || r2.Errors[0].Code != "MAPPER-3700-400" {
		t.Errorf("r2 errors = %+v", r2.Errors)
	}
	if !r2.WindowStart.Equal(time.UnixMilli(1700003600000)) {
		t.Errorf("r2 window start = %v", r2.WindowStart)
	}
}

func TestMappingSetFind(t *testing.T) {
	env := newTestEnv(t)
	schemaID := "https://ns.adobe.com/acme/schemas/1"
	mappings := []Mapping{
		{SourceType: MappingAttribute, Source: "event_id", Destination: "_id"},
		{SourceType: MappingAttribute, Source: "metric", Destination: "_acme.customerio.metric"},
	}
	now := env.clock.Now()
	env.gw.Handle("GET /data/foundation/conversion/mappingSets", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("limit") == "" || q.Get("start") == "" {
			t.Error("limit and start are required")
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": []any{
			// Newest: other schema.
			map[string]any{"id": "m4", "createdDate": now.UnixMilli(), "outputSchema": map[string]any{"schemaRef": map[string]string{"id": "other"}}},
			// Same schema, other mappings.
			map[string]any{"id": "m3", "createdDate": now.UnixMilli() - 1000, "outputSchema": map[string]any{"schemaRef": map[string]string{"id": schemaID}},
				"mappings": []any{map[string]string{"source": "event_id", "destination": "_id"}}},
			// The match, legacy field names and reversed order.
			map[string]any{"id": "m2", "version": 0, "createdDate": now.UnixMilli() - 2000, "outputSchema": map[string]any{"schemaRef": map[string]string{"id": schemaID}},
				"mappings": []any{
					map[string]string{"sourceType": "text/x.schema-path", "sourceAttribute": "metric", "destinationXdmPath": "_acme.customerio.metric"},
					map[string]string{"sourceType": "text/x.schema-path", "sourceAttribute": "event_id", "destinationXdmPath": "_id"},
				}},
		}})
	})

	m, ok, err := env.client.Sandbox("dev").FindMappingSet(context.Background(), MappingSetSpec{SchemaID: schemaID, Mappings: mappings}, now.Add(-time.Hour))
	if err != nil {
		t.Fatalf("FindMappingSet: %v", err)
	}
	if !ok || m.ID != "m2" {
		t.Errorf("FindMappingSet = %+v, %v; want m2", m, ok)
	}

	_, ok, err = env.client.Sandbox("dev").FindMappingSet(context.Background(), MappingSetSpec{SchemaID: schemaID, Mappings: mappings}, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("FindMappingSet: %v", err)
	}
	if ok {
		t.Error("FindMappingSet found a mapping set older than since")
	}
}

func TestSchemaFlattening(t *testing.T) {
	raw := `{
		"$id": "https://ns.adobe.com/acme/schemas/1", "meta:altId": "_acme.schemas.1", "title": "Events",
		"meta:class": "https://ns.adobe.com/xdm/context/experienceevent", "version": "1.0",
		"type": "object", "required": ["_id", "timestamp", "_acme"],
		"properties": {
			"_id": {"type": "string", "title": "Identifier"},
			"timestamp": {"type": "string", "format": "date-time"},
			"tags": {"type": "array", "items": {"type": "string"}},
			"_acme": {"type": "object", "required": ["customerio"], "properties": {
				"customerio": {"type": "object", "required": ["eventId"], "properties": {
					"eventId": {"type": "string", "title": "Event ID"},
					"unixTime": {"type": ["integer", "null"]}
				}}
			}},
			"extra": {"type": "object"}
		},
		"definitions": {"more": {"required": ["fromDef"], "properties": {"fromDef": {"type": "boolean"}}}},
		"allOf": [{"$ref": "#/definitions/more"}]
	}`
	var x xdmSchema
	if err := json.Unmarshal([]byte(raw), &x); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if x.Title != "Events" {
		t.Errorf("title = %q, want Events", x.Title)
	}

	fields := flattenFields(&x.xdmNode)
	want := []SchemaField{
		{Path: "_acme.customerio.eventId", Type: "string", Title: "Event ID", Required: true},
		{Path: "_acme.customerio.unixTime", Type: "integer"},
		{Path: "_id", Type: "string", Title: "Identifier", Required: true},
		{Path: "extra", Type: "object"},
		{Path: "fromDef", Type: "boolean", Required: true},
		{Path: "tags", Type: "array"},
		{Path: "timestamp", Type: "string", Format: "date-time", Required: true},
	}
	if fmt.Sprint(fields) != fmt.Sprint(want) {
		t.Errorf("fields =\n%v\nwant\n%v", fields, want)
	}
}

func TestWebhookURL(t *testing.T) {
	tests := []struct{ inlet, flow, want string }{
		{
			"https://dcs.adobedc.net/collection/e75dcb52",
			"4982698b-1111-2222-3333-444455556666",
			"https://dcs.adobedc.net/collection/e75dcb52?x-adobe-flow-id=4982698b-1111-2222-3333-444455556666",
		},
		{"http://127.0.0.1:4000/collection/ab", "a b&c", "http://127.0.0.1:4000/collection/ab?x-adobe-flow-id=a+b%26c"},
		{"https://dcs.adobedc.net/collection/ab?syncValidation=true", "f", "https://dcs.adobedc.net/collection/ab?syncValidation=true&x-adobe-flow-id=f"},
	}
	for _, tt := range tests {
		if got := WebhookURL(tt.inlet, tt.flow); got != tt.want {
			t.Errorf("WebhookURL(%q, %q) = %q, want %q", tt.inlet, tt.flow, got, tt.want)
		}
	}
}

func TestFlexibleDecoding(t *testing.T) {
	var v struct {
		A flexInt    `json:"a"`
		B flexInt    `json:"b"`
		C flexInt    `json:"c"`
		D epochTime  `json:"d"`
		E epochTime  `json:"e"`
		F epochTime  `json:"f"`
		G flexString `json:"g"`
	}
	raw := `{"a": 3, "b": "4", "c": "x", "d": 1700000000000, "e": "2026-12-04T09:00:00Z", "f": null, "g": 401013}`
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	if v.A != 3 || v.B != 4 || v.C != 0 {
		t.Errorf("ints = %d, %d, %d; want 3, 4, 0", v.A, v.B, v.C)
	}
	if !v.D.Time().Equal(time.UnixMilli(1700000000000)) {
		t.Errorf("epoch ms = %v", v.D.Time())
	}
	if !v.E.Time().Equal(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339 = %v", v.E.Time())
	}
	if !v.F.Time().IsZero() {
		t.Errorf("null = %v, want zero", v.F.Time())
	}
	if v.G != "401013" {
		t.Errorf("number as string = %q", v.G)
	}
}
