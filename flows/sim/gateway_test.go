package sim_test

import (
	"net/http"
	"testing"

	"github.com/cioaep/setup/flows/sim"
)

func TestGatewayHeaderErrors(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	noAPI := sim.Credential{ClientID: "no-platform-api", ClientSecret: "secret-1"}
	p.AddCredential(noAPI, sim.WithoutPlatformAPI())
	notEntitled := sim.Credential{ClientID: "not-entitled", ClientSecret: "secret-2"}
	p.AddCredential(notEntitled, sim.NotEntitled())
	noAPIToken := s.requestToken(sim.Credential{ClientID: noAPI.ClientID, ClientSecret: noAPI.ClientSecret, Scopes: p.Credential().Scopes})
	notEntitledToken := s.requestToken(sim.Credential{ClientID: notEntitled.ClientID, ClientSecret: notEntitled.ClientSecret, Scopes: p.Credential().Scopes})

	const (
		datasets = "/data/foundation/catalog/dataSets"
		flows    = "/data/foundation/flowservice/flows"
		schemas  = "/data/foundation/schemaregistry/tenant/schemas"
	)
	tests := []struct {
		name       string
		method     string
		path       string
		edit       func(http.Header)
		wantStatus int
		wantCode   string // error_code of a gateway error
		wantType   string // type of a problem body
		wantDetail string
	}{
		{"missing token", "GET", datasets, func(h http.Header) { h.Del("Authorization") }, 403, "403010", "", ""},
		{"invalid token", "GET", datasets, func(h http.Header) { h.Set("Authorization", "Bearer not-a-token") }, 401, "401013", "", ""},
		{"missing api key", "GET", datasets, func(h http.Header) { h.Del("x-api-key") }, 403, "403000", "", ""},
		{"api key of another client", "GET", datasets, func(h http.Header) { h.Set("x-api-key", "someone-else") }, 403, "403003", "", ""},
		{"credential without platform api", "GET", datasets, func(h http.Header) {
			h.Set("Authorization", "Bearer "+noAPIToken)
			h.Set("x-api-key", noAPI.ClientID)
		}, 403, "403003", "", ""},
		{"missing org", "GET", datasets, func(h http.Header) { h.Del("x-gw-ims-org-id") }, 400, "400003", "", ""},
		{"other org", "GET", datasets, func(h http.Header) { h.Set("x-gw-ims-org-id", "0000000000000000000000@AdobeOrg") }, 403, "403025", "", ""},
		{"credential not entitled", "GET", datasets, func(h http.Header) {
			h.Set("Authorization", "Bearer "+notEntitledToken)
			h.Set("x-api-key", notEntitled.ClientID)
		}, 403, "403025", "", ""},
		{"flow service without sandbox", "GET", flows, func(h http.Header) { h.Del("x-sandbox-name") }, 400, "",
			"https://ns.adobe.com/aep/errors/FLOW-2105-400", ""},
		{"flow service unknown sandbox", "GET", flows, func(h http.Header) { h.Set("x-sandbox-name", "nowhere") }, 404, "",
			"https://ns.adobe.com/aep/errors/FLOW-2100-404", ""},
		{"catalog without sandbox", "GET", datasets, func(h http.Header) { h.Del("x-sandbox-name") }, 400, "", "", ""},
		{"write without content type", "POST", flows, func(h http.Header) { h.Del("Content-Type") }, 400, "", "",
			"A valid content-type must be specified"},
		{"write with text content type", "POST", datasets, func(h http.Header) { h.Set("Content-Type", "text/plain") }, 400, "", "",
			"A valid content-type must be specified"},
		{"schema list with json accept", "GET", schemas, func(h http.Header) { h.Set("Accept", "application/json") }, 400, "",
			"http://ns.adobe.com/aep/errors/XDM-1006-400", ""},
		{"schema lookup without version", "GET", schemas + "/_acmecorp.schemas.x", func(h http.Header) {
			h.Set("Accept", "application/vnd.adobe.xed-full+json")
		}, 400, "", "http://ns.adobe.com/aep/errors/XDM-1007-400", ""},
		{"schema lookup unknown version", "GET", schemas + "/_acmecorp.schemas.x", func(h http.Header) {
			h.Set("Accept", "application/vnd.adobe.xed-full+json; version=2")
		}, 406, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == http.MethodPost {
				body = map[string]any{"name": "x"}
			}
			res := s.call(tt.method, tt.path, body, tt.edit)
			mustStatus(t, res, tt.wantStatus)

			if res.header.Get("x-request-id") == "" {
				t.Error("response has no x-request-id header")
			}
			got := res.object(t)
			if tt.wantCode != "" && got["error_code"] != tt.wantCode {
				t.Errorf("error_code = %v, want %s", got["error_code"], tt.wantCode)
			}
			if tt.wantCode != "" && got["message"] == "" {
				t.Error("gateway error has no message")
			}
			if tt.wantType != "" && got["type"] != tt.wantType {
				t.Errorf("type = %v, want %s", got["type"], tt.wantType)
			}
			if tt.wantDetail != "" && got["detail"] != tt.wantDetail {
				t.Errorf("detail = %v, want %s", got["detail"], tt.wantDetail)
			}
		})
	}
}

