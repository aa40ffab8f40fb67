package customerio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/cioaep/setup/flows/redact"
)

// Retry defaults. Customer.io allows 10 App API requests per second and documents no
// Retry-After header, so a 429 waits about 1 s, then 2 s, 4 s and 8 s.
const (
	defaultMaxRetries     = 4
	defaultRequestTimeout = 30 * time.Second
	retryInitialInterval  = time.Second
	retryMaxInterval      = 8 * time.Second
	retryMultiplier       = 2
	retryRandomization    = 0.3
	maxResponseBodyBytes  = 1 << 20
	userAgent             = "cio-aep-setup"
	reportingWebhooksPath = "/v1/reporting_webhooks"

	// wrongDatacenterMessage is the errors[].detail of Customer.io's redirect for a
	// key of the other region.
	// NOTE: unconfirmed. It comes from a third-party report of a 301 with the body
	// {"errors":[{"detail":"wrong datacenter","status":"301"}]}; Customer.io
	// documents no such response.
	wrongDatacenterMessage = "wrong datacenter"
)

// Options configures a Client.
type Options struct {
	// Region is the region the App API key is expected to work in. The default is
	// RegionUS.
	Region Region

	// APIKey is the App API key, sent as a bearer token. Required. It never appears
	// in a log line or an error text.
	APIKey string

	// BaseURLs overrides Customer.io's App API base URL per region, for the simulator.
	// Only Customer.io API hosts and loopback addresses are accepted.
	BaseURLs map[Region]string

	// HTTPClient sends the requests. The client uses a copy that never follows
	// redirects. The default has a 30-second timeout.
	HTTPClient *http.Client

	// Logger receives request, retry and error records; the client wraps it so that
	// the key is scrubbed. The default discards everything. The records carry no
	// dataflow ID, so a caller working on one dataflow adds it with Logger.With.
	Logger *slog.Logger

	// Secrets, when set, is the app's shared set of secret values; the key is added.
	Secrets *redact.Secrets

	// MaxRetries bounds the retries of one call after a 429, a 5xx or a network error.
	// Zero means the default of 4; a negative value disables retries.
	MaxRetries int

	// RetryTimer makes the timer that waits between retries, so tests need not sleep.
	// The default uses real time.
	RetryTimer func() backoff.Timer

	// OnRegionChange is called after the client moved to the other region, so the app
	// can remember the key's region. It must not call back into the client.
	OnRegionChange func(from, to Region)
}

// Client calls Customer.io's App API about reporting webhooks. It is safe for
// concurrent use.
type Client struct {
	apiKey         string
	baseURLs       map[Region]*url.URL
	http           *http.Client
	log            *slog.Logger
	secrets        *redact.Secrets
	maxRetries     int
	newTimer       func() backoff.Timer
	onRegionChange func(from, to Region)

	// callerLog is Options.Logger as given, for the default Sender, which adds the
	// component attribute itself.
	callerLog *slog.Logger

	mu     sync.Mutex
	region Region
}

// NewClient checks opts and returns a client. It sends no request.
func NewClient(opts Options) (*Client, error) {
	if strings.TrimSpace(opts.APIKey) == "" {
		return nil, &InputError{Field: "App API key", Value: "", Reason: "missing"}
	}

	region := opts.Region
	if region == "" {
		region = RegionUS
	}
	if !region.Valid() {
		return nil, &InputError{Field: "region", Value: string(region), Reason: `want "us" or "eu"`}
	}

	baseURLs := make(map[Region]*url.URL, 2)
	for _, r := range []Region{RegionUS, RegionEU} {
		raw := defaultBaseURLs[r]
		if override, ok := opts.BaseURLs[r]; ok {
			raw = override
		}
		u, err := checkBaseURL(raw)
		if err != nil {
			return nil, err
		}
		baseURLs[r] = u
	}

	httpClient := &http.Client{Timeout: defaultRequestTimeout}
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		httpClient = &copied
	}
	// A redirect could point anywhere, and following it would send the key along.
	httpClient.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}

	secrets := opts.Secrets
	if secrets == nil {
		secrets = redact.NewSecrets()
	}
	secrets.Add(opts.APIKey)

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	maxRetries := opts.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = defaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}

	newTimer := opts.RetryTimer
	if newTimer == nil {
		newTimer = func() backoff.Timer { return nil }
	}

	return &Client{
		apiKey:         opts.APIKey,
		baseURLs:       baseURLs,
		http:           httpClient,
		log:            slog.New(redact.NewHandler(logger.Handler(), secrets)).With("component", "customerio"),
		secrets:        secrets,
		callerLog:      logger,
		maxRetries:     maxRetries,
		newTimer:       newTimer,
		onRegionChange: opts.OnRegionChange,
		region:         region,
	}, nil
}

