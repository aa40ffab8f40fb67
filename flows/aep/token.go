package aep

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// tokenRefreshMargin is how long before its expiry a token is replaced.
// Adobe's guides suggest renewing a 24-hour token early; ten minutes leaves
// room for a slow call that starts just before the refresh.
const tokenRefreshMargin = 10 * time.Minute

// fallbackTokenLifetime is assumed when IMS omits expires_in.
// NOTE: unconfirmed that IMS ever omits it; one hour is a safe guess because
// a token is refreshed anyway when the gateway rejects it.
const fallbackTokenLifetime = time.Hour

// tokenSource caches the access token of the OAuth Server-to-Server
// credential. The client credentials grant has no refresh token, so a
// refresh is a new token request.
type tokenSource struct {
	c *Client

	// fetching is a one-slot semaphore: one token request at a time, and
	// callers waiting for it can still give up when their context ends.
	fetching chan struct{}

	mu      sync.Mutex
	token   string
	expires time.Time
	issued  []string // every token issued so far, for scrubbing error text
}

func newTokenSource(c *Client) *tokenSource {
	return &tokenSource{c: c, fetching: make(chan struct{}, 1)}
}

// get returns a token that stays valid for at least tokenRefreshMargin,
// fetching a new one when needed.
func (t *tokenSource) get(ctx context.Context) (string, error) {
	if tok, ok := t.cached(); ok {
		return tok, nil
	}

	select {
	case t.fetching <- struct{}{}:
		defer func() { <-t.fetching }()
	case <-ctx.Done():
		return "", &Error{Op: "Connect", Cause: CauseCanceled, Err: ctx.Err(), Message: "canceled"}
	}

	// Another caller may have fetched a token while this one waited.
	if tok, ok := t.cached(); ok {
		return tok, nil
	}
	return t.fetch(ctx)
}

func (t *tokenSource) cached() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()

	if t.token == "" || t.c.cfg.Now().Add(tokenRefreshMargin).After(t.expires) {
		return "", false
	}
	return t.token, true
}

// invalidate drops tok if it is still the cached token, so the next get
// fetches a new one. A token replaced meanwhile by another caller stays.
func (t *tokenSource) invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()

	if t.token == tok {
		t.token = ""
		t.expires = time.Time{}
	}
}

// current returns every token issued so far.
func (t *tokenSource) current() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.issued...)
}

type tokenResponse struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   flexInt `json:"expires_in"` // seconds
}

func (t *tokenSource) fetch(ctx context.Context) (string, error) {
	creds := t.c.cfg.Credentials
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {creds.ClientID},
		"client_secret": {creds.ClientSecret},
		"scope":         {creds.Scopes},
	}
	// The credentials travel in the body, never in the query string,
	// because Adobe warns that query strings get logged.
	r := &request{
		op:          "Connect",
		method:      http.MethodPost,
		ims:         true,
		path:        "/ims/token/v3",
		body:        []byte(form.Encode()),
		contentType: "application/x-www-form-urlencoded",
	}

	t.c.log.LogAttrs(ctx, slog.LevelInfo, "aep fetching access token",
		slog.String("client_id", creds.ClientID), slog.String("org_id", creds.OrgID), slog.String("scopes", creds.Scopes))

	// A token request creates nothing, so it may be repeated after any
	// transient failure.
	var resp tokenResponse
	if err := t.c.do(ctx, r, &resp); err != nil {
		return "", err
	}
	if resp.AccessToken == "" {
		return "", &Error{Op: r.op, Cause: CauseInvalidResponse, Status: http.StatusOK, Message: "the token response has no access_token"}
	}

	lifetime := time.Duration(resp.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = fallbackTokenLifetime
	}

	if t.c.cfg.Secrets != nil {
		t.c.cfg.Secrets.Add(resp.AccessToken)
	}

	t.mu.Lock()
	t.token = resp.AccessToken
	t.expires = t.c.cfg.Now().Add(lifetime)
	t.issued = append(t.issued, resp.AccessToken)
	t.mu.Unlock()

	t.c.log.LogAttrs(ctx, slog.LevelInfo, "aep access token issued",
		slog.String("client_id", creds.ClientID), slog.Duration("expires_in", lifetime))
	return resp.AccessToken, nil
}