func TestFlowErrorBody(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.get("/data/foundation/flowservice/flows/4982698b-0000-4000-8000-000000000000")
	mustStatus(t, res, http.StatusNotFound)

	var body struct {
		Type   string `json:"type"`
		Status int    `json:"status"`
		Report struct {
			DetailedMessage string `json:"detailed-message"`
			RequestID       string `json:"request-id"`
			ID              string `json:"id"`
		} `json:"report"`
	}
	res.decode(t, &body)
	if body.Type != "https://ns.adobe.com/aep/errors/FLOW-1439-404" {
		t.Errorf("type = %q", body.Type)
	}
	if body.Status != http.StatusNotFound {
		t.Errorf("status = %d", body.Status)
	}
	if body.Report.DetailedMessage == "" {
		t.Error("report.detailed-message is empty")
	}
	if body.Report.RequestID != res.header.Get("x-request-id") {
		t.Errorf("report.request-id = %q, header x-request-id = %q", body.Report.RequestID, res.header.Get("x-request-id"))
	}
	if body.Report.ID != "4982698b-0000-4000-8000-000000000000" {
		t.Errorf("report.id = %q", body.Report.ID)
	}
}

func TestUnknownRouteHasRequestID(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.get("/data/foundation/nothing-here")
	mustStatus(t, res, http.StatusNotFound)
	if res.header.Get("x-request-id") == "" {
		t.Error("response has no x-request-id header")
	}
}

func TestSandboxListing(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.call(http.MethodGet, "/data/foundation/sandbox-management/", nil, func(h http.Header) { h.Del("x-sandbox-name") })
	mustStatus(t, res, http.StatusOK)
	var list struct {
		Sandboxes []struct {
			Name      string `json:"name"`
			Type      string `json:"type"`
			State     string `json:"state"`
			IsDefault bool   `json:"isDefault"`
		} `json:"sandboxes"`
		Page struct {
			Limit int `json:"limit"`
			Count int `json:"count"`
		} `json:"_page"`
	}
	res.decode(t, &list)
	if len(list.Sandboxes) != 3 || list.Page.Count != 3 || list.Page.Limit != 50 {
		t.Fatalf("got %d sandboxes, _page %+v; want 3 with limit 50", len(list.Sandboxes), list.Page)
	}
	prod := list.Sandboxes[0]
	if prod.Name != "prod" || prod.Type != "production" || !prod.IsDefault || prod.State != "active" {
		t.Errorf("first sandbox = %+v, want the active default production sandbox prod", prod)
	}

	res = s.get("/data/foundation/sandbox-management/?limit=2&offset=2")
	mustStatus(t, res, http.StatusOK)
	res.decode(t, &list)
	if len(list.Sandboxes) != 1 || list.Sandboxes[0].Name != "stage" {
		t.Errorf("page at offset 2 = %+v, want [stage]", list.Sandboxes)
	}

	res = s.get("/data/foundation/sandbox-management/?limit=2")
	mustStatus(t, res, http.StatusBadRequest)
	if typ := res.object(t)["type"]; typ != "http://ns.adobe.com/aep/errors/SMS-2074-400" {
		t.Errorf("type = %v", typ)
	}
}

func TestTenantStats(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.get("/data/foundation/schemaregistry/stats")
	mustStatus(t, res, http.StatusOK)
	body := res.object(t)
	if body["tenantId"] != "acmecorp" {
		t.Errorf("tenantId = %v, want acmecorp", body["tenantId"])
	}
	if body["imsOrg"] != p.Credential().OrgID {
		t.Errorf("imsOrg = %v, want %s", body["imsOrg"], p.Credential().OrgID)
	}
}
