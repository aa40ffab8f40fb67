package customerio_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
)

// foreignHost is a server that is not a Customer.io API host. It counts requests
// and remembers any Authorization header it received.
type foreignHost struct {
	*httptest.Server
	requests atomic.Int32
	sawAuth  atomic.Value
}

func startForeignHost(t *testing.T) *foreignHost {
	t.Helper()
	f := &foreignHost{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		f.sawAuth.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"reporting_webhooks":[]}`))
	}))
	t.Cleanup(f.Close)
	return f
}

func TestClientRedirectToForeignHostKeepsKey(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	foreign := startForeignHost(t)
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)

	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		sim.InjectFaults(ciosim.US, ciosim.RouteList, ciosim.Fault{
			Status: status,
			Header: map[string]string{"Location": foreign.URL + "/v1/reporting_webhooks"},
		})

		_, err := client.ListWebhooks(t.Context())

		var apiErr *customerio.APIError
		if !errors.As(err, &apiErr) || apiErr.Cause != customerio.CauseUnexpectedRedirect {
			t.Fatalf("status %d: err = %v, want cause %s", status, err, customerio.CauseUnexpectedRedirect)
		}
		if apiErr.Location != strings.TrimPrefix(foreign.URL, "http://") {
			t.Errorf("status %d: Location = %q, want the foreign host", status, apiErr.Location)
		}
	}
	if n := foreign.requests.Load(); n != 0 {
		t.Errorf("foreign host got %d requests (Authorization %q), want none", n, foreign.sawAuth.Load())
	}
	if client.Region() != customerio.RegionUS {
		t.Errorf("region = %s, want unchanged us", client.Region())
	}
}

func TestClientWrongDatacenterIgnoresLocation(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	foreign := startForeignHost(t)
	client, _ := testClient(t, sim, euKey, customerio.RegionUS, timers)
	sim.InjectFaults(ciosim.US, ciosim.RouteList, ciosim.Fault{
		Status: http.StatusMovedPermanently,
		Header: map[string]string{"Location": foreign.URL + "/v1/reporting_webhooks"},
		Body:   `{"errors":[{"detail":"wrong datacenter","status":"301"}]}`,
	})

	if _, err := client.ListWebhooks(t.Context()); err != nil {
		t.Fatalf("ListWebhooks: %v", err)
	}

	if n := foreign.requests.Load(); n != 0 {
		t.Errorf("foreign host got %d requests, want none", n)
	}
	if client.Region() != customerio.RegionEU {
		t.Errorf("region = %s, want eu", client.Region())
	}
	if got := sim.Calls(ciosim.EU, ciosim.RouteList); got != 1 {
		t.Errorf("EU list calls = %d, want 1", got)
	}
}

func TestClientRateLimitBacksOff(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)

	// The simulator's clock does not move by itself, so request 11 exceeds 10 per second until
	// a retry wait moves the clock on.
	for i := range 12 {
		if _, err := client.ListWebhooks(t.Context()); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}

	// A first wait under one second (1 s with 30 % jitter) leaves the window full, so
	// a second retry may follow.
	waits := timers.Waits()
	if len(waits) < 1 || len(waits) > 2 {
		t.Fatalf("retry waits = %v, want one or two", waits)
	}
	if waits[0] < 700*time.Millisecond || waits[0] > 1300*time.Millisecond {
		t.Errorf("first wait = %v, want about 1 s", waits[0])
	}
	if got, want := sim.Calls(ciosim.US, ciosim.RouteList), 12+len(waits); got != want {
		t.Errorf("list calls = %d, want %d (12 plus one per retry)", got, want)
	}
	if !strings.Contains(logs.String(), "retrying Customer.io request") {
		t.Error("the retry was not logged")
	}
}

func TestClientRateLimitGivesUp(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	tooMany := ciosim.Fault{Status: http.StatusTooManyRequests}
	sim.InjectFaults(ciosim.US, ciosim.RouteCreate, tooMany, tooMany, tooMany, tooMany, tooMany, tooMany)

	_, err := client.CreateWebhook(t.Context(), customerio.Webhook{Name: "n", Endpoint: "https://example.com/x", Events: []string{"email_sent"}})

	if cause := customerio.CauseOf(err); cause != customerio.CauseRateLimited {
		t.Errorf("cause = %q, want %q", cause, customerio.CauseRateLimited)
	}
	if got := sim.Calls(ciosim.US, ciosim.RouteCreate); got != 5 {
		t.Errorf("create calls = %d, want 5 (1 plus 4 retries)", got)
	}
	waits := timers.Waits()
	for i := 1; i < len(waits); i++ {
		if waits[i] <= waits[i-1]/2 {
			t.Errorf("waits %v do not grow", waits)
		}
	}
}

func TestClientServerErrorRetriesOnlySafeMethods(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	unavailable := ciosim.Fault{Status: http.StatusServiceUnavailable}

	sim.InjectFaults(ciosim.US, ciosim.RouteList, unavailable, unavailable)
	if _, err := client.ListWebhooks(t.Context()); err != nil {
		t.Errorf("list after two 503s: %v", err)
	}

	sim.InjectFaults(ciosim.US, ciosim.RouteCreate, unavailable)
	_, err := client.CreateWebhook(t.Context(), customerio.Webhook{Name: "n", Endpoint: "https://example.com/x", Events: []string{"email_sent"}})
	if cause := customerio.CauseOf(err); cause != customerio.CauseServerError {
		t.Errorf("create cause = %q, want %q", cause, customerio.CauseServerError)
	}
	if got := sim.Calls(ciosim.US, ciosim.RouteCreate); got != 1 {
		t.Errorf("create calls = %d, want 1 (a create may have succeeded, so no retry)", got)
	}
}

func TestClientErrorDetail(t *testing.T) {
	long := strings.Repeat("x", 400)
	tests := []struct {
		name       string
		status     int
		body       string
		wantCause  customerio.Cause
		wantDetail string
	}{
		{"errors detail", 400, `{"errors":[{"detail":"endpoint is invalid","status":"400"},{"detail":"name is required"}]}`, customerio.CauseInvalidRequest, "endpoint is invalid; name is required"},
		{"meta error", 422, `{"meta":{"error":"events must not be empty"}}`, customerio.CauseInvalidRequest, "events must not be empty"},
		{"raw text", 403, "Forbidden\n", customerio.CauseForbidden, "Forbidden"},
		{"long raw text", 418, long, customerio.CauseUnexpectedStatus, long[:300] + "…"},
		{"not found", 404, `{"errors":[{"detail":"webhook not found"}]}`, customerio.CauseNotFound, "webhook not found"},
		{"key echoed", 400, `{"errors":[{"detail":"bad key ` + usKey + `"}]}`, customerio.CauseInvalidRequest, "bad key [REDACTED]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim, timers := startSim(t, ciosim.Options{})
			client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
			sim.InjectFaults(ciosim.US, ciosim.RouteGet, ciosim.Fault{Status: tt.status, Body: tt.body})

			_, err := client.GetWebhook(t.Context(), 7)

			var apiErr *customerio.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.Cause != tt.wantCause {
				t.Errorf("cause = %s, want %s", apiErr.Cause, tt.wantCause)
			}
			if apiErr.Status != tt.status {
				t.Errorf("status = %d, want %d", apiErr.Status, tt.status)
			}
			if apiErr.Detail != tt.wantDetail {
				t.Errorf("detail = %q, want %q", apiErr.Detail, tt.wantDetail)
			}
			if apiErr.Operation != "get_webhook" {
				t.Errorf("operation = %q", apiErr.Operation)
			}
			assertNoSecret(t, "error text", err.Error(), usKey)
		})
	}
}

func TestClientSecretsStayOutOfLogs(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{WrongRegion: ciosim.WrongRegionRedirect})
	inlet := startInlet(t)
	inlet.Reject[customerio.GroupEmail] = "rejected for the test"
	client, logs := testClient(t, sim, euKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"email_sent", "sms_sent"}}
	sim.InjectFaults(ciosim.EU, ciosim.RouteCreate, ciosim.Fault{Status: 429, Body: `{"errors":[{"detail":"slow down ` + euKey + `"}]}`})

	_, err := client.ConnectWebhook(t.Context(), spec, sender)
	if err == nil {
		t.Fatal("ConnectWebhook succeeded, want the email event rejected")
	}
	_, getErr := client.GetWebhook(t.Context(), 999)

	output := logs.String()
	if !strings.Contains(output, "Customer.io request") || !strings.Contains(output, "test event") {
		t.Fatalf("debug log is missing request or test-event records:\n%s", output)
	}
	assertNoSecret(t, "log", output, euKey, signingKey)
	assertNoSecret(t, "error", err.Error(), euKey, signingKey)
	assertNoSecret(t, "error", getErr.Error(), euKey, signingKey)
}

func TestNewClientChecksBaseURLs(t *testing.T) {
	tests := map[string]struct {
		url string
		ok  bool
	}{
		"loopback http":        {"http://127.0.0.1:8080", true},
		"loopback ipv6":        {"http://[::1]:8080", true},
		"localhost":            {"http://localhost:9000/", true},
		"customer.io https":    {"https://api-eu.customer.io", true},
		"customer.io http":     {"http://api.customer.io", false},
		"foreign host":         {"https://api.customer.io.example.com", false},
		"track api host":       {"https://track.customer.io", false},
		"user info":            {"https://user:pass@api.customer.io", false},
		"query":                {"https://api.customer.io?x=1", false},
		"relative":             {"/v1", false},
		"other loopback proto": {"ftp://127.0.0.1", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := customerio.NewClient(customerio.Options{
				APIKey:   usKey,
				BaseURLs: map[customerio.Region]string{customerio.RegionEU: tt.url},
			})
			if (err == nil) != tt.ok {
				t.Errorf("NewClient(%q) err = %v, want ok %v", tt.url, err, tt.ok)
			}
			if err != nil && customerio.CauseOf(err) != customerio.CauseInvalidInput {
				t.Errorf("cause = %q, want %q", customerio.CauseOf(err), customerio.CauseInvalidInput)
			}
		})
	}
}

func TestNewClientChecksKeyAndRegion(t *testing.T) {
	if _, err := customerio.NewClient(customerio.Options{APIKey: "  "}); customerio.CauseOf(err) != customerio.CauseInvalidInput {
		t.Errorf("blank key: err = %v", err)
	}
	if _, err := customerio.NewClient(customerio.Options{APIKey: usKey, Region: "ap"}); customerio.CauseOf(err) != customerio.CauseInvalidInput {
		t.Errorf("region ap: err = %v", err)
	}
	client, err := customerio.NewClient(customerio.Options{APIKey: usKey, Logger: slog.Default()})
	if err != nil || client.Region() != customerio.RegionUS {
		t.Errorf("default region = %v, %v; want us", client, err)
	}
}

func TestParseRegion(t *testing.T) {
	for input, want := range map[string]customerio.Region{"us": "us", " EU ": "eu", "Us": "us"} {
		if got, err := customerio.ParseRegion(input); err != nil || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", input, got, err, want)
		}
	}
	if _, err := customerio.ParseRegion("apac"); err == nil {
		t.Error("ParseRegion(apac) succeeded")
	}
}

func TestClientWebhookCRUD(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	in := customerio.Webhook{
		Name:           "crud",
		Endpoint:       "https://receiver.example.com/a",
		Events:         []string{"email_sent", "push_opened"},
		Disabled:       true,
		FullResolution: true,
		WithContent:    true,
	}

	created, err := client.CreateWebhook(t.Context(), in)
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	if created.ID == 0 || created.Type != "webhook" || !created.Disabled || !created.FullResolution || !created.WithContent {
		t.Errorf("created = %+v", created)
	}

	got, err := client.GetWebhook(t.Context(), created.ID)
	if err != nil || got.Name != "crud" {
		t.Errorf("GetWebhook = %+v, %v", got, err)
	}

	enabled, err := client.EnableWebhook(t.Context(), created.ID)
	if err != nil || enabled.Disabled || !enabled.WithContent {
		t.Errorf("EnableWebhook = %+v, %v; want enabled with the other fields kept", enabled, err)
	}

	list, err := client.ListWebhooks(t.Context())
	if err != nil || len(list) != 1 {
		t.Errorf("ListWebhooks = %+v, %v", list, err)
	}

	if err := client.DeleteWebhook(t.Context(), created.ID); err != nil {
		t.Errorf("DeleteWebhook: %v", err)
	}
	if err := client.DeleteWebhook(t.Context(), created.ID); err != nil {
		t.Errorf("second DeleteWebhook = %v, want nil for a webhook already gone", err)
	}
	if _, err := client.GetWebhook(t.Context(), created.ID); customerio.CauseOf(err) != customerio.CauseNotFound {
		t.Errorf("GetWebhook after delete: err = %v, want not found", err)
	}
}
