package sim_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/sim"
)

var (
	uuidPattern  = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	inletPattern = regexp.MustCompile(`/collection/[0-9a-f]{64}$`)
)

type flowItem struct {
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	State               string   `json:"state"`
	ETag                string   `json:"etag"`
	SourceConnectionIDs []string `json:"sourceConnectionIds"`
	TargetConnectionIDs []string `json:"targetConnectionIds"`
	Options             struct {
		InletURL string `json:"inletUrl"`
	} `json:"options"`
	InheritedAttributes struct {
		SourceConnections []struct {
			ID             string `json:"id"`
			ConnectionSpec struct {
				ID string `json:"id"`
			} `json:"connectionSpec"`
		} `json:"sourceConnections"`
	} `json:"inheritedAttributes"`
	Transformations []struct {
		Name   string `json:"name"`
		Params struct {
			MappingID      string `json:"mappingId"`
			MappingVersion string `json:"mappingVersion"`
		} `json:"params"`
	} `json:"transformations"`
}

type flowList struct {
	Items []flowItem `json:"items"`
	Links struct {
		Next *struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

func TestFlowCreated(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Customer.io")

	for name, id := range map[string]string{"flow": df.flowID, "source": df.sourceID, "target": df.targetID} {
		if !uuidPattern.MatchString(id) {
			t.Errorf("%s ID %q is not a UUID", name, id)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(df.mappingID) {
		t.Errorf("mapping set ID %q is not 32 hex digits", df.mappingID)
	}
	if !strings.HasPrefix(df.inletURL, p.InletURL+"/collection/") || !inletPattern.MatchString(df.inletURL) {
		t.Errorf("inletUrl = %q, want %s/collection/{64 hex}", df.inletURL, p.InletURL)
	}

	res := s.get("/data/foundation/flowservice/flows/" + df.flowID)
	var list flowList
	res.decode(t, &list)
	f := list.Items[0]
	if f.State != "enabled" {
		t.Errorf("state = %q, want enabled", f.State)
	}
	if !strings.HasPrefix(f.ETag, `"`) || !strings.HasSuffix(f.ETag, `"`) {
		t.Errorf("etag %s is not quoted", f.ETag)
	}
	if len(f.InheritedAttributes.SourceConnections) != 1 ||
		f.InheritedAttributes.SourceConnections[0].ConnectionSpec.ID != "96479064-7b8a-4d69-b9ed-21c5683837ea" {
		t.Errorf("inheritedAttributes.sourceConnections = %+v", f.InheritedAttributes.SourceConnections)
	}
	if len(f.Transformations) != 1 || f.Transformations[0].Params.MappingID != df.mappingID || f.Transformations[0].Params.MappingVersion != "0" {
		t.Errorf("transformations = %+v", f.Transformations)
	}

	inv := p.Inventory()["prod"]
	for kind, ids := range map[string][]string{
		"field groups": inv.FieldGroups, "schemas": inv.Schemas, "datasets": inv.Datasets,
		"mapping sets": inv.MappingSets, "source connections": inv.SourceConnections,
		"target connections": inv.TargetConnections, "flows": inv.Flows,
	} {
		if len(ids) != 1 {
			t.Errorf("inventory contains %d %s, want 1", len(ids), kind)
		}
	}
}

func TestFlowCreateErrors(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Errors")
	other := buildDataflow(t, s, "Other")

	tests := []struct {
		name     string
		edit     func(body map[string]any)
		wantType string
	}{
		{"state in body", func(b map[string]any) { b["state"] = "enabled" }, "FLOW-1410-400"},
		{"mapping for another schema", func(b map[string]any) {
			b["transformations"] = []any{map[string]any{"name": "Mapping", "params": map[string]any{"mappingId": other.mappingID, "mappingVersion": 0}}}
		}, "FLOW-1425-400"},
		{"unknown flow spec", func(b map[string]any) { b["flowSpec"] = map[string]any{"id": "c1a19761-d2c7-4702-b9fa-fe91f0613e81"} }, "FLOW-1413-400"},
		{"unknown mapping version", func(b map[string]any) {
			b["transformations"] = []any{map[string]any{"name": "Mapping", "params": map[string]any{"mappingId": df.mappingID, "mappingVersion": "3"}}}
		}, "FLOW-1412-400"},
		{"unknown source connection", func(b map[string]any) { b["sourceConnectionIds"] = []string{"00000000-0000-4000-8000-000000000000"} }, "FLOW-1439-400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := flowBody("Errors again", df)
			tt.edit(body)
			res := s.post("/data/foundation/flowservice/flows", body)
			mustStatus(t, res, http.StatusBadRequest)
			if typ := res.object(t)["type"]; typ != "https://ns.adobe.com/aep/errors/"+tt.wantType {
				t.Errorf("type = %v, want %s", typ, tt.wantType)
			}
		})
	}

	res := s.call(http.MethodPost, "/data/foundation/flowservice/flows", []byte("  "), nil)
	mustStatus(t, res, http.StatusBadRequest)
	if typ := res.object(t)["type"]; typ != "https://ns.adobe.com/aep/errors/FLOW-1405-400" {
		t.Errorf("empty body type = %v, want FLOW-1405-400", typ)
	}

	if n := len(p.Inventory()["prod"].Flows); n != 2 {
		t.Errorf("inventory contains %d flows after rejected creates, want 2", n)
	}
}

func TestFlowListPaging(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Paging")
	for i := range 4 {
		mustStatus(t, s.post("/data/foundation/flowservice/flows", flowBody("Paging extra "+itoa(i), df)), http.StatusCreated)
	}

	var names []string
	next := "/data/foundation/flowservice/flows?limit=2&orderby=name"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		res := s.get(next)
		mustStatus(t, res, http.StatusOK)
		var list flowList
		res.decode(t, &list)
		for _, f := range list.Items {
			names = append(names, f.Name)
		}
		next = ""
		if list.Links.Next != nil {
			if !strings.HasPrefix(list.Links.Next.Href, "/flows?continuationToken=") {
				t.Errorf("_links.next.href = %q, want /flows?continuationToken=...", list.Links.Next.Href)
			}
			next = "/data/foundation/flowservice" + list.Links.Next.Href
		}
	}
	want := []string{"Paging extra 0", "Paging extra 1", "Paging extra 2", "Paging extra 3", "Paging flow"}
	if !slices.Equal(names, want) {
		t.Errorf("flows by name = %v, want %v", names, want)
	}

	query := url.Values{"property": {"name==Paging extra 2"}}
	res := s.get("/data/foundation/flowservice/flows?" + query.Encode())
	var list flowList
	res.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "Paging extra 2" {
		t.Errorf("name filter returned %+v", list.Items)
	}

	query = url.Values{"property": {"sourceConnectionIds[]==" + df.sourceID + ",state==enabled"}}
	res = s.get("/data/foundation/flowservice/flows?" + query.Encode())
	res.decode(t, &list)
	if len(list.Items) != 5 {
		t.Errorf("source connection filter returned %d flows, want 5", len(list.Items))
	}

	res = s.get("/data/foundation/flowservice/flows?count=true")
	mustStatus(t, res, http.StatusOK)
	if count := res.object(t)["count"]; count != 5.0 {
		t.Errorf("count = %v, want 5", count)
	}
	mustStatus(t, s.get("/data/foundation/flowservice/flows?count=true&limit=1"), http.StatusBadRequest)
}

func TestConnectionLookupByName(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Look-up")

	query := url.Values{"property": {"name==Look-up source,connectionSpec.id==96479064-7b8a-4d69-b9ed-21c5683837ea"}}
	res := s.get("/data/foundation/flowservice/sourceConnections?" + query.Encode())
	mustStatus(t, res, http.StatusOK)
	var list flowList
	res.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != df.sourceID {
		t.Errorf("source look-up = %+v, want %s", list.Items, df.sourceID)
	}

	query = url.Values{"property": {"name==Look-up target"}}
	res = s.get("/data/foundation/flowservice/targetConnections?" + query.Encode())
	res.decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != df.targetID {
		t.Errorf("target look-up = %+v, want %s", list.Items, df.targetID)
	}

	mustStatus(t, s.get("/data/foundation/flowservice/sourceConnections/"+df.sourceID), http.StatusOK)
	mustStatus(t, s.get("/data/foundation/flowservice/targetConnections/"+df.targetID), http.StatusOK)

	res = s.call(http.MethodDelete, "/data/foundation/flowservice/sourceConnections/"+df.sourceID, nil, nil)
	mustStatus(t, res, http.StatusBadRequest)
	if typ := res.object(t)["type"]; typ != "https://ns.adobe.com/aep/errors/FLOW-1418-400" {
		t.Errorf("deleting a used connection: type = %v", typ)
	}
}

func TestFlowActions(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Actions")
	action := "/data/foundation/flowservice/flows/" + df.flowID + "/action"

	res := s.call(http.MethodPost, action+"?op=disable", nil, nil)
	mustStatus(t, res, http.StatusOK)
	etag, _ := res.object(t)["etag"].(string)

	var list flowList
	s.get("/data/foundation/flowservice/flows/"+df.flowID).decode(t, &list)
	if list.Items[0].State != "disabled" || list.Items[0].ETag != etag {
		t.Errorf("after disable: state %q etag %q, want disabled and %s", list.Items[0].State, list.Items[0].ETag, etag)
	}

	res = s.call(http.MethodPost, action+"?op=enable", nil, func(h http.Header) { h.Set("If-Match", `"stale"`) })
	mustStatus(t, res, http.StatusPreconditionFailed)

	res = s.call(http.MethodPost, action+"?op=ENABLE", nil, func(h http.Header) { h.Set("If-Match", etag) })
	mustStatus(t, res, http.StatusOK)

	mustStatus(t, s.call(http.MethodPost, action+"?op=pause", nil, nil), http.StatusBadRequest)

	mustStatus(t, s.call(http.MethodDelete, "/data/foundation/flowservice/flows/"+df.flowID, nil, nil), http.StatusNoContent)
	mustStatus(t, s.get("/data/foundation/flowservice/flows/"+df.flowID), http.StatusNotFound)
	mustStatus(t, postEvent(t, df, customerioEvent("01JP2AXG9RWYX8JJCX26AS19E3")), http.StatusBadRequest)
}

func TestSourceNotProvisioned(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	s.sandbox = "dev"
	p.SetSourceProvisioned("dev", false)

	res := s.get("/data/foundation/flowservice/connectionSpecs/96479064-7b8a-4d69-b9ed-21c5683837ea")
	mustStatus(t, res, http.StatusBadRequest)
	if typ := res.object(t)["type"]; typ != "https://ns.adobe.com/aep/errors/FLOW-1100-400" {
		t.Errorf("type = %v, want FLOW-1100-400", typ)
	}

	res = s.post("/data/foundation/flowservice/sourceConnections", map[string]any{
		"name":           "Not provisioned",
		"connectionSpec": map[string]any{"id": "96479064-7b8a-4d69-b9ed-21c5683837ea", "version": "1.0"},
		"data":           map[string]any{"format": "json"},
	})
	mustStatus(t, res, http.StatusBadRequest)

	s.sandbox = "prod"
	res = s.get("/data/foundation/flowservice/connectionSpecs/96479064-7b8a-4d69-b9ed-21c5683837ea")
	mustStatus(t, res, http.StatusOK)
	var specs struct {
		Items []struct {
			ID         string `json:"id"`
			ProviderID string `json:"providerId"`
		} `json:"items"`
	}
	res.decode(t, &specs)
	if len(specs.Items) != 1 || specs.Items[0].ProviderID != "521eee4d-8cbe-4906-bb48-fb6bd4450033" {
		t.Errorf("connection spec = %+v", specs.Items)
	}
	mustStatus(t, s.get("/data/foundation/flowservice/connectionSpecs/c604ff05-7f1a-43c0-8e18-33bf874cb11c"), http.StatusOK)
}

func TestMappingSetValidation(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Validation")
	outputSchema := map[string]any{"schemaRef": map[string]any{"id": df.schemaID, "contentType": "application/vnd.adobe.xed-full+json;version=1"}}

	type validation struct {
		ValidationResponse []struct {
			Status string `json:"status"`
			Errors []struct {
				Destination string `json:"destination"`
				Exception   string `json:"exception"`
			} `json:"errors"`
		} `json:"validationResponse"`
	}

	res := s.post("/data/foundation/conversion/mappingSets/validate", map[string]any{
		"outputSchema": outputSchema,
		"mappings":     customerioMappings(),
	})
	mustStatus(t, res, http.StatusOK)
	var ok validation
	res.decode(t, &ok)
	if len(ok.ValidationResponse) != len(customerioMappings()) {
		t.Fatalf("got %d results, want one per mapping", len(ok.ValidationResponse))
	}
	for i, r := range ok.ValidationResponse {
		if r.Status != "SUCCESS" {
			t.Errorf("mapping %d: status %s, errors %+v", i, r.Status, r.Errors)
		}
	}

	res = s.post("/data/foundation/conversion/mappingSets/validate", map[string]any{
		"outputSchema": outputSchema,
		"mappings": []map[string]any{
			{"sourceAttribute": "metric", "destinationXdmPath": "_acmecorp.customerio.metric", "identity": false, "version": 0},
			{"sourceType": "ATTRIBUTE", "source": "metric", "destination": "_acmecorp.customerio.nothing"},
		},
	})
	mustStatus(t, res, http.StatusOK)
	var bad validation
	res.decode(t, &bad)
	if len(bad.ValidationResponse) != 3 {
		t.Fatalf("got %d results, want 2 mappings and 1 for the missing required fields", len(bad.ValidationResponse))
	}
	if bad.ValidationResponse[0].Status != "SUCCESS" {
		t.Errorf("legacy mapping: status %s, errors %+v", bad.ValidationResponse[0].Status, bad.ValidationResponse[0].Errors)
	}
	if bad.ValidationResponse[1].Status != "FAILED" {
		t.Errorf("mapping to a field outside the schema: status %s", bad.ValidationResponse[1].Status)
	}
	var missing []string
	for _, e := range bad.ValidationResponse[2].Errors {
		missing = append(missing, e.Destination)
	}
	if !slices.Equal(missing, []string{"_id", "timestamp"}) {
		t.Errorf("missing required destinations = %v, want [_id timestamp]", missing)
	}

	res = s.post("/data/foundation/conversion/mappingSets", map[string]any{
		"outputSchema": outputSchema,
		"mappings":     []map[string]any{{"sourceType": "ATTRIBUTE", "source": "metric", "destination": "_acmecorp.customerio.metric"}},
	})
	mustStatus(t, res, http.StatusBadRequest)
}

func TestMappingSetReadBack(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	df := buildDataflow(t, s, "Read back")

	res := s.get("/data/foundation/conversion/mappingSets/" + df.mappingID)
	mustStatus(t, res, http.StatusOK)
	var ms struct {
		ID       string `json:"id"`
		Version  int    `json:"version"`
		Mappings []struct {
			SourceType         string `json:"sourceType"`
			Source             string `json:"source"`
			Destination        string `json:"destination"`
			SourceAttribute    string `json:"sourceAttribute"`
			DestinationXdmPath string `json:"destinationXdmPath"`
		} `json:"mappings"`
	}
	res.decode(t, &ms)
	if ms.ID != df.mappingID || ms.Version != 0 || len(ms.Mappings) != len(customerioMappings()) {
		t.Fatalf("mapping set = %+v", ms)
	}
	first := ms.Mappings[0]
	if first.Source != "event_id" || first.SourceAttribute != "event_id" || first.Destination != "_id" || first.DestinationXdmPath != "_id" {
		t.Errorf("first mapping = %+v, want both dialects for event_id -> _id", first)
	}

	mustStatus(t, s.get("/data/foundation/conversion/mappingSets"), http.StatusBadRequest)
	res = s.get("/data/foundation/conversion/mappingSets?limit=10&start=0")
	mustStatus(t, res, http.StatusOK)
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		Page struct {
			Count int `json:"count"`
		} `json:"_page"`
	}
	res.decode(t, &list)
	if list.Page.Count != 1 || list.Data[0].ID != df.mappingID {
		t.Errorf("mapping set list = %+v", list)
	}
}
