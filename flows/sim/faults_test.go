package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/sim"
)

func TestFaultQueueOrder(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	const path = "/data/foundation/flowservice/flows"

	p.InjectFaults(sim.RouteFlows,
		sim.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "3"},
		sim.Fault{Status: http.StatusBadRequest, Code: "1401", Message: "limit and count together"},
	)
	p.InjectFaults(sim.RouteFlows,
		sim.Fault{Status: http.StatusTooManyRequests},
		sim.Fault{Malformed: true},
		sim.Fault{Status: http.StatusBadGateway, Body: `{"custom":true}`},
	)

	res := s.get(path)
	mustStatus(t, res, http.StatusServiceUnavailable)
	if got := res.header.Get("Retry-After"); got != "3" {
		t.Errorf("Retry-After = %q, want 3", got)
	}
	if typ := res.object(t)["type"]; typ != "https://ns.adobe.com/aep/errors/FLOW-1103-503" {
		t.Errorf("first fault type = %v, want FLOW-1103-503", typ)
	}

	res = s.get(path)
	mustStatus(t, res, http.StatusBadRequest)
	body := res.object(t)
	if body["type"] != "https://ns.adobe.com/aep/errors/FLOW-1401-400" {
		t.Errorf("second fault type = %v, want FLOW-1401-400", body["type"])
	}
	if body["errorMessage"] != "limit and count together" {
		t.Errorf("second fault errorMessage = %v", body["errorMessage"])
	}

	res = s.get(path)
	mustStatus(t, res, http.StatusTooManyRequests)
	if code := res.object(t)["error_code"]; code != "429050" {
		t.Errorf("429 fault error_code = %v, want the gateway's 429050", code)
	}

	res = s.get(path)
	mustStatus(t, res, http.StatusOK)
	if json.Valid(res.body) {
		t.Errorf("malformed fault body %q is valid JSON", res.body)
	}

	res = s.get(path)
	mustStatus(t, res, http.StatusBadGateway)
	if string(res.body) != `{"custom":true}` {
		t.Errorf("body = %s, want the fault's body", res.body)
	}

	mustStatus(t, s.get(path), http.StatusOK)
	if n := p.Calls(sim.RouteFlows); n != 6 {
		t.Errorf("Calls = %d, want 6", n)
	}
	if n := p.Calls(sim.RouteFlow); n != 0 {
		t.Errorf("Calls of another route = %d, want 0", n)
	}
}

func TestFaultReset(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	p.InjectFaults(sim.RouteToken, sim.Fault{Reset: true})

	req, _ := http.NewRequest(http.MethodPost, p.IMSURL+"/ims/token/v3", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("request succeeded with status %d, want a connection error", res.StatusCode)
	}

	newSession(t, p) // the next call works again
}

func TestFaultShapesPerService(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	p.InjectFaults(sim.RouteToken, sim.Fault{Status: http.StatusServiceUnavailable})
	res := postForm(t, p.IMSURL+"/ims/token/v3", nil)
	mustStatus(t, res, http.StatusServiceUnavailable)
	if e := res.object(t)["error"]; e != "temporarily_unavailable" {
		t.Errorf("IMS fault error = %v", e)
	}

	p.InjectFaults(sim.RouteSchemas, sim.Fault{Status: http.StatusInternalServerError})
	res = s.getAccept("/data/foundation/schemaregistry/tenant/schemas", acceptSummary)
	mustStatus(t, res, http.StatusInternalServerError)
	if typ, _ := res.object(t)["type"].(string); !strings.Contains(typ, "/XDM-") {
		t.Errorf("Schema Registry fault type = %q, want an XDM code", typ)
	}

	p.InjectFaults(sim.RouteDatasets, sim.Fault{Status: http.StatusUnauthorized, Code: "401013"})
	res = s.get("/data/foundation/catalog/dataSets")
	mustStatus(t, res, http.StatusUnauthorized)
	body := res.object(t)
	if body["error_code"] != "401013" || body["message"] != "Oauth token is not valid" {
		t.Errorf("gateway fault body = %v", body)
	}
}

func TestLatencyHonoursCancel(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	p.SetLatency(time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.PlatformURL+"/data/foundation/flowservice/flows", nil)
	req.Header = s.headers()

	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()

	waitForCalls(t, p, sim.RouteFlows, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("request error = %v, want context.Canceled", err)
	}

	p.SetLatency(0)
	mustStatus(t, s.get("/data/foundation/flowservice/flows"), http.StatusOK)
}

func TestFaultDelayHonoursCancel(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	p.InjectFaults(sim.RouteFlows, sim.Fault{Delay: time.Hour, Status: http.StatusInternalServerError})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.PlatformURL+"/data/foundation/flowservice/flows", nil)
	req.Header = s.headers()

	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()

	waitForCalls(t, p, sim.RouteFlows, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("request error = %v, want context.Canceled", err)
	}

	// The cancelled call consumed the fault.
	mustStatus(t, s.get("/data/foundation/flowservice/flows"), http.StatusOK)
}

func TestDelayOnlyFaultPassesThrough(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	p.InjectFaults(sim.RouteFlows, sim.Fault{Delay: time.Millisecond})

	mustStatus(t, s.get("/data/foundation/flowservice/flows"), http.StatusOK)
}

// waitForCalls waits until the route has received n calls. The test's own
// timeout bounds the wait.
func waitForCalls(t *testing.T, p *sim.Platform, route string, n int) {
	t.Helper()
	for p.Calls(route) < n {
		time.Sleep(time.Millisecond)
	}
}

func TestCancelledCreateDuringDelayCreatesNothing(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	const delay = 200 * time.Millisecond
	p.InjectFaults(sim.RouteCreateSourceConnection, sim.Fault{Delay: delay})

	body := []byte(`{"name":"Cancelled source","providerId":"521eee4d-8cbe-4906-bb48-fb6bd4450033",` +
		`"connectionSpec":{"id":"96479064-7b8a-4d69-b9ed-21c5683837ea","version":"1.0"},"data":{"format":"json"}}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost,
		p.PlatformURL+"/data/foundation/flowservice/sourceConnections", bytes.NewReader(body))
	req.Header = s.headers()
	req.Header.Set("Content-Type", "application/json")

	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()

	waitForCalls(t, p, sim.RouteCreateSourceConnection, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("request error = %v, want context.Canceled", err)
	}

	// A real gateway drops a request whose client hung up; the simulator must not create it
	// once the delay is over.
	time.Sleep(2 * delay)
	if created := p.Inventory()["prod"].SourceConnections; len(created) != 0 {
		t.Errorf("source connections after a cancelled create = %v, want none", created)
	}
}
