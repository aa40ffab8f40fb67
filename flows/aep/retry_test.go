package aep

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

const sandboxesPattern = "GET /data/foundation/sandbox-management/"

func TestRetryTwo503ThenSuccess(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error_code": "503000", "message": "Service unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	var events []RetryEvent
	ctx := WithRetryObserver(context.Background(), func(e RetryEvent) { events = append(events, e) })

	got, err := env.client.ListSandboxes(ctx)
	if err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if len(got) != 1 || got[0].Name != "prod" {
		t.Errorf("sandboxes = %+v, want prod", got)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 3 {
		t.Errorf("gateway calls = %d, want 3", calls)
	}
	if len(events) != 2 {
		t.Fatalf("retry events = %d, want 2", len(events))
	}
	for i, e := range events {
		if e.Op != "ListSandboxes" {
			t.Errorf("event %d op = %q, want ListSandboxes", i, e.Op)
		}
		if e.Attempt != i+1 {
			t.Errorf("event %d attempt = %d, want %d", i, e.Attempt, i+1)
		}
		if e.MaxAttempts != DefaultMaxAttempts {
			t.Errorf("event %d max attempts = %d, want %d", i, e.MaxAttempts, DefaultMaxAttempts)
		}
		if CauseOf(e.Err) != CauseOther {
			t.Errorf("event %d cause = %q, want other", i, CauseOf(e.Err))
		}
	}
}

func TestRetryWaitsGrowAndVary(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxAttempts = 4 })
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})

	_, err := env.client.ListSandboxes(context.Background())
	if err == nil {
		t.Fatal("ListSandboxes succeeded, want an error")
	}

	waits := env.timers.Waits()
	if len(waits) != 3 {
		t.Fatalf("waits = %v, want 3", waits)
	}
	// Waits are 1 s, 2 s and 4 s, each varied by up to half.
	for i, base := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if waits[i] < base/2 || waits[i] > base*3/2 {
			t.Errorf("wait %d = %v, want within 50%% of %v", i, waits[i], base)
		}
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error_code": "429001", "message": "Too many requests"})
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	if _, err := env.client.ListSandboxes(context.Background()); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if waits := env.timers.Waits(); !slices.Equal(waits, []time.Duration{7 * time.Second}) {
		t.Errorf("waits = %v, want [7s]", waits)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			at := env.clock.Now().Add(12 * time.Second)
			w.Header().Set("Retry-After", at.Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	if _, err := env.client.ListSandboxes(context.Background()); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if waits := env.timers.Waits(); !slices.Equal(waits, []time.Duration{12 * time.Second}) {
		t.Errorf("waits = %v, want [12s]", waits)
	}
}

func TestRetryAfterCapped(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	if _, err := env.client.ListSandboxes(context.Background()); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if waits := env.timers.Waits(); !slices.Equal(waits, []time.Duration{maxRetryAfter}) {
		t.Errorf("waits = %v, want [%v]", waits, maxRetryAfter)
	}
}

func TestRetryStopsAtAttemptLimit(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxAttempts = 3 })
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-request-id", "req-500")
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error_code": "500000", "message": "Internal server error"})
	})

	_, err := env.client.ListSandboxes(context.Background())

	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", e.Attempts)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 3 {
		t.Errorf("gateway calls = %d, want 3", calls)
	}
	if e.Status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", e.Status)
	}
	if e.Cause != CauseOther {
		t.Errorf("cause = %q, want other", e.Cause)
	}
	if e.Code != "500000" {
		t.Errorf("code = %q, want 500000", e.Code)
	}
	if e.RequestID != "req-500" {
		t.Errorf("request id = %q, want req-500", e.RequestID)
	}
	if e.Op != "ListSandboxes" {
		t.Errorf("op = %q, want ListSandboxes", e.Op)
	}
}

func TestRetrySkipsClientErrors(t *testing.T) {
	env := newTestEnv(t)
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error_code": "403025", "message": "Profile is not valid"})
	})

	_, err := env.client.ListSandboxes(context.Background())
	if CauseOf(err) != CauseNotEntitled {
		t.Errorf("cause = %q, want %q", CauseOf(err), CauseNotEntitled)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 1 {
		t.Errorf("gateway calls = %d, want 1", calls)
	}
}

func TestRetryFlowCode1103(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle("GET /data/foundation/flowservice/flows/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, http.StatusServiceUnavailable, flowProblem(1103, 503, "Service unavailable"))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": []any{map[string]any{"id": r.PathValue("id"), "name": "f"}}})
	})

	f, err := env.client.Sandbox("dev").GetFlow(context.Background(), "flow-1")
	if err != nil {
		t.Fatalf("GetFlow: %v", err)
	}
	if f.ID != "flow-1" {
		t.Errorf("flow id = %q, want flow-1", f.ID)
	}
	if n.Load() != 2 {
		t.Errorf("calls = %d, want 2", n.Load())
	}
}

func TestRetryMalformedBody(t *testing.T) {
	env := newTestEnv(t)
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"sandboxes": [{"name": "pro`))
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	if _, err := env.client.ListSandboxes(context.Background()); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if n.Load() != 2 {
		t.Errorf("calls = %d, want 2", n.Load())
	}
}

func TestRetryTimeoutThenSuccess(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.RequestTimeout = 50 * time.Millisecond })
	var n atomic.Int32
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	var events []RetryEvent
	ctx := WithRetryObserver(context.Background(), func(e RetryEvent) { events = append(events, e) })
	if _, err := env.client.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if len(events) != 1 {
		t.Fatalf("retry events = %d, want 1", len(events))
	}
	if CauseOf(events[0].Err) != CauseTimeout {
		t.Errorf("retry cause = %q, want timeout", CauseOf(events[0].Err))
	}
}

func TestRetryCanceledContext(t *testing.T) {
	env := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})

	_, err := env.client.ListSandboxes(ctx)
	if CauseOf(err) != CauseCanceled {
		t.Errorf("cause = %q, want canceled (error %v)", CauseOf(err), err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 1 {
		t.Errorf("gateway calls = %d, want 1", calls)
	}
}

func TestRetryNetworkErrorStops(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxAttempts = 2 })
	env.gw.Close()

	_, err := env.client.ListSandboxes(context.Background())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Cause != CauseNetwork {
		t.Errorf("cause = %q, want network", e.Cause)
	}
	if e.Attempts != 2 {
		t.Errorf("attempts = %d, want 2", e.Attempts)
	}
}

// flowProblem returns a Flow Service problem body.
func flowProblem(code, status int, message string) map[string]any {
	return map[string]any{
		"type":   "https://ns.adobe.com/aep/errors/FLOW-" + strconv.Itoa(code) + "-" + strconv.Itoa(status),
		"title":  "Error",
		"status": status,
		"report": map[string]any{"detailed-message": message, "request-id": "flow-req-1"},
	}
}
