package aep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxResponseBytes bounds a response body. A resolved schema with many
// field groups is the biggest response the wizard reads, a few megabytes.
const maxResponseBytes = 32 << 20

// Accept types of the Schema Registry: lists take a summary type without a
// version, look-ups need a version.
const (
	acceptXDMList     = "application/vnd.adobe.xed-id+json"
	acceptXDMResolved = "application/vnd.adobe.xed-full+json; version=1"
	acceptJSON        = "application/json"
)

// request is one Platform or IMS call.
type request struct {
	op      string // client method, for logs and errors
	method  string
	ims     bool   // sent to IMS without gateway headers
	path    string // escaped path below the service URL
	query   url.Values
	sandbox string // x-sandbox-name, empty for IMS and the sandbox listing
	accept  string // defaults to application/json

	body        []byte
	contentType string
}

// newRequest returns a gateway request with a JSON body, if body is not nil.
func newRequest(op, method, path string, body any) (*request, error) {
	r := &request{op: op, method: method, path: path, query: url.Values{}}
	if body == nil {
		return r, nil
	}

	data, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Op: op, Cause: CauseOther, Message: "encoding the request body failed", Err: err, final: true}
	}
	r.body = data
	r.contentType = "application/json"
	return r, nil
}

// response is a successful (2xx) response.
type response struct {
	status    int
	header    http.Header
	body      []byte
	requestID string
}

// do sends r with retries and decodes a successful body into out, unless
// out is nil.
func (c *Client) do(ctx context.Context, r *request, out any) error {
	return c.retry(ctx, r, func(ctx context.Context, attempt int) error {
		return c.attempt(ctx, r, attempt, out)
	})
}

// attempt sends r once, or twice when the gateway rejects the token: the
// token is then fetched again and the request repeated. A request the
// gateway rejected never reached the service, so repeating it cannot create
// anything twice, even a POST.
func (c *Client) attempt(ctx context.Context, r *request, attempt int, out any) error {
	// The token comes from the caller's context, not the attempt's: a token
	// request has its own timeout and retries.
	token := ""
	if !r.ims {
		var err error
		if token, err = c.token(ctx); err != nil {
			return err
		}
	}

	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()

	resp, err := c.send(attemptCtx, r, attempt, token)
	if err == nil && !r.ims && resp.status == http.StatusUnauthorized {
		c.log.LogAttrs(ctx, slog.LevelInfo, "aep token rejected, fetching a new one",
			slog.String("op", r.op), slog.String("request_id", resp.requestID))

		c.tokens.invalidate(token)
		if token, err = c.token(ctx); err != nil {
			return err
		}
		resp, err = c.send(attemptCtx, r, attempt, token)
	}
	if err != nil {
		return err
	}

	if resp.status >= 400 {
		e := c.decodeError(r, resp.status, resp.header, resp.body)
		if e.Cause == CauseTokenExpired {
			// A second 401013 right after a fresh token will not change.
			e.final = true
		}
		return e
	}

	if out == nil || len(bytes.TrimSpace(resp.body)) == 0 && resp.status == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return &Error{
			Op:        r.op,
			Cause:     CauseInvalidResponse,
			Status:    resp.status,
			Message:   "the response body is not valid JSON",
			RequestID: resp.requestID,
			Sandbox:   r.sandbox,
			Err:       err,
		}
	}
	return nil
}

// token returns a valid access token. Its errors are final for the calling
// operation, because the token request has made its own retries.
func (c *Client) token(ctx context.Context) (string, error) {
	token, err := c.tokens.get(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.final = true
		}
		return "", err
	}
	return token, nil
}

