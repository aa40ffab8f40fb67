package ciosim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/ciosim"
)

const (
	usKey = "us-key-0123456789"
	euKey = "eu-key-9876543210"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func start(t *testing.T, opts ciosim.Options) (*ciosim.Sim, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)}
	opts.Now = c.Now
	sim, err := ciosim.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	sim.AddKey(usKey, ciosim.US)
	sim.AddKey(euKey, ciosim.EU)
	return sim, c
}

// request sends one App API request and returns the status, headers and body.
func request(t *testing.T, method, url, key, body string) (int, http.Header, []byte) {
	t.Helper()
	var reader io.Reader = http.NoBody
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

func errorDetail(t *testing.T, body []byte) string {
	t.Helper()
	var parsed struct {
		Errors []struct {
			Detail string `json:"detail"`
			Status string `json:"status"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil || len(parsed.Errors) != 1 {
		t.Fatalf("error body %s is not the errors envelope", body)
	}
	return parsed.Errors[0].Detail
}

const webhookBody = `{"name":"AEP","endpoint":"https://dcs.example.com/collection/abc?x-adobe-flow-id=f1","events":["email_sent","sms_sent"],"disabled":true,"with_content":true}`

func TestSimWebhookCRUD(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	base := sim.USURL + "/v1/reporting_webhooks"

	status, _, body := request(t, http.MethodPost, base, usKey, webhookBody)
	if status != http.StatusOK {
		t.Fatalf("create: %d %s", status, body)
	}
	var created ciosim.Webhook
	if err := json.Unmarshal(body, &created); err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Type != "webhook" || !created.Disabled || !created.WithContent || created.FullResolution {
		t.Errorf("created = %+v", created)
	}

	status, _, body = request(t, http.MethodGet, base, usKey, "")
	var list struct {
		ReportingWebhooks []ciosim.Webhook `json:"reporting_webhooks"`
	}
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil || len(list.ReportingWebhooks) != 1 {
		t.Errorf("list: %d %s", status, body)
	}

	one := base + "/" + jsonNumber(created.ID)
	update := strings.Replace(webhookBody, `"disabled":true`, `"disabled":false`, 1)
	status, _, body = request(t, http.MethodPut, one, usKey, update)
	var updated ciosim.Webhook
	_ = json.Unmarshal(body, &updated)
	if status != http.StatusOK || updated.ID != created.ID || updated.Disabled {
		t.Errorf("update: %d %s", status, body)
	}

	status, _, body = request(t, http.MethodGet, one, usKey, "")
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"disabled":false`)) {
		t.Errorf("get: %d %s", status, body)
	}

	status, _, body = request(t, http.MethodDelete, one, usKey, "")
	if status != http.StatusOK || len(body) != 0 {
		t.Errorf("delete: %d %q, want 200 with an empty body", status, body)
	}
	status, _, body = request(t, http.MethodDelete, one, usKey, "")
	if status != http.StatusNotFound || errorDetail(t, body) != "webhook not found" {
		t.Errorf("second delete: %d %s", status, body)
	}
	if len(sim.Webhooks(usKey)) != 0 {
		t.Error("webhook still listed after delete")
	}
}

func TestSimRejectsInvalidWebhooks(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	base := sim.USURL + "/v1/reporting_webhooks"

	tests := map[string]struct{ body, detail string }{
		"no name":          {`{"endpoint":"https://x.example.com","events":["email_sent"]}`, "name is required"},
		"no endpoint":      {`{"name":"n","events":["email_sent"]}`, "endpoint is required"},
		"no events":        {`{"name":"n","endpoint":"https://x.example.com","events":[]}`, "events must contain at least one event"},
		"relative URL":     {`{"name":"n","endpoint":"/hook","events":["email_sent"]}`, `endpoint "/hook" is not a valid http or https URL`},
		"unknown event":    {`{"name":"n","endpoint":"https://x.example.com","events":["slack_undeliverable"]}`, `events: "slack_undeliverable" is not a valid event`},
		"not JSON":         {`{`, "request body is not valid JSON: unexpected EOF"},
		"partial update":   {`{"disabled":true}`, "name is required"},
		"whitespace name":  {`{"name":"  ","endpoint":"https://x.example.com","events":["email_sent"]}`, "name is required"},
		"deferred allowed": {`{"name":"n","endpoint":"https://x.example.com","events":["email_deferred"]}`, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			status, _, body := request(t, http.MethodPost, base, usKey, tt.body)
			if tt.detail == "" {
				if status != http.StatusOK {
					t.Errorf("status %d %s, want 200", status, body)
				}
				return
			}
			if status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400", status)
			}
			if got := errorDetail(t, body); got != tt.detail {
				t.Errorf("detail = %q, want %q", got, tt.detail)
			}
		})
	}
}

