// Package sim simulates Adobe IMS, the Adobe Experience Platform gateway and the
// streaming inlet on 127.0.0.1, for tests, benchmarks and the wizard's demo mode.
//
// Each service listens on its own port, like the real hosts. The simulator checks
// headers the way the gateway does, returns the documented status codes and
// error bodies, pages lists like each service, keeps every resource in memory and
// accepts per-route fault and latency injection.
package sim

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configures a simulated platform. The zero value is ready to use.
type Options struct {
	// Datasets and Schemas are how many extra generated datasets and schemas the
	// sandbox "prod" contains, on top of the seeded ones, for scale tests.
	Datasets, Schemas int

	// TokenLifetime is how long an issued access token stays valid (default 24h).
	// IMS returns it as expires_in in seconds.
	TokenLifetime time.Duration

	// Now returns the current time (default time.Now). Tests inject a fake clock.
	Now func() time.Time

	// Logger receives a debug record per call and info records for created
	// resources, rejected calls and injected faults. No token or secret is logged.
	Logger *slog.Logger
}

// Credential is an Adobe Developer Console credential as the user copies it.
type Credential struct {
	ClientID     string
	ClientSecret string
	OrgID        string
	Scopes       string
}

// Platform is a running simulated Adobe platform. Its methods are safe for
// concurrent use.
type Platform struct {
	// IMSURL, PlatformURL and InletURL are base URLs without a trailing slash,
	// for example "http://127.0.0.1:41234".
	IMSURL      string
	PlatformURL string
	InletURL    string

	log *slog.Logger
	now func() time.Time

	ims     http.Handler
	gateway http.Handler
	inlet   http.Handler

	servers []*http.Server

	// routes lists every route name the handlers serve. It is written once,
	// before Start returns.
	routes map[string]bool

	mu    sync.Mutex
	state *state
}

// Start seeds a simulated organization and serves IMS, the Platform gateway and
// the streaming inlet, each on its own listener on 127.0.0.1 with a random port.
func Start(opts Options) (*Platform, error) {
	p := newPlatform(opts)

	urls := make([]string, 3)
	for i, handler := range []http.Handler{p.ims, p.gateway, p.inlet} {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			_ = p.Close()
			return nil, err
		}

		server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		p.servers = append(p.servers, server)
		urls[i] = "http://" + listener.Addr().String()

		go func() {
			if err := server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				p.log.Error("simulated service stopped", "url", urls[i], "error", err)
			}
		}()
	}

	p.IMSURL, p.PlatformURL, p.InletURL = urls[0], urls[1], urls[2]
	p.log.Info("simulated platform started", "ims", p.IMSURL, "platform", p.PlatformURL, "inlet", p.InletURL)
	return p, nil
}

// newPlatform seeds the state and builds the three handlers. Start then
// gives each handler its listener.
func newPlatform(opts Options) *Platform {
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	p := &Platform{
		log:    opts.Logger,
		now:    opts.Now,
		routes: map[string]bool{},
	}
	p.state = seed(opts)
	p.ims = p.newIMSHandler()
	p.gateway = p.newGatewayHandler()
	p.inlet = p.newInletHandler()
	return p
}

// Close stops the three listeners and drops open connections.
func (p *Platform) Close() error {
	var errs []error
	for _, server := range p.servers {
		errs = append(errs, server.Close())
	}
	p.log.Info("simulated platform stopped")
	return errors.Join(errs...)
}

// IMSHandler returns the handler behind IMSURL.
func (p *Platform) IMSHandler() http.Handler { return p.ims }

// GatewayHandler returns the handler behind PlatformURL.
func (p *Platform) GatewayHandler() http.Handler { return p.gateway }

// InletHandler returns the handler behind InletURL.
func (p *Platform) InletHandler() http.Handler { return p.inlet }
