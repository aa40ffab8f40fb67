package benchmarks

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

// meter is an http.Handler that counts the requests it passes on to next and
// the most that next serves at once.
type meter struct {
	next http.Handler

	// observe, when set, is called with every request before next serves it.
	observe func(r *http.Request)

	mu          sync.Mutex
	requests    int
	inFlight    int
	maxInFlight int
}

func (m *meter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.requests++
	m.inFlight++
	m.maxInFlight = max(m.maxInFlight, m.inFlight)
	m.mu.Unlock()

	defer func() {
		m.mu.Lock()
		m.inFlight--
		m.mu.Unlock()
	}()

	if m.observe != nil {
		m.observe(r)
	}
	m.next.ServeHTTP(w, r)
}

// reset clears the counters between two measured runs.
func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests = 0
	m.maxInFlight = m.inFlight
}

// counts returns the requests served since the last reset and the most
// served at once.
func (m *meter) counts() (requests, maxInFlight int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests, m.maxInFlight
}

// env is a simulated platform whose gateway is reached through a meter.
type env struct {
	platform    *sim.Platform
	gateway     *meter
	platformURL string
}

// startEnv starts a simulated platform and a metered front server for its
// gateway, both on 127.0.0.1, and stops them when tb ends.
func startEnv(tb testing.TB, opts sim.Options) *env {
	tb.Helper()

	platform, err := sim.Start(opts)
	if err != nil {
		tb.Fatalf("sim.Start() error = %v", err)
	}
	tb.Cleanup(func() { _ = platform.Close() })

	gateway := &meter{next: platform.GatewayHandler()}
	front := httptest.NewServer(gateway)
	tb.Cleanup(front.Close)

	return &env{platform: platform, gateway: gateway, platformURL: front.URL}
}

// connectedClient returns a new Adobe client that already holds a token, as
// the wizard's client does once the credentials step has passed.
func (e *env) connectedClient(tb testing.TB) *aep.Client {
	tb.Helper()

	credential := e.platform.Credential()
	client, err := aep.New(aep.Config{
		IMSURL:      e.platform.IMSURL,
		PlatformURL: e.platformURL,
		Credentials: aep.Credentials{
			ClientID:     credential.ClientID,
			ClientSecret: credential.ClientSecret,
			OrgID:        credential.OrgID,
			Scopes:       credential.Scopes,
		},
	})
	if err != nil {
		tb.Fatalf("aep.New() error = %v", err)
	}

	if err := client.Connect(context.Background()); err != nil {
		tb.Fatalf("Connect() error = %v", err)
	}
	return client
}

// sandbox returns the sandbox named name as the client lists it.
func sandbox(tb testing.TB, client *aep.Client, name string) aep.Sandbox {
	tb.Helper()

	sandboxes, err := client.ListSandboxes(context.Background())
	if err != nil {
		tb.Fatalf("ListSandboxes() error = %v", err)
	}
	for _, s := range sandboxes {
		if s.Name == name {
			return s
		}
	}
	tb.Fatalf("sandbox %q not found in %v", name, sandboxes)
	return aep.Sandbox{}
}

// callCounts returns how many calls each route has received so far.
func callCounts(platform *sim.Platform, routes []string) map[string]int {
	counts := make(map[string]int, len(routes))
	for _, route := range routes {
		counts[route] = platform.Calls(route)
	}
	return counts
}

// callsSince returns the calls each route received after before was taken,
// leaving out routes without any.
func callsSince(platform *sim.Platform, before map[string]int) map[string]int {
	calls := make(map[string]int)
	for route, n := range before {
		if d := platform.Calls(route) - n; d > 0 {
			calls[route] = d
		}
	}
	return calls
}