// Region returns the region the client sends requests to now. It changes after a
// wrong-datacenter redirect or when a rejected key turned out to work in the other
// region.
func (c *Client) Region() Region {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.region
}

// VerifyKey lists the reporting webhooks to check the key and returns the region it
// works in. A key of the other region ends in an APIError with CauseWrongRegion,
// and the client then uses that region.
func (c *Client) VerifyKey(ctx context.Context) (Region, error) {
	_, err := c.ListWebhooks(ctx)
	return c.Region(), err
}

// switchRegion moves the client from one region to the other, unless another call
// already did.
func (c *Client) switchRegion(from, to Region, reason string) {
	c.mu.Lock()
	changed := c.region == from
	if changed {
		c.region = to
	}
	c.mu.Unlock()

	if !changed {
		return
	}
	c.log.Info("switched Customer.io region", "from", from, "to", to, "reason", reason)
	if c.onRegionChange != nil {
		c.onRegionChange(from, to)
	}
}

// call is one App API request.
type call struct {
	operation string
	method    string
	path      string
	body      []byte
}

// do sends a call, retries it where that is safe and decodes a 2xx body into out
// (when out is not nil).
func (c *Client) do(ctx context.Context, req call, out any) error {
	exponential := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(retryInitialInterval),
		backoff.WithMultiplier(retryMultiplier),
		backoff.WithMaxInterval(retryMaxInterval),
		backoff.WithRandomizationFactor(retryRandomization),
		backoff.WithMaxElapsedTime(0),
	)
	policy := backoff.WithContext(backoff.WithMaxRetries(exponential, uint64(c.maxRetries)), ctx)

	attempt := 0
	operation := func() error {
		attempt++
		err := c.attempt(ctx, req, out)
		if err == nil || !c.retryable(ctx, req.method, err) {
			return backoff.Permanent(err)
		}
		return err
	}
	notify := func(err error, wait time.Duration) {
		c.log.Warn("retrying Customer.io request",
			"operation", req.operation, "attempt", attempt, "wait", wait, "error", err)
	}

	err := backoff.RetryNotifyWithTimer(operation, policy, notify, c.newTimer())
	if err == nil {
		return nil
	}

	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		// The context ended while waiting between retries.
		err = &APIError{Cause: CauseNetwork, Operation: req.operation, Region: c.Region(), Err: err}
	}
	c.log.Warn("Customer.io request failed", "operation", req.operation, "attempts", attempt, "error", err)
	return err
}

// retryable reports whether err is worth another attempt. A 429 always is, because
// Customer.io did not process the request. A 5xx or a network error is retried only
// for methods that can be repeated safely, never for a create.
func (c *Client) retryable(ctx context.Context, method string, err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || ctx.Err() != nil {
		return false
	}

	switch apiErr.Cause {
	case CauseRateLimited:
		return true
	case CauseServerError, CauseNetwork:
		return method != http.MethodPost
	default:
		return false
	}
}

// attempt sends req once, following Customer.io's wrong-datacenter response to the
// other region at most once and checking a rejected key against the other region.
func (c *Client) attempt(ctx context.Context, req call, out any) error {
	region := c.Region()
	switched := false

	for {
		status, header, body, err := c.send(ctx, region, req)
		if err != nil {
			return &APIError{Cause: CauseNetwork, Operation: req.operation, Region: region, Err: err}
		}

		switch {
		case status >= 200 && status < 300:
			return c.decode(req, region, status, body, out)

		case status >= 300 && status < 400:
			if !switched && c.isWrongDatacenter(region, header, body) {
				c.switchRegion(region, region.Other(), wrongDatacenterMessage)
				region = region.Other()
				switched = true
				continue
			}
			return &APIError{
				Cause:     CauseUnexpectedRedirect,
				Operation: req.operation,
				Region:    region,
				Status:    status,
				Location:  locationHost(header),
				Detail:    c.secrets.Scrub(errorDetail(body)),
			}

		case status == http.StatusUnauthorized && !switched:
			return c.checkOtherRegion(ctx, req, region, body)

		default:
			return c.statusError(req, region, status, body)
		}
	}
}