func TestSimKeyChecks(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	list := "/v1/reporting_webhooks"

	if status, _, _ := request(t, http.MethodGet, sim.USURL+list, "", ""); status != http.StatusUnauthorized {
		t.Errorf("no key: %d, want 401", status)
	}
	if status, _, _ := request(t, http.MethodGet, sim.USURL+list, "unknown", ""); status != http.StatusUnauthorized {
		t.Errorf("unknown key: %d, want 401", status)
	}
	if status, _, _ := request(t, http.MethodGet, sim.USURL+list, euKey, ""); status != http.StatusUnauthorized {
		t.Errorf("EU key on US: %d, want 401", status)
	}
	if status, _, _ := request(t, http.MethodGet, sim.EUURL+list, euKey, ""); status != http.StatusOK {
		t.Errorf("EU key on EU: %d, want 200", status)
	}

	sim.SetWrongRegionMode(ciosim.WrongRegionRedirect)
	status, header, body := request(t, http.MethodGet, sim.USURL+list+"?x=1", euKey, "")
	if status != http.StatusMovedPermanently {
		t.Fatalf("EU key on US in redirect mode: %d, want 301", status)
	}
	if got, want := header.Get("Location"), sim.EUURL+list+"?x=1"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if errorDetail(t, body) != "wrong datacenter" {
		t.Errorf("body = %s", body)
	}
	if sim.Calls(ciosim.US, ciosim.RouteList) != 4 {
		t.Errorf("US list calls = %d, want 4", sim.Calls(ciosim.US, ciosim.RouteList))
	}
}

func TestSimWorkspacesAreSeparate(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	sim.AddKey("second-us-key", ciosim.US)

	request(t, http.MethodPost, sim.USURL+"/v1/reporting_webhooks", usKey, webhookBody)

	if n := len(sim.Webhooks("second-us-key")); n != 0 {
		t.Errorf("other workspace sees %d webhooks", n)
	}
	id := jsonNumber(sim.Webhooks(usKey)[0].ID)
	if status, _, _ := request(t, http.MethodGet, sim.USURL+"/v1/reporting_webhooks/"+id, "second-us-key", ""); status != http.StatusNotFound {
		t.Errorf("other workspace got status %d for the webhook, want 404", status)
	}
}

func TestSimRateLimit(t *testing.T) {
	sim, clock := start(t, ciosim.Options{})
	list := sim.USURL + "/v1/reporting_webhooks"

	for i := range ciosim.DefaultRateLimit {
		if status, _, _ := request(t, http.MethodGet, list, usKey, ""); status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, status)
		}
	}
	status, _, body := request(t, http.MethodGet, list, usKey, "")
	if status != http.StatusTooManyRequests {
		t.Fatalf("request 11: %d, want 429", status)
	}
	if !strings.Contains(errorDetail(t, body), "rate limit") {
		t.Errorf("429 body = %s", body)
	}

	// Another key has its own budget.
	if status, _, _ := request(t, http.MethodGet, sim.EUURL+"/v1/reporting_webhooks", euKey, ""); status != http.StatusOK {
		t.Errorf("other key: %d, want 200", status)
	}

	clock.Advance(999 * time.Millisecond)
	if status, _, _ := request(t, http.MethodGet, list, usKey, ""); status != http.StatusTooManyRequests {
		t.Errorf("after 999 ms: %d, want 429", status)
	}
	clock.Advance(time.Millisecond)
	if status, _, _ := request(t, http.MethodGet, list, usKey, ""); status != http.StatusOK {
		t.Errorf("after 1 s: %d, want 200", status)
	}
}

func TestSimRateLimitOff(t *testing.T) {
	sim, _ := start(t, ciosim.Options{RateLimit: -1})
	for i := range 25 {
		if status, _, _ := request(t, http.MethodGet, sim.USURL+"/v1/reporting_webhooks", usKey, ""); status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, status)
		}
	}
}

