// Package ciosim simulates Customer.io's App API for reporting webhooks, with one
// listener per region on 127.0.0.1, and plays Customer.io's webhook sender. Tests
// and demo mode use it in place of the real service.
//
// Keys belong to one region and one workspace each. A key used in the other region
// gets a 401 or, when configured, Customer.io's 301 "wrong datacenter" response. More
// than the rate limit of requests per second from one key get a 429.
package ciosim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Region is a Customer.io data center.
type Region string

// The two regions. Each has its own listener.
const (
	US Region = "us"
	EU Region = "eu"
)

// WrongRegionMode selects the simulator's response to a key used in the other region.
type WrongRegionMode int

const (
	// WrongRegionUnauthorized responds 401, as for an unknown key.
	WrongRegionUnauthorized WrongRegionMode = iota

	// WrongRegionRedirect responds 301 with a Location in the key's region and the
	// body {"errors":[{"detail":"wrong datacenter","status":"301"}]}.
	//
	// NOTE: unconfirmed. Customer.io does not document which of the two responses a
	// wrong-region App API key gets; this body comes from a third-party report.
	WrongRegionRedirect
)

// DefaultRateLimit is Customer.io's documented App API limit, in requests per second.
const DefaultRateLimit = 10

// Route names, "METHOD /path/template", for InjectFaults and Calls.
const (
	RouteList   = "GET /v1/reporting_webhooks"
	RouteCreate = "POST /v1/reporting_webhooks"
	RouteGet    = "GET /v1/reporting_webhooks/{webhook_id}"
	RouteUpdate = "PUT /v1/reporting_webhooks/{webhook_id}"
	RouteDelete = "DELETE /v1/reporting_webhooks/{webhook_id}"
)

// Options configures a simulator.
type Options struct {
	// Now returns the current time, for the rate limit and the sender's timestamps.
	// The default is time.Now.
	Now func() time.Time

	// Logger receives one record per request. Keys are never logged. The default
	// discards everything.
	Logger *slog.Logger

	// WrongRegion selects the response to a key used in the other region.
	WrongRegion WrongRegionMode

	// RateLimit is the number of requests per second one key may make; 0 means
	// DefaultRateLimit and a negative value turns the limit off.
	RateLimit int

	// HTTPClient sends SendFixtures' events; the default has no overall timeout
	// because every event gets Customer.io's 4-second one.
	HTTPClient *http.Client
}

// Fault replaces the response to one request of a route.
type Fault struct {
	// Status is the HTTP status of the response.
	Status int

	// Body is sent as is; empty means no body.
	Body string

	// Header is added to the response, for example a Location.
	Header map[string]string

	// Delay waits before responding, or until the request is cancelled.
	Delay time.Duration
}

// Sim is a running simulator.
type Sim struct {
	// USURL and EUURL are the App API base URLs of the two regions, without a
	// trailing slash, e.g. "http://127.0.0.1:41234".
	USURL, EUURL string

	now    func() time.Time
	log    *slog.Logger
	http   *http.Client
	limit  int
	server map[Region]*http.Server

	// inflight counts running handlers, so Close can wait for them. closing, under
	// inflightMu, stops new handlers from joining once Close waits, because a WaitGroup
	// must not gain members while Wait runs.
	inflight   sync.WaitGroup
	inflightMu sync.Mutex
	closing    bool

	mu          sync.Mutex
	wrongRegion WrongRegionMode
	keys        map[string]Region
	workspaces  map[string]*workspace
	nextID      int64
	recent      map[string][]time.Time
	faults      map[routeKey][]Fault
	calls       map[routeKey]int
}

type routeKey struct {
	region Region
	route  string
}

// Start starts one listener per region on 127.0.0.1 with a random port.
func Start(opts Options) (*Sim, error) {
	s := &Sim{
		now:         opts.Now,
		log:         opts.Logger,
		http:        opts.HTTPClient,
		limit:       opts.RateLimit,
		server:      make(map[Region]*http.Server, 2),
		wrongRegion: opts.WrongRegion,
		keys:        make(map[string]Region),
		workspaces:  make(map[string]*workspace),
		recent:      make(map[string][]time.Time),
		faults:      make(map[routeKey][]Fault),
		calls:       make(map[routeKey]int),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "ciosim")
	if s.http == nil {
		s.http = &http.Client{}
	}
	if s.limit == 0 {
		s.limit = DefaultRateLimit
	}

	for _, region := range []Region{US, EU} {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("ciosim: listen for region %s: %w", region, err)
		}

		server := &http.Server{Handler: s.handler(region), ReadHeaderTimeout: 10 * time.Second}
		s.server[region] = server
		url := "http://" + listener.Addr().String()
		if region == US {
			s.USURL = url
		} else {
			s.EUURL = url
		}

		go func() {
			if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("simulated App API stopped", "region", region, "error", err)
			}
		}()
	}

	s.log.Info("simulated Customer.io App API started", "us_url", s.USURL, "eu_url", s.EUURL)
	return s, nil
}

// Close stops both listeners, ends open requests and waits for their handlers to
// return.
func (s *Sim) Close() error {
	var errs []error
	s.inflightMu.Lock()
	s.closing = true
	s.inflightMu.Unlock()

	for _, server := range s.server {
		errs = append(errs, server.Close())
	}
	s.inflight.Wait()
	return errors.Join(errs...)
}

// URL returns the base URL of region.
func (s *Sim) URL(region Region) string {
	if region == EU {
		return s.EUURL
	}
	return s.USURL
}

// AddKey registers an App API key with its own workspace in region. Adding a known
// key again moves it to region and keeps its webhooks.
func (s *Sim) AddKey(key string, region Region) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.keys[key] = region
	if s.workspaces[key] == nil {
		s.workspaces[key] = &workspace{webhooks: make(map[int64]Webhook)}
	}
}

// SetWrongRegionMode changes the response to a key used in the other region.
func (s *Sim) SetWrongRegionMode(mode WrongRegionMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wrongRegion = mode
}

// InjectFaults queues faults for route in region. Each request of that route takes
// the next one instead of its normal response, before any key check.
func (s *Sim) InjectFaults(region Region, route string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := routeKey{region, route}
	s.faults[key] = append(s.faults[key], faults...)
}

// Calls returns how many requests route received in region, including faulted and rejected ones.
func (s *Sim) Calls(region Region, route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[routeKey{region, route}]
}

// Webhooks returns the reporting webhooks of key's workspace, ordered by ID.
func (s *Sim) Webhooks(key string) []Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()

	ws := s.workspaces[key]
	if ws == nil {
		return nil
	}
	return ws.list()
}

// takeFault counts a call and returns the next queued fault of the route, if any.
func (s *Sim) takeFault(region Region, route string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	key := routeKey{region, route}
	s.calls[key]++
	queue := s.faults[key]
	if len(queue) == 0 {
		return Fault{}, false
	}
	s.faults[key] = queue[1:]
	return queue[0], true
}

// admit applies the rate limit to key: at most s.limit requests in any one-second
// window. Rejected requests do not count.
func (s *Sim) admit(key string) bool {
	if s.limit < 0 {
		return true
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	now := s.now()
	windowStart := now.Add(-time.Second)
	recent := s.recent[key]
	kept := recent[:0]
	for _, t := range recent {
		if t.After(windowStart) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= s.limit {
		s.recent[key] = kept
		return false
	}
	s.recent[key] = append(kept, now)
	return true
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
