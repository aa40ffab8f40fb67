package aep

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "test-client-id"
	testClientSecret = "p8e-TESTSECRET-do-not-log"
	testOrgID        = "0123456789ABCDEF01234567@AdobeOrg"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// fakeTimers records every wait the client asks for and fires at once.
type fakeTimers struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeTimers) New() Timer {
	return &fakeTimer{owner: f, c: make(chan time.Time, 1)}
}

func (f *fakeTimers) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

type fakeTimer struct {
	owner *fakeTimers
	c     chan time.Time
}

func (t *fakeTimer) Start(d time.Duration) {
	t.owner.mu.Lock()
	t.owner.waits = append(t.owner.waits, d)
	t.owner.mu.Unlock()
	t.c <- time.Time{}
}

func (t *fakeTimer) Stop() {}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

// fakeIMS is an IMS token endpoint that counts requests and issues numbered
// tokens.
type fakeIMS struct {
	*httptest.Server
	requests atomic.Int32
	lifetime time.Duration

	mu     sync.Mutex
	tokens []string
	form   map[string][]string
}

func newFakeIMS(t *testing.T) *fakeIMS {
	f := &fakeIMS{lifetime: 24 * time.Hour}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.requests.Add(1)
		if err := r.ParseForm(); err != nil {
			t.Errorf("token request form: %v", err)
		}

		f.mu.Lock()
		tok := "eyJhbGciOi.fake-access-token-" + string(rune('A'+n-1)) + ".sig"
		f.tokens = append(f.tokens, tok)
		f.form = r.PostForm
		f.mu.Unlock()

		writeJSON(w, http.StatusOK, map[string]any{
			"access_token": tok,
			"token_type":   "bearer",
			"expires_in":   int(f.lifetime / time.Second),
		})
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeIMS) Tokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}

func (f *fakeIMS) LastToken() string {
	tokens := f.Tokens()
	if len(tokens) == 0 {
		return ""
	}
	return tokens[len(tokens)-1]
}

// fakeGateway is a Platform gateway whose routes the test registers.
type fakeGateway struct {
	*httptest.Server
	mux *http.ServeMux

	mu    sync.Mutex
	calls map[string]int
}

func newFakeGateway(t *testing.T) *fakeGateway {
	g := &fakeGateway{mux: http.NewServeMux(), calls: make(map[string]int)}
	g.Server = httptest.NewServer(g.mux)
	t.Cleanup(g.Close)
	return g
}

// Handle registers h for a ServeMux pattern such as "GET /data/x" and
// counts its calls.
func (g *fakeGateway) Handle(pattern string, h http.HandlerFunc) {
	g.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.calls[pattern]++
		g.mu.Unlock()
		h(w, r)
	})
}

func (g *fakeGateway) Calls(pattern string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[pattern]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type testEnv struct {
	ims    *fakeIMS
	gw     *fakeGateway
	clock  *fakeClock
	timers *fakeTimers
	client *Client
}

func newTestEnv(t *testing.T, configure ...func(*Config)) *testEnv {
	t.Helper()
	env := &testEnv{ims: newFakeIMS(t), gw: newFakeGateway(t), clock: newFakeClock(), timers: &fakeTimers{}}

	cfg := Config{
		IMSURL:      env.ims.URL,
		PlatformURL: env.gw.URL,
		Credentials: Credentials{
			ClientID:     testClientID,
			ClientSecret: testClientSecret,
			OrgID:        testOrgID,
			Scopes:       DefaultScopes,
		},
		Now:            env.clock.Now,
		NewTimer:       env.timers.New,
		RequestTimeout: 5 * time.Second,
	}
	for _, f := range configure {
		f(&cfg)
	}

	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	env.client = c
	return env
}

// sandboxesBody returns a sandbox list page.
func sandboxesBody(names ...string) map[string]any {
	var list []map[string]any
	for _, n := range names {
		list = append(list, map[string]any{"name": n, "title": n, "type": "development", "state": "active"})
	}
	return map[string]any{"sandboxes": list, "_page": map[string]int{"limit": 50, "count": len(list)}}
}