func TestSimFaultsInOrder(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	sim.InjectFaults(ciosim.EU, ciosim.RouteList,
		ciosim.Fault{Status: 503, Body: "first"},
		ciosim.Fault{Status: 302, Header: map[string]string{"Location": "http://127.0.0.1:1/"}},
	)
	list := sim.EUURL + "/v1/reporting_webhooks"

	if status, _, body := request(t, http.MethodGet, list, "", ""); status != 503 || string(body) != "first" {
		t.Errorf("first: %d %s", status, body)
	}
	if status, header, _ := request(t, http.MethodGet, list, "", ""); status != 302 || header.Get("Location") != "http://127.0.0.1:1/" {
		t.Errorf("second: %d %v", status, header)
	}
	if status, _, _ := request(t, http.MethodGet, list, euKey, ""); status != http.StatusOK {
		t.Errorf("third: %d, want the normal response", status)
	}
	if status, _, _ := request(t, http.MethodGet, sim.USURL+"/v1/reporting_webhooks", usKey, ""); status != http.StatusOK {
		t.Errorf("US: %d, want no fault in the other region", status)
	}
}

func TestSimFaultDelayHonoursCancel(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	sim.InjectFaults(ciosim.US, ciosim.RouteList, ciosim.Fault{Status: 200, Delay: time.Hour})

	client := &http.Client{Timeout: 50 * time.Millisecond}
	resp, err := client.Get(sim.USURL + "/v1/reporting_webhooks")
	if err == nil {
		resp.Body.Close()
		t.Fatal("request returned before the delay")
	}
	// Close would hang on a handler that ignored the cancelled request.
	if err := sim.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestSimUnknownPath(t *testing.T) {
	sim, _ := start(t, ciosim.Options{})
	if status, _, _ := request(t, http.MethodGet, sim.USURL+"/v1/campaigns", usKey, ""); status != http.StatusNotFound {
		t.Errorf("status = %d, want 404", status)
	}
	status, _, body := request(t, http.MethodPatch, sim.USURL+"/v1/reporting_webhooks/1", usKey, "{}")
	if status != http.StatusNotFound || errorDetail(t, body) != "not found" {
		t.Errorf("PATCH: %d %s, want 404 in the errors envelope", status, body)
	}
}

func TestSendFixturesSignsEachEvent(t *testing.T) {
	sim, clock := start(t, ciosim.Options{})
	const signingKey = "signing-key-for-the-test"

	type received struct {
		timestamp, signature string
		body                 []byte
	}
	var mu sync.Mutex
	var got []received
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Header.Get("X-CIO-Timestamp"), r.Header.Get("X-CIO-Signature"), body})
		mu.Unlock()
		if r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		if bytes.Contains(body, []byte("reject")) {
			http.Error(w, `{"title":"rejected"}`, http.StatusBadRequest)
			return
		}
		_, _ = w.Write([]byte(`{"xactionId":"1:2:3"}`))
	}))
	t.Cleanup(receiver.Close)

	events := [][]byte{[]byte(`{"n":1}`), []byte(`{"n":"reject"}`), []byte(`{"n":3}`)}
	deliveries, err := sim.SendFixtures(t.Context(), receiver.URL+"/collection/x?x-adobe-flow-id=f", signingKey, events)
	if err != nil {
		t.Fatalf("SendFixtures: %v", err)
	}

	wantStatus := []int{200, 400, 200}
	for i, d := range deliveries {
		if d.Err != nil || d.Status != wantStatus[i] {
			t.Errorf("delivery %d = %+v, want status %d", i, d, wantStatus[i])
		}
	}
	if len(got) != len(events) {
		t.Fatalf("receiver got %d requests, want %d", len(got), len(events))
	}
	for i, r := range got {
		if !bytes.Equal(r.body, events[i]) {
			t.Errorf("request %d body = %s, want %s (in order, one per request)", i, r.body, events[i])
		}
		if r.timestamp != jsonNumber(clock.Now().Unix()) {
			t.Errorf("request %d timestamp = %q", i, r.timestamp)
		}
		if !ciosim.VerifySignature(signingKey, r.timestamp, r.signature, r.body) {
			t.Errorf("request %d signature does not verify", i)
		}
	}

	if _, err := sim.SendFixtures(t.Context(), "not a url", signingKey, events); err == nil {
		t.Error("SendFixtures accepted an invalid endpoint")
	}
}

func TestVerifySignatureRejectsBadInput(t *testing.T) {
	body := []byte(`{}`)
	sig := ciosim.Sign("k", 100, body)
	if !ciosim.VerifySignature("k", "100", sig, body) {
		t.Fatal("valid signature rejected")
	}
	for name, args := range map[string][3]string{
		"bad timestamp":   {"k", "1e2", sig},
		"other timestamp": {"k", "101", sig},
		"upper case":      {"k", "100", strings.ToUpper(sig)},
		"other key":       {"j", "100", sig},
	} {
		if ciosim.VerifySignature(args[0], args[1], args[2], body) {
			t.Errorf("%s: verified", name)
		}
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
