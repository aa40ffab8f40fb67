package contract_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cioaep/setup/flows/contract"
)

const (
	routeGetFlow    = "GET /data/foundation/flowservice/flows/{FLOW_ID}"
	routeFlowAction = "POST /data/foundation/flowservice/flows/{FLOW_ID}/action"
	routeToken      = "POST /ims/token/v3"
)

// flowBody is a GET /flows/{id} response the way the docs show it.
const flowBody = `{"items":[{
	"id":"4982698b-0000-4000-8000-000000000001",
	"name":"Customer.io dataflow",
	"flowSpec":{"id":"e77fde5a-22a8-11ed-861d-0242ac120002","version":"1.0"},
	"state":"enabled",
	"etag":"\"4c01c003-0000-0200-0000-63ef57e10000\"",
	"createdAt":1700000000000,
	"sourceConnectionIds":["133bb51f-0000-4000-8000-000000000002"],
	"targetConnectionIds":["da8b75ad-0000-4000-8000-000000000003"],
	"options":{"inletUrl":"https://dcs.adobedc.net/collection/abc"},
	"transformations":[{"name":"Mapping","params":{"mappingId":"59c0e53a2dc84f7791ecc1b3d6e51d5e","mappingVersion":0}}]
}]}`

func TestRecorderDocumentedFlowPasses(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	report := serve(t, jsonHandler(http.StatusOK, flowBody), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("mapping-version-integer"); len(got) != 1 {
		t.Errorf("tolerated by mapping-version-integer = %v, want 1 violation", got)
	}
	if !report.Covered("GET /data/foundation/flowservice/flows/{id}") {
		t.Errorf("route not covered; routes = %v", report.Routes)
	}
	if got := report.Routes[routeGetFlow].Statuses[http.StatusOK]; got != 1 {
		t.Errorf("status 200 count = %d, want 1", got)
	}
}

func TestRecorderMissingHeader(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	req.Header.Del("x-api-key")
	report := serve(t, jsonHandler(http.StatusOK, flowBody), req)

	v := findViolation(t, report.Violations, "header x-api-key")
	if v.Kind != contract.KindParameter || v.Side != contract.Request {
		t.Errorf("violation = %s, want a request parameter violation", v)
	}
	if len(report.Violations) != 1 {
		t.Errorf("violations = %v, want only the missing header", report.Violations)
	}
}

func TestRecorderMisspeltOption(t *testing.T) {
	body := strings.Replace(flowBody, `"inletUrl"`, `"inletURL"`, 1)
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	report := serve(t, jsonHandler(http.StatusOK, body), req)

	v := findViolation(t, report.Violations, "body /items/0/options/inletURL")
	if v.Kind != contract.KindUndeclared || v.Side != contract.Response {
		t.Errorf("violation = %s, want an undeclared response property", v)
	}
}

func TestRecorderWrongType(t *testing.T) {
	body := strings.Replace(flowBody, `"createdAt":1700000000000`, `"createdAt":"2023-11-14"`, 1)
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	report := serve(t, jsonHandler(http.StatusOK, body), req)

	v := findViolation(t, report.Violations, "body /items/0/createdAt")
	if v.Kind != contract.KindBody || v.Keyword != "type" {
		t.Errorf("violation = %s, want a body type violation", v)
	}
	if !strings.Contains(v.Message, `"2023-11-14"`) {
		t.Errorf("message %q does not quote the value sent", v.Message)
	}
	if v.RequestID != "test-request" || v.Status != http.StatusOK {
		t.Errorf("request id %q status %d, want test-request 200", v.RequestID, v.Status)
	}
}

func TestRecorderUndeclaredStatus(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	report := serve(t, jsonHandler(http.StatusTeapot, `{}`), req)

	if len(report.Violations) != 1 {
		t.Fatalf("violations = %v, want one", report.Violations)
	}
	if v := report.Violations[0]; v.Kind != contract.KindStatus || v.Where != "status 418" {
		t.Errorf("violation = %s, want status 418 undeclared", v)
	}
}

func TestRecorderDocumentedErrorStatus(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
	body := `{"type":"https://ns.adobe.com/aep/errors/FLOW-1439-404","title":"Resource not found","status":404}`
	report := serve(t, jsonHandler(http.StatusNotFound, body), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("documented-error-statuses"); len(got) != 1 || got[0].Where != "status 404" {
		t.Errorf("tolerated by documented-error-statuses = %v, want the 404", got)
	}
}

func TestRecorderUnknownPath(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/flowservice/nothing-here", "")
	report := serve(t, jsonHandler(http.StatusOK, `{}`), req)

	if len(report.Violations) != 1 || report.Violations[0].Kind != contract.KindNoOperation {
		t.Fatalf("violations = %v, want one no-operation violation", report.Violations)
	}
	if got := report.Violations[0].Route; got != "GET /data/foundation/flowservice/nothing-here" {
		t.Errorf("route = %q, want the concrete method and path", got)
	}
	if len(report.Routes) != 0 {
		t.Errorf("routes = %v, want none covered", report.Routes)
	}
}

func TestRecorderFlowActionAsDocumented(t *testing.T) {
	req := platformRequest(http.MethodPost, "/data/foundation/flowservice/flows/4982698b/action?op=disable", "")
	body := `{"id":"4982698b","etag":"\"1\""}`
	report := serve(t, jsonHandler(http.StatusOK, body), req)

	requireNoViolations(t, report)
	for _, id := range []string{"flow-action-subop", "flow-action-op-lower-case"} {
		if got := report.ToleratedBy(id); len(got) != 1 {
			t.Errorf("tolerated by %s = %v, want 1 violation", id, got)
		}
	}
}

func TestRecorderFlowActionUnknownOp(t *testing.T) {
	req := platformRequest(http.MethodPost, "/data/foundation/flowservice/flows/4982698b/action?op=pause", "")
	report := serve(t, jsonHandler(http.StatusOK, `{"id":"4982698b","etag":"\"1\""}`), req)

	v := findViolation(t, report.Violations, "query op")
	if v.Keyword != "enum" {
		t.Errorf("violation = %s, want an enum violation", v)
	}
}

func TestRecorderSourceConnectionProviderID(t *testing.T) {
	body := `{"name":"Customer.io source","providerId":"521eee4d-8cbe-4906-bb48-fb6bd4450033",
		"connectionSpec":{"id":"96479064-7b8a-4d69-b9ed-21c5683837ea","version":"1.0"},"data":{"format":"json"}}`
	req := platformRequest(http.MethodPost, "/data/foundation/flowservice/sourceConnections", body)
	report := serve(t, jsonHandler(http.StatusCreated, `{"id":"133bb51f","etag":"\"1\""}`), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("source-connection-provider-id"); len(got) != 1 {
		t.Errorf("tolerated by source-connection-provider-id = %v, want 1", got)
	}
}

func TestRecorderLegacyMappingDialect(t *testing.T) {
	body := `{"outputSchema":{"schemaRef":{"id":"https://ns.adobe.com/acme/schemas/1","contentType":"application/vnd.adobe.xed-full+json;version=1"}},
		"mappings":[{"sourceAttribute":"event_id","destinationXdmPath":"_id","identity":false,"version":0}]}`
	req := platformRequest(http.MethodPost, "/data/foundation/conversion/mappingSets", body)
	response := `{"id":"59c0e53a2dc84f7791ecc1b3d6e51d5e","version":0,"createdDate":1700000000000,"modifiedDate":1700000000000}`
	report := serve(t, jsonHandler(http.StatusOK, response), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("data-prep-legacy-dialect"); len(got) != 3 {
		t.Errorf("tolerated by data-prep-legacy-dialect = %v, want 3 (sourceAttribute, destinationXdmPath, identity)", got)
	}
	if got := report.ToleratedBy("data-prep-epoch-dates"); len(got) != 2 {
		t.Errorf("tolerated by data-prep-epoch-dates = %v, want 2", got)
	}
}

func TestRecorderMisspeltMappingField(t *testing.T) {
	body := `{"mappings":[{"sourceType":"ATTRIBUTE","source":"event_id","destinationXDMPath":"_id"}]}`
	req := platformRequest(http.MethodPost, "/data/foundation/conversion/mappingSets/validate", body)
	report := serve(t, jsonHandler(http.StatusOK, `{"validationResponse":[{"status":"SUCCESS"}]}`), req)

	findViolation(t, report.Violations, "body /mappings/0/destinationXDMPath")
}

func TestRecorderDeleteMappingSet(t *testing.T) {
	req := platformRequest(http.MethodDelete, "/data/foundation/conversion/mappingSets/59c0e53a", "")
	noContent := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	report := serve(t, noContent, req)

	requireNoViolations(t, report)
	if !report.Covered("DELETE /data/foundation/conversion/mappingSets/{id}") {
		t.Errorf("delete not covered; routes = %v", report.Routes)
	}
}

func TestRecorderSchemaListRoute(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/schemaregistry/tenant/schemas?orderby=title&limit=300", "")
	req.Header.Set("Accept", "application/vnd.adobe.xed-id+json")
	body := `{"results":[{"$id":"https://ns.adobe.com/acme/schemas/1","meta:altId":"_acme.schemas.1","version":"1.0","title":"Events"}],
		"_page":{"orderby":"title","next":null,"count":1},"_links":{"next":{"href":"/tenant/schemas?start=x"},"global_schemas":{"href":"/global/schemas"}}}`
	report := serve(t, jsonHandler(http.StatusOK, body), req)

	requireNoViolations(t, report)
	if !report.Covered("GET /data/foundation/schemaregistry/tenant/schemas") {
		t.Errorf("list not covered under its tenant name; routes = %v", report.Routes)
	}
	if got := report.ToleratedBy("schema-links-next-shape"); len(got) != 1 {
		t.Errorf("tolerated by schema-links-next-shape = %v, want 1", got)
	}
}

func TestRecorderSandboxETag(t *testing.T) {
	req := platformRequest(http.MethodGet, "/data/foundation/sandbox-management/?limit=50&offset=0", "")
	req.Header.Del("x-sandbox-name")
	req.Header.Set("Accept", "application/json")
	body := `{"sandboxes":[{"name":"prod","title":"Production","state":"active","type":"production","region":"VA7","isDefault":true,"eTag":2}],
		"_page":{"limit":50,"count":1}}`
	report := serve(t, jsonHandler(http.StatusOK, body), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("sandbox-etag-case"); len(got) != 1 {
		t.Errorf("tolerated by sandbox-etag-case = %v, want 1", got)
	}
}

// tokenRequest builds an IMS token request with the credentials in the form body.
func tokenRequest(form string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/ims/token/v3", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

const tokenBody = `{"access_token":"test-access-token","token_type":"bearer","expires_in":86399}`

func TestRecorderIMSToken(t *testing.T) {
	req := tokenRequest("grant_type=client_credentials&client_id=test-id&client_secret=test-secret&scope=openid,AdobeID")
	report := serve(t, jsonHandler(http.StatusOK, tokenBody), req)

	requireNoViolations(t, report)
	if !report.Covered(routeToken) {
		t.Errorf("token route not covered; routes = %v", report.Routes)
	}
}

func TestRecorderIMSMissingScope(t *testing.T) {
	req := tokenRequest("grant_type=client_credentials&client_id=test-id&client_secret=test-secret")
	report := serve(t, jsonHandler(http.StatusOK, tokenBody), req)

	v := findViolation(t, report.Violations, "body /scope")
	if v.Keyword != "required" {
		t.Errorf("violation = %s, want a required violation", v)
	}
}

func TestRecorderIMSSecretInQuery(t *testing.T) {
	const secret = "p8-very-secret-value"
	req := httptest.NewRequest(http.MethodPost, "/ims/token/v3?client_id=test-id&client_secret="+secret,
		strings.NewReader("grant_type=client_credentials&scope=openid&client_id=test-id&client_secret="+secret+"&extra=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	report := serve(t, jsonHandler(http.StatusOK, tokenBody), req)

	findViolation(t, report.Violations, "query client_secret")
	findViolation(t, report.Violations, "query client_id")
	for _, v := range report.Violations {
		if strings.Contains(v.String(), secret) {
			t.Errorf("violation text contains the client secret: %s", v)
		}
	}
}

func TestRecorderIMSErrorBody(t *testing.T) {
	req := tokenRequest("grant_type=client_credentials&client_id=test-id&client_secret=wrong&scope=openid")
	body := `{"error":"invalid_client","error_description":"invalid client_secret parameter"}`
	report := serve(t, jsonHandler(http.StatusBadRequest, body), req)

	requireNoViolations(t, report)
}

func TestRecorderIMSUnknownError(t *testing.T) {
	req := tokenRequest("grant_type=client_credentials&client_id=test-id&client_secret=wrong&scope=openid")
	report := serve(t, jsonHandler(http.StatusBadRequest, `{"error":"bad_thing"}`), req)

	v := findViolation(t, report.Violations, "body /error")
	if v.Keyword != "enum" {
		t.Errorf("violation = %s, want an enum violation", v)
	}
}

func TestTransportValidatesExchange(t *testing.T) {
	server := httptest.NewServer(jsonHandler(http.StatusOK, strings.Replace(flowBody, `"state"`, `"status"`, 1)))
	defer server.Close()

	recorder := loadSpecs(t).NewRecorder(nil)
	client := &http.Client{Transport: recorder.Transport(nil)}

	req, err := http.NewRequest(http.MethodGet, server.URL+"/data/foundation/flowservice/flows/4982698b", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-access-token")
	req.Header.Set("x-gw-ims-org-id", "TESTORG@AdobeOrg")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if !strings.Contains(string(body), `"status"`) {
		t.Errorf("body after the transport = %s, want it passed through unchanged", body)
	}
	report := recorder.Report()
	findViolation(t, report.Violations, "header x-api-key")
	findViolation(t, report.Violations, "body /items/0/status")
}

func TestRecorderHijackedConnection(t *testing.T) {
	reset := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack through the recorder: %v", err)
			return
		}
		conn.Close()
	})
	recorder := loadSpecs(t).NewRecorder(nil)
	// The client sees the reset before the recorder has filed the exchange,
	// so the test waits for the handler chain to return.
	served := make(chan struct{})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		defer close(served)
		recorder.Middleware(reset).ServeHTTP(w, req)
	}))
	defer server.Close()

	req := platformRequest(http.MethodGet, server.URL+"/data/foundation/flowservice/flows/4982698b", "")
	req.RequestURI = ""
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("request succeeded, want a connection reset")
	}
	<-served

	report := recorder.Report()
	requireNoViolations(t, report)
	if got := report.Routes[routeGetFlow].Statuses[0]; got != 1 {
		t.Errorf("exchanges without response = %d, want 1", got)
	}
}

// fakeTB records what Middleware reports.
type fakeTB struct {
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func TestMiddlewareFailsTestAtCleanup(t *testing.T) {
	tb := &fakeTB{}
	handler := loadSpecs(t).Middleware(jsonHandler(http.StatusTeapot, `{}`), tb)

	handler.ServeHTTP(httptest.NewRecorder(), platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", ""))
	if len(tb.errors) != 0 {
		t.Fatalf("errors before cleanup = %v, want none", tb.errors)
	}
	for _, cleanup := range tb.cleanups {
		cleanup()
	}

	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "status") {
		t.Errorf("errors after cleanup = %v, want one status violation", tb.errors)
	}
}

func TestRecorderConcurrentUse(t *testing.T) {
	recorder := loadSpecs(t).NewRecorder(nil)
	handler := recorder.Middleware(jsonHandler(http.StatusOK, flowBody))

	const requests = 16
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			req := platformRequest(http.MethodGet, "/data/foundation/flowservice/flows/4982698b", "")
			handler.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	wg.Wait()

	report := recorder.Report()
	requireNoViolations(t, report)
	if got := report.Routes[routeGetFlow].Calls; got != requests {
		t.Errorf("calls = %d, want %d", got, requests)
	}
}

// inletRequest posts body as Customer.io does: raw JSON with the flow ID in the query.
func inletRequest(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/collection/"+strings.Repeat("ab", 32)+"?x-adobe-flow-id=4982698b", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

const inletAnswer = `{"inletId":"abab","xactionId":"1700000000000:0001:1","receivedTimeMs":1700000000000}`

func TestRecorderInletRawEvent(t *testing.T) {
	var event string
	for _, body := range fixtureEvents(t) {
		event = string(body)
		break
	}
	report := serve(t, jsonHandler(http.StatusOK, inletAnswer), inletRequest(event))

	requireNoViolations(t, report)
	for _, id := range []string{"inlet-raw-json", "inlet-sandbox-header", "inlet-id-case", "inlet-received-time-int32"} {
		if got := report.ToleratedBy(id); len(got) != 1 {
			t.Errorf("tolerated by %s = %v, want 1 violation", id, got)
		}
	}
}

func TestRecorderInletInvalidEvent(t *testing.T) {
	event := `{"event_id":"01JP2AXG9RWYX8JJCX26AS19E3","object_type":"email","metric":"sent","timestamp":"soon","data":{}}`
	report := serve(t, jsonHandler(http.StatusOK, inletAnswer), inletRequest(event))

	v := findViolation(t, report.Violations, "body (Customer.io event)")
	if !strings.Contains(v.Message, "email/sent") {
		t.Errorf("message %q does not name the event", v.Message)
	}
}

func TestRecorderPatchLowerCaseOp(t *testing.T) {
	body := `[{"op":"replace","path":"/description","value":{"description":"Updated by the wizard"}}]`
	req := platformRequest(http.MethodPatch, "/data/foundation/flowservice/flows/4982698b", body)
	req.Header.Set("If-Match", `"4c01c003-0000-0200-0000-63ef57e10000"`)
	report := serve(t, jsonHandler(http.StatusOK, `{"id":"4982698b","etag":"\"2\""}`), req)

	requireNoViolations(t, report)
	if got := report.ToleratedBy("patch-op-lower-case"); len(got) != 1 {
		t.Errorf("tolerated by patch-op-lower-case = %v, want 1", got)
	}
}

func TestRecorderPatchUnknownOp(t *testing.T) {
	body := `[{"op":"move","path":"/description","value":{"description":"Updated by the wizard"}}]`
	req := platformRequest(http.MethodPatch, "/data/foundation/flowservice/flows/4982698b", body)
	req.Header.Set("If-Match", `"4c01c003-0000-0200-0000-63ef57e10000"`)
	report := serve(t, jsonHandler(http.StatusOK, `{"id":"4982698b","etag":"\"2\""}`), req)

	v := findViolation(t, report.Violations, "body /0/op")
	if v.Keyword != "enum" {
		t.Errorf("violation = %s, want an enum violation", v)
	}
}
