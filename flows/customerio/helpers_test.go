package customerio_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
)

const (
	usKey      = "us-app-api-key-0123456789abcdef"
	euKey      = "eu-app-api-key-fedcba9876543210"
	signingKey = "reporting-webhook-signing-key-42"
	flowID     = "4982698b-1111-4222-8333-944455556666"
	olderFlow  = "11111111-2222-4333-8444-555566667777"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// instantTimer fires at once and moves a fake clock by the wait instead of sleeping.
type instantTimer struct {
	clock *fakeClock
	c     chan time.Time
	waits *[]time.Duration
	mu    *sync.Mutex
}

func (t *instantTimer) Start(d time.Duration) {
	t.mu.Lock()
	*t.waits = append(*t.waits, d)
	t.mu.Unlock()
	if t.clock != nil {
		t.clock.Advance(d)
	}
	t.c <- time.Time{}
}

func (t *instantTimer) Stop() {}

func (t *instantTimer) C() <-chan time.Time { return t.c }

// retryTimers makes instantTimers and records every wait they were asked for.
type retryTimers struct {
	clock *fakeClock
	mu    sync.Mutex
	waits []time.Duration
}

func (r *retryTimers) New() backoff.Timer {
	return &instantTimer{clock: r.clock, c: make(chan time.Time, 1), waits: &r.waits, mu: &r.mu}
}

func (r *retryTimers) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// inletPost is one request the fake inlet received.
type inletPost struct {
	Path, FlowID          string
	ContentType           string
	Timestamp, Signature  string
	Body                  []byte
	WebhookDisabledOnPost bool
}

// fakeInlet responds like Adobe's streaming inlet: 200 with inletId, xactionId and
// receivedTimeMs, or a 400 with Adobe's error body for the object types it rejects.
type fakeInlet struct {
	*httptest.Server

	// Reject maps an object_type to the reason the inlet rejects it with.
	Reject map[string]string

	// BeforeResponse, when set, runs before the inlet responds, e.g. to move a clock
	// or to block.
	BeforeResponse func(r *http.Request)

	// WebhookDisabled, when set, reports the webhook's state at the time of a post.
	WebhookDisabled func() bool

	mu    sync.Mutex
	posts []inletPost
}

func startInlet(t *testing.T) *fakeInlet {
	t.Helper()
	inlet := &fakeInlet{Reject: map[string]string{}}
	inlet.Server = httptest.NewServer(http.HandlerFunc(inlet.serve))
	t.Cleanup(inlet.Close)
	return inlet
}

func (f *fakeInlet) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	post := inletPost{
		Path:        r.URL.Path,
		FlowID:      r.URL.Query().Get("x-adobe-flow-id"),
		ContentType: r.Header.Get("Content-Type"),
		Timestamp:   r.Header.Get(customerio.HeaderTimestamp),
		Signature:   r.Header.Get(customerio.HeaderSignature),
		Body:        body,
	}
	if f.WebhookDisabled != nil {
		post.WebhookDisabledOnPost = f.WebhookDisabled()
	}
	f.mu.Lock()
	f.posts = append(f.posts, post)
	f.mu.Unlock()

	if f.BeforeResponse != nil {
		f.BeforeResponse(r)
	}

	var event struct {
		ObjectType string `json:"object_type"`
	}
	_ = json.Unmarshal(body, &event)
	w.Header().Set("Content-Type", "application/json")

	if reason, ok := f.Reject[event.ObjectType]; ok {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"type":   "https://ns.adobe.com/adobecloud/problem/data-collection-service",
			"status": 400,
			"title":  "Bad Request",
			"report": map[string]string{"message": reason},
		})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"inletId":        "e75dcb5247eb65e7385df30270192e80b145566f52ed74d570505bd2e82463f3",
		"xactionId":      "1768900000000:1234:" + event.ObjectType,
		"receivedTimeMs": 1768900000000,
	})
}

func (f *fakeInlet) Posts() []inletPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]inletPost(nil), f.posts...)
}

// WebhookURL returns the inlet's webhook URL for a dataflow.
func (f *fakeInlet) WebhookURL(flow string) string {
	return f.URL + "/collection/e75dcb5247eb65e7385df30270192e80b145566f52ed74d570505bd2e82463f3?x-adobe-flow-id=" + flow
}

// startSim starts ciosim with one US key and one EU key. The simulator runs on a fake
// clock that only the returned retry timers move, so the rate limit does not depend
// on how fast the machine is.
func startSim(t *testing.T, opts ciosim.Options) (*ciosim.Sim, *retryTimers) {
	t.Helper()
	timers := &retryTimers{clock: newFakeClock()}
	if opts.Now == nil {
		opts.Now = timers.clock.Now
	}
	sim, err := ciosim.Start(opts)
	if err != nil {
		t.Fatalf("start ciosim: %v", err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	sim.AddKey(usKey, ciosim.US)
	sim.AddKey(euKey, ciosim.EU)
	return sim, timers
}

// testClient returns a client for sim whose retries never sleep and whose debug
// log goes to the returned buffer.
func testClient(t *testing.T, sim *ciosim.Sim, key string, region customerio.Region, timers *retryTimers) (*customerio.Client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	client, err := customerio.NewClient(customerio.Options{
		Region:     region,
		APIKey:     key,
		BaseURLs:   map[customerio.Region]string{customerio.RegionUS: sim.USURL, customerio.RegionEU: sim.EUURL},
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RetryTimer: timers.New,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client, logs
}

// testSender returns a sender with the test signing key that logs into logs.
func testSender(logs io.Writer, opts customerio.SenderOptions) *customerio.Sender {
	opts.SigningKey = signingKey
	if logs != nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return customerio.NewSender(opts)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// onlyWebhook returns the single webhook of key's workspace.
func onlyWebhook(t *testing.T, sim *ciosim.Sim, key string) ciosim.Webhook {
	t.Helper()
	hooks := sim.Webhooks(key)
	if len(hooks) != 1 {
		t.Fatalf("workspace has %d webhooks, want 1: %+v", len(hooks), hooks)
	}
	return hooks[0]
}

func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(text, secret) {
			t.Errorf("%s contains a secret: %q", where, text)
		}
	}
}
