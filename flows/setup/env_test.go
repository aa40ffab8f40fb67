package setup

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

// Test timing. Retries wait on an instant timer, so only timeouts take
// real time: each timed-out attempt costs testRequestTimeout.
const (
	testMaxAttempts    = 3
	testRequestTimeout = 250 * time.Millisecond
	testPollInterval   = time.Millisecond
	testPollTimeout    = 50 * time.Millisecond
)

// instantTimer is an aep.Timer that fires at once, so retries cost no time.
type instantTimer struct {
	c chan time.Time
}

func newInstantTimer() aep.Timer {
	return &instantTimer{c: make(chan time.Time, 1)}
}

func (t *instantTimer) Start(time.Duration) {
	select {
	case t.c <- time.Time{}:
	default:
	}
}

func (t *instantTimer) Stop() {}

func (t *instantTimer) C() <-chan time.Time { return t.c }

// testEnv is a simulated platform reached through a front server that can
// hold a fault on a route for as long as a test wants.
type testEnv struct {
	platform *sim.Platform
	front    *faultFront
	imsURL   string
	gwURL    string
	dir      string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()

	platform, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatalf("sim.Start() error = %v", err)
	}
	t.Cleanup(func() { _ = platform.Close() })

	front := newFaultFront(platform)
	ims := httptest.NewServer(front.wrap(platform.IMSHandler()))
	t.Cleanup(ims.Close)
	gateway := httptest.NewServer(front.wrap(platform.GatewayHandler()))
	t.Cleanup(gateway.Close)

	return &testEnv{
		platform: platform,
		front:    front,
		imsURL:   ims.URL,
		gwURL:    gateway.URL,
		dir:      t.TempDir(),
	}
}

// client returns a new Adobe client, as a new process would make.
func (e *testEnv) client(t *testing.T) *aep.Client {
	t.Helper()
	return e.clientWithTimeout(t, testRequestTimeout)
}

// clientWithTimeout returns a new Adobe client whose attempts time out
// after requestTimeout.
func (e *testEnv) clientWithTimeout(t *testing.T, requestTimeout time.Duration) *aep.Client {
	t.Helper()

	credential := e.platform.Credential()
	client, err := aep.New(aep.Config{
		IMSURL:      e.imsURL,
		PlatformURL: e.gwURL,
		Credentials: aep.Credentials{
			ClientID:     credential.ClientID,
			ClientSecret: credential.ClientSecret,
			OrgID:        credential.OrgID,
			Scopes:       credential.Scopes,
		},
		MaxAttempts:    testMaxAttempts,
		RequestTimeout: requestTimeout,
		NewTimer:       newInstantTimer,
	})
	if err != nil {
		t.Fatalf("aep.New() error = %v", err)
	}
	return client
}

// runner returns a new Runner with a new client on the env's journal folder.
func (e *testEnv) runner(t *testing.T) *Runner {
	return &Runner{
		Client:       e.client(t),
		JournalDir:   e.dir,
		Logger:       testLogger(t),
		PollInterval: testPollInterval,
		PollTimeout:  testPollTimeout,
	}
}

// sandbox returns the sandbox named name as the platform lists it.
func (e *testEnv) sandbox(t *testing.T, name string) aep.Sandbox {
	t.Helper()

	sandboxes, err := e.client(t).ListSandboxes(context.Background())
	if err != nil {
		t.Fatalf("ListSandboxes() error = %v", err)
	}
	for _, s := range sandboxes {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("sandbox %q not found in %v", name, sandboxes)
	return aep.Sandbox{}
}

// faultFront sits in front of the simulated services. While a route is
// held faulty, it queues one simulator fault right before each call of the
// route, so the fault lasts until the test releases it.
type faultFront struct {
	platform *sim.Platform
	routes   *http.ServeMux

	mu    sync.Mutex
	held  map[string]sim.Fault
	gates map[string]chan struct{}
}

// frontRoutes are the routes a front can hold faulty.
var frontRoutes = []string{
	sim.RouteToken,
	sim.RouteStats,
	sim.RouteConnectionSpec,
	sim.RouteCreateFieldGroup,
	sim.RouteCreateSchema,
	sim.RouteCreateDataset,
	sim.RouteValidateMappingSet,
	sim.RouteCreateMappingSet,
	sim.RouteCreateSourceConnection,
	sim.RouteCreateTargetConnection,
	sim.RouteCreateFlow,
	sim.RouteFlow,
	sim.RouteDeleteDataset,
}

func newFaultFront(platform *sim.Platform) *faultFront {
	f := &faultFront{platform: platform, routes: http.NewServeMux(), held: map[string]sim.Fault{}, gates: map[string]chan struct{}{}}
	for _, route := range frontRoutes {
		f.routes.Handle(route, http.NotFoundHandler())
	}
	return f
}

func (f *faultFront) hold(route string, fault sim.Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.held[route] = fault
}

func (f *faultFront) release(route string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.held, route)
}

// gate holds every call of the route until the returned release is called.
func (f *faultFront) gate(route string) (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.gates[route] = gate
	f.mu.Unlock()

	var once sync.Once
	return func() { once.Do(func() { close(gate) }) }
}

func (f *faultFront) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// net/http notices a closed client connection, and cancels the
		// request context, only once the request body has been read. Reading
		// it here lets a held call end when the client times out, instead of
		// running on and creating a resource after the client gave up.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))

		if _, route := f.routes.Handler(r); route != "" {
			f.mu.Lock()
			fault, ok := f.held[route]
			gate := f.gates[route]
			f.mu.Unlock()

			if gate != nil {
				select {
				case <-gate:
				case <-r.Context().Done():
					return
				}
			}
			if ok {
				f.platform.InjectFaults(route, fault)
			}
		}
		next.ServeHTTP(w, r)
	})
}
