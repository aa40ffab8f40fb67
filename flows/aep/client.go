package aep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults for Config.
const (
	// DefaultMaxAttempts bounds the attempts of one call, first try included.
	DefaultMaxAttempts = 4

	// DefaultRequestTimeout bounds one attempt. Schema lookups of big
	// schemas and dataset pages of 100 stay well under it.
	DefaultRequestTimeout = 30 * time.Second
)

// ErrInvalidConfig is wrapped by the errors New returns.
var ErrInvalidConfig = errors.New("aep: invalid config")

// New checks cfg, fills in its defaults and returns a Client. It makes no
// request; Connect fetches the first token.
func New(cfg Config) (*Client, error) {
	if cfg.IMSURL == "" {
		cfg.IMSURL = DefaultIMSURL
	}
	if cfg.PlatformURL == "" {
		cfg.PlatformURL = DefaultPlatformURL
	}

	ims, err := parseServiceURL("IMS", cfg.IMSURL)
	if err != nil {
		return nil, err
	}
	gw, err := parseServiceURL("Platform", cfg.PlatformURL)
	if err != nil {
		return nil, err
	}

	cfg.Credentials.ClientID = strings.TrimSpace(cfg.Credentials.ClientID)
	cfg.Credentials.ClientSecret = strings.TrimSpace(cfg.Credentials.ClientSecret)
	cfg.Credentials.OrgID = strings.TrimSpace(cfg.Credentials.OrgID)
	cfg.Credentials.Scopes = NormalizeScopes(cfg.Credentials.Scopes)

	switch {
	case cfg.Credentials.ClientID == "":
		return nil, fmt.Errorf("%w: client ID is missing", ErrInvalidConfig)
	case cfg.Credentials.ClientSecret == "":
		return nil, fmt.Errorf("%w: client secret is missing", ErrInvalidConfig)
	case cfg.Credentials.OrgID == "":
		return nil, fmt.Errorf("%w: org ID is missing", ErrInvalidConfig)
	case cfg.Credentials.Scopes == "":
		return nil, fmt.Errorf("%w: scopes are missing", ErrInvalidConfig)
	}

	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.NewTimer == nil {
		cfg.NewTimer = func() Timer { return &realTimer{} }
	}
	if cfg.Secrets != nil {
		cfg.Secrets.Add(cfg.Credentials.ClientSecret)
	}

	c := &Client{
		cfg:  cfg,
		ims:  ims,
		gw:   gw,
		http: cfg.HTTPClient,
		log:  cfg.Logger,
	}
	c.tenants = make(map[string]string)
	c.tokens = newTokenSource(c)
	return c, nil
}

// parseServiceURL parses a base URL and rejects plain HTTP to any host but
// a loopback address, so credentials and tokens only travel in clear text
// to the simulator on this machine.
func parseServiceURL(service, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s URL %q: %v", ErrInvalidConfig, service, raw, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: %s URL %q has no host", ErrInvalidConfig, service, raw)
	}

	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if isLoopback(u.Hostname()) {
			return u, nil
		}
		return nil, fmt.Errorf("%w: %s URL %q must use https unless the host is a loopback address", ErrInvalidConfig, service, raw)
	default:
		return nil, fmt.Errorf("%w: %s URL %q must use https", ErrInvalidConfig, service, raw)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// NormalizeScopes splits s on commas, spaces and newlines, trims the parts,
// drops empty and duplicate ones and joins the rest with commas, keeping
// the first occurrence of each in order.
func NormalizeScopes(s string) string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})

	seen := make(map[string]bool, len(parts))
	kept := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		kept = append(kept, p)
	}
	return strings.Join(kept, ",")
}

// Connect fetches an access token, or refreshes the cached one when less
// than ten minutes of it remain. Other calls do the same on their own, so
// Connect only serves to check the credential up front.
func (c *Client) Connect(ctx context.Context) error {
	_, err := c.tokens.get(ctx)
	return err
}

// Sandbox returns a client for the sandbox with the technical name name,
// e.g. "prod". It makes no request.
func (c *Client) Sandbox(name string) *SandboxClient {
	return &SandboxClient{c: c, name: name}
}

// Name returns the sandbox's technical name.
func (s *SandboxClient) Name() string {
	return s.name
}

// tenantCache keeps the tenant ID per sandbox; it never changes.
type tenantCache struct {
	mu      sync.Mutex
	tenants map[string]string
}

// realTimer is the default Timer, a wrapper of time.Timer.
type realTimer struct {
	t *time.Timer
}

func (r *realTimer) Start(d time.Duration) {
	if r.t == nil {
		r.t = time.NewTimer(d)
		return
	}
	r.t.Reset(d)
}

func (r *realTimer) Stop() {
	if r.t != nil {
		r.t.Stop()
	}
}

func (r *realTimer) C() <-chan time.Time {
	return r.t.C
}