// send makes one HTTP request to region's base URL and reads the whole response.
func (c *Client) send(ctx context.Context, region Region, req call) (int, http.Header, []byte, error) {
	target := c.baseURLs[region].JoinPath(req.path)

	var body io.Reader = http.NoBody
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, target.String(), body)
	if err != nil {
		return 0, nil, nil, err
	}
	httpReq.Header.Set("Authorization", "Bearer "+c.apiKey)
	httpReq.Header.Set("Accept", "application/json")
	httpReq.Header.Set("User-Agent", userAgent)
	if req.body != nil {
		httpReq.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.http.Do(httpReq)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()

	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBodyBytes))
	c.log.Debug("Customer.io request",
		"operation", req.operation, "method", req.method, "path", target.Path,
		"region", region, "status", resp.StatusCode, "duration", time.Since(start))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, respBody, nil
}

func (c *Client) decode(req call, region Region, status int, body []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &APIError{
			Cause:     CauseInvalidResponse,
			Operation: req.operation,
			Region:    region,
			Status:    status,
			Detail:    c.secrets.Scrub(truncate(string(body), maxDetailLen)),
			Err:       err,
		}
	}
	return nil
}

func (c *Client) statusError(req call, region Region, status int, body []byte) *APIError {
	return &APIError{
		Cause:     causeOfStatus(status),
		Operation: req.operation,
		Region:    region,
		Status:    status,
		Detail:    c.secrets.Scrub(errorDetail(body)),
	}
}

// isWrongDatacenter recognises Customer.io's response to a key of the other region: a
// redirect whose body contains "wrong datacenter" or whose Location is the other
// region's API host. The client then uses its own base URL for the other region and
// never the Location, so a forged Location cannot obtain the key.
func (c *Client) isWrongDatacenter(region Region, header http.Header, body []byte) bool {
	if strings.Contains(strings.ToLower(errorDetail(body)), wrongDatacenterMessage) {
		return true
	}

	host := locationHost(header)
	if host == "" {
		return false
	}
	other := region.Other()
	if strings.EqualFold(host, c.baseURLs[other].Host) {
		return true
	}
	for _, known := range apiHosts[other] {
		if strings.EqualFold(host, known) {
			return true
		}
	}
	return false
}

// checkOtherRegion handles a 401 from region: it lists the webhooks once in the other
// region. When the key works there, the client moves to that region and reports
// CauseWrongRegion; otherwise the key is invalid.
func (c *Client) checkOtherRegion(ctx context.Context, req call, region Region, body []byte) error {
	rejected := c.statusError(req, region, http.StatusUnauthorized, body)
	other := region.Other()

	probe := call{operation: "list_webhooks", method: http.MethodGet, path: reportingWebhooksPath}
	status, _, _, err := c.send(ctx, other, probe)
	switch {
	case err != nil:
		c.log.Warn("could not check the App API key in the other region", "region", other, "error", err)
		return rejected

	case status >= 200 && status < 300:
		c.switchRegion(region, other, "key rejected in "+string(region))
		return &APIError{
			Cause:     CauseWrongRegion,
			Operation: req.operation,
			Region:    region,
			KeyRegion: other,
			Status:    http.StatusUnauthorized,
			Detail:    rejected.Detail,
		}

	default:
		c.log.Info("App API key rejected in both regions", "region", region, "other_status", status)
		return rejected
	}
}

// locationHost returns the host of a redirect's Location header, for logs and errors.
func locationHost(header http.Header) string {
	u, err := url.Parse(header.Get("Location"))
	if err != nil {
		return ""
	}
	return u.Host
}