// send performs one HTTP exchange and returns any complete response, error
// statuses included. It returns an *Error only when no response arrived.
func (c *Client) send(ctx context.Context, r *request, attempt int, token string) (*response, error) {
	base := c.gw
	if r.ims {
		base = c.ims
	}
	target := base.String() + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}

	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, &Error{Op: r.op, Cause: CauseOther, Message: "building the request failed", Err: err, final: true}
	}
	c.setHeaders(req, r, token)

	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		e := c.transportError(ctx, r, err)
		c.log.LogAttrs(ctx, slog.LevelDebug, "aep request failed",
			slog.String("op", r.op), slog.String("method", r.method), slog.String("path", req.URL.Path),
			slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)),
			slog.String("cause", string(e.Cause)), slog.String("error", c.scrub(err.Error())))
		return nil, e
	}
	defer res.Body.Close()

	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes))
	if err != nil {
		e := c.transportError(ctx, r, err)
		e.Status = res.StatusCode
		e.RequestID = res.Header.Get("x-request-id")
		return nil, e
	}

	resp := &response{status: res.StatusCode, header: res.Header, body: data, requestID: res.Header.Get("x-request-id")}
	c.log.LogAttrs(ctx, slog.LevelDebug, "aep request",
		slog.String("op", r.op), slog.String("method", r.method), slog.String("path", req.URL.Path),
		slog.String("sandbox", r.sandbox), slog.Int("status", res.StatusCode),
		slog.Duration("duration", time.Since(start)), slog.Int("attempt", attempt),
		slog.String("request_id", resp.requestID))
	if res.StatusCode >= 400 {
		c.log.LogAttrs(ctx, slog.LevelDebug, "aep error body",
			slog.String("op", r.op), slog.String("request_id", resp.requestID),
			slog.String("body", c.scrub(truncate(string(data), 2000))))
	}
	return resp, nil
}

func (c *Client) setHeaders(req *http.Request, r *request, token string) {
	accept := r.accept
	if accept == "" {
		accept = acceptJSON
	}
	req.Header.Set("Accept", accept)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.ims {
		return
	}

	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-api-key", c.cfg.Credentials.ClientID)
	req.Header.Set("x-gw-ims-org-id", c.cfg.Credentials.OrgID)
	if r.sandbox != "" {
		req.Header.Set("x-sandbox-name", r.sandbox)
	}
}

// transportError classifies a failure without a response. ctx is the
// attempt's context, whose deadline is the per-request timeout.
func (c *Client) transportError(ctx context.Context, r *request, err error) *Error {
	e := &Error{Op: r.op, Sandbox: r.sandbox, Err: err}

	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(context.Cause(ctx), context.Canceled):
		e.Cause = CauseCanceled
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		e.Cause = CauseTimeout
	default:
		e.Cause = CauseNetwork
		// A refused or failed dial never delivered the request.
		e.notSent = errors.As(err, &opErr) && opErr.Op == "dial"
	}
	e.Message = fmt.Sprintf("%s %s: %s", r.method, r.path, describeTransport(e.Cause))
	return e
}

func describeTransport(cause Cause) string {
	switch cause {
	case CauseCanceled:
		return "canceled"
	case CauseTimeout:
		return "timed out"
	default:
		return "connection failed"
	}
}

// scrub replaces the client secret and the current token in text.
func (c *Client) scrub(text string) string {
	secrets := []string{c.cfg.Credentials.ClientSecret}
	if c.tokens != nil {
		secrets = append(secrets, c.tokens.current()...)
	}
	for _, s := range secrets {
		if len(s) >= 4 {
			text = strings.ReplaceAll(text, s, "[REDACTED]")
		}
	}
	return text
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// gatewayPath joins escaped path segments below a service base path, e.g.
// gatewayPath("/data/foundation/flowservice/flows", id).
func gatewayPath(base string, segments ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(escapeSegment(s))
	}
	return b.String()
}

// escapeSegment escapes a path segment completely, so a schema $id such as
// https://ns.adobe.com/acme/schemas/1 becomes one segment.
func escapeSegment(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// delete sends a DELETE with retries. A 404 after an earlier attempt failed
// means that attempt deleted the resource, so it counts as success.
func (c *Client) delete(ctx context.Context, r *request) error {
	err := c.do(ctx, r, nil)

	var e *Error
	if errors.As(err, &e) && e.Cause == CauseNotFound && e.Attempts > 1 {
		c.log.LogAttrs(ctx, slog.LevelInfo, "aep resource already deleted by an earlier attempt",
			slog.String("op", r.op), slog.String("sandbox", r.sandbox), slog.String("path", r.path))
		return nil
	}
	return err
}
