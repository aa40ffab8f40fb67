package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// maxRequestBody caps Platform request bodies. Real limits are not documented,
// and the wizard's bodies are a few kilobytes.
const maxRequestBody = 8 << 20

// acceptRule is the Accept header rule of a Schema Registry route.
type acceptRule int

const (
	acceptAny     acceptRule = iota
	acceptListing            // xed-id+json or xed+json, no version
	acceptLookup             // one of the xed variants with "; version=1"
)

// endpoint describes one route: its service, the checks the gateway runs
// before the handler, and the handler.
type endpoint struct {
	route   string
	svc     service
	public  bool // no gateway checks (IMS and the inlet)
	sandbox bool // x-sandbox-name required
	noBody  bool // a POST without a body, so no Content-Type check
	accept  acceptRule
	handle  func(*call)
}

// call is one request with what the gateway checks resolved: request ID,
// clock reading, client ID and sandbox.
type call struct {
	p   *Platform
	w   http.ResponseWriter
	r   *http.Request
	ep  *endpoint
	id  string // request ID, also in the x-request-id header
	now time.Time

	clientID string   // the credential behind the access token
	sandbox  *sandbox // set when the route requires x-sandbox-name
}

// serve registers the endpoints on a new ServeMux and rejects unmatched paths
// in the gateway's error shape.
func (p *Platform) serve(svc service, endpoints []*endpoint) http.Handler {
	mux := http.NewServeMux()
	for _, ep := range endpoints {
		pattern := ep.route
		if strings.HasSuffix(pattern, "/") {
			pattern += "{$}"
		}
		mux.Handle(pattern, p.wrap(ep))
		p.routes[ep.route] = true
	}

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}

		id := uuid.NewString()
		w.Header().Set("x-request-id", id)
		p.log.Info("rejected call to an unknown route", "method", r.Method, "path", r.URL.Path, "request_id", id)

		var body any = gatewayError(http.StatusNotFound, codeRouteNotFound).body(svc, id, nil)
		if svc == serviceIMS || svc == serviceInlet {
			body = (&apiError{status: http.StatusNotFound, code: defaultCode(svc, http.StatusNotFound), message: "no such endpoint"}).body(svc, id, nil)
		}
		writeJSON(w, http.StatusNotFound, body)
	})
}

// wrap runs the steps every call shares: request ID, call count, latency,
// injected fault, gateway checks, then the handler.
func (p *Platform) wrap(ep *endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{p: p, w: w, r: r, ep: ep, id: uuid.NewString()}
		w.Header().Set("x-request-id", c.id)

		p.mu.Lock()
		p.state.calls[ep.route]++
		latency := p.state.latency
		var fault *Fault
		if queue := p.state.faults[ep.route]; len(queue) > 0 {
			fault = &queue[0]
			p.state.faults[ep.route] = queue[1:]
		}
		p.mu.Unlock()

		p.log.Debug("call", "route", ep.route, "request_id", c.id)

		// Read the body before any wait, as a real server receives a request before handling
		// it. net/http notices a client that hung up only after the body is read, so without
		// this a timed-out create would still be handled after the wait.
		if r.Body != nil {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
			if err != nil {
				p.log.Info("reading the request body failed", "route", ep.route, "request_id", c.id, "error", err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}

		if !wait(r.Context(), latency) {
			p.log.Info("call cancelled during latency", "route", ep.route, "request_id", c.id)
			return
		}
		if fault != nil {
			if !wait(r.Context(), fault.Delay) {
				p.log.Info("call cancelled during fault delay", "route", ep.route, "request_id", c.id)
				return
			}
			if p.applyFault(c, fault) {
				return
			}
		}

		c.now = p.now()
		if !ep.public {
			if err := p.checkGateway(c); err != nil {
				c.fail(err)
				return
			}
		}
		ep.handle(c)
	})
}

// wait sleeps for d unless ctx ends first. It reports whether the full time passed.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}

	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// applyFault writes the fault's response. It reports false when the fault only
// delays the call, so the call goes on normally.
func (p *Platform) applyFault(c *call, f *Fault) bool {
	switch {
	case f.Reset:
		p.log.Info("injected fault: connection reset", "route", c.ep.route, "request_id", c.id)
		resetConnection(c.w)
		return true

	case f.Malformed:
		p.log.Info("injected fault: malformed body", "route", c.ep.route, "request_id", c.id)
		c.w.Header().Set("Content-Type", "application/json")
		c.w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(c.w, `{"items":[{"id":"`)
		return true

	case f.Status != 0:
		p.log.Info("injected fault", "route", c.ep.route, "request_id", c.id, "status", f.Status, "code", f.Code)
		if f.RetryAfter != "" {
			c.w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.Body != "" {
			c.w.Header().Set("Content-Type", "application/json")
			c.w.WriteHeader(f.Status)
			_, _ = io.WriteString(c.w, f.Body)
			return true
		}
		c.writeError(faultError(c.ep.svc, f))
		return true
	}
	return false
}

// faultError builds the error body for an injected status. A six-digit code, or
// a 429 on a Platform route, is a gateway error. Anything else has the shape of
// the route's service.
func faultError(svc service, f *Fault) *apiError {
	e := &apiError{status: f.Status, code: f.Code, message: f.Message}
	platform := svc != serviceIMS && svc != serviceInlet

	if platform && f.Status == http.StatusTooManyRequests && e.code == "" {
		e.code = codeTooManyRequest
	}
	if platform && len(e.code) == 6 && isDigits(e.code) {
		e.gateway = true
		if e.message == "" {
			e.message = gatewayMessages[e.code]
		}
	}
	if e.code == "" {
		e.code = defaultCode(svc, f.Status)
	}
	if e.message == "" {
		e.message = http.StatusText(f.Status)
	}
	return e
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// resetConnection closes the connection without a response.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// The server closes the connection when a handler panics with
		// ErrAbortHandler, also on HTTP/2 where hijacking is not possible.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tcp.SetLinger(0) // send RST, like a dropped connection
	}
	_ = conn.Close()
}

// json writes v with the status.
func (c *call) json(status int, v any) {
	writeJSON(c.w, status, v)
}

// fail logs the rejected call and writes the error.
func (c *call) fail(err *apiError) {
	c.p.log.Info("rejected call", "route", c.ep.route, "request_id", c.id,
		"status", err.status, "code", err.code, "reason", err.message)
	c.writeError(err)
}

func (c *call) writeError(err *apiError) {
	timestamp := func() string { return c.p.now().UTC().Format("01-02-2006 15:04:05") }
	writeJSON(c.w, err.status, err.body(c.ep.svc, c.id, timestamp))
}

// decode reads the JSON request body into v.
func (c *call) decode(v any) *apiError {
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxRequestBody))
	if errBodyTooLarge(err) {
		return newError(http.StatusRequestEntityTooLarge, defaultCode(c.ep.svc, http.StatusRequestEntityTooLarge), "request body is larger than "+strconv.Itoa(maxRequestBody)+" bytes")
	}
	if err != nil {
		return newError(http.StatusBadRequest, defaultCode(c.ep.svc, http.StatusBadRequest), "reading the request body failed: "+err.Error())
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		if c.ep.svc == serviceFlow {
			return newError(http.StatusBadRequest, "1405", "request body is empty")
		}
		return newError(http.StatusBadRequest, defaultCode(c.ep.svc, http.StatusBadRequest), "request body is empty")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return newError(http.StatusBadRequest, defaultCode(c.ep.svc, http.StatusBadRequest), "request body is not valid JSON: "+err.Error())
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// checkGateway runs the gateway's header checks in the order the gateway
// reports them: token, API key, organization, then the service's own checks
// for sandbox, Content-Type and Accept.
func (p *Platform) checkGateway(c *call) *apiError {
	h := c.r.Header

	scheme, bearer, _ := strings.Cut(h.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(bearer) == "" {
		return gatewayError(http.StatusForbidden, codeTokenMissing)
	}
	apiKey := h.Get("x-api-key")
	if apiKey == "" {
		return gatewayError(http.StatusForbidden, codeAPIKeyMissing)
	}

	p.mu.Lock()
	defer p.mu.Unlock()

	tok := p.state.tokens[strings.TrimSpace(bearer)]
	if tok == nil || tok.revoked || !c.now.Before(tok.expires) {
		return gatewayError(http.StatusUnauthorized, codeTokenInvalid)
	}
	cred := p.state.credentials[tok.clientID]
	if apiKey != tok.clientID || cred == nil || cred.noPlatformAPI {
		return gatewayError(http.StatusForbidden, codeAPIKeyInvalid)
	}
	org := h.Get("x-gw-ims-org-id")
	if org == "" {
		return gatewayError(http.StatusBadRequest, codeOrgMissing)
	}
	if org != tok.orgID || org != p.state.orgID || cred.notEntitled {
		return gatewayError(http.StatusForbidden, codeNotEntitled)
	}
	c.clientID = tok.clientID

	if c.ep.sandbox {
		sb, err := p.sandboxFromHeader(c)
		if err != nil {
			return err
		}
		c.sandbox = sb
	}
	if err := checkContentType(c); err != nil {
		return err
	}
	return checkAccept(c)
}

// sandboxFromHeader resolves x-sandbox-name. Flow Service codes 2105-400
// (missing) and 2100-404 (unknown) are documented, and the other services reply
// with their own error shape.
func (p *Platform) sandboxFromHeader(c *call) (*sandbox, *apiError) {
	name := c.r.Header.Get("x-sandbox-name")
	if name == "" {
		code := defaultCode(c.ep.svc, http.StatusBadRequest)
		if c.ep.svc == serviceFlow {
			code = "2105"
		}
		return nil, newError(http.StatusBadRequest, code, "header x-sandbox-name is missing")
	}

	sb := p.state.sandboxes[name]
	if sb == nil {
		code := defaultCode(c.ep.svc, http.StatusNotFound)
		if c.ep.svc == serviceFlow {
			code = "2100"
		}
		return nil, newError(http.StatusNotFound, code, "sandbox "+strconv.Quote(name)+" was not found in the organization")
	}
	return sb, nil
}

// checkContentType requires a JSON Content-Type on writes that carry a body.
func checkContentType(c *call) *apiError {
	switch c.r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
	default:
		return nil
	}
	if c.ep.noBody {
		return nil
	}

	mediaType, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err == nil && (mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")) {
		return nil
	}
	return &apiError{status: http.StatusBadRequest, code: "content-type", message: contentTypeMessage, raw: contentTypeError()}
}

// Schema Registry Accept media types. Lookups must carry "; version=1".
var (
	listingMediaTypes = map[string]bool{
		"application/vnd.adobe.xed-id+json": true,
		"application/vnd.adobe.xed+json":    true,
	}
	lookupMediaTypes = map[string]bool{
		"application/vnd.adobe.xed+json":             true,
		"application/vnd.adobe.xed-full+json":        true,
		"application/vnd.adobe.xed-notext+json":      true,
		"application/vnd.adobe.xed-full-notext+json": true,
		"application/vnd.adobe.xed-full-desc+json":   true,
	}
)

// checkAccept applies the Schema Registry's Accept rules: XDM-1006-400 for an
// invalid listing Accept, XDM-1007-400 for a lookup Accept without a version,
// and 406 for a version that does not exist.
func checkAccept(c *call) *apiError {
	if c.ep.accept == acceptAny {
		return nil
	}
	accept := c.r.Header.Get("Accept")
	mediaType, params, err := mime.ParseMediaType(accept)

	if c.ep.accept == acceptListing {
		if err != nil || !listingMediaTypes[mediaType] {
			return newError(http.StatusBadRequest, "1006", "The supplied Accept header is not valid: "+accept+
				" - A valid Accept value should look like application/vnd.adobe.{xed|xdm}+json")
		}
		return nil
	}

	if err != nil || !lookupMediaTypes[mediaType] || params["version"] == "" {
		return newError(http.StatusBadRequest, "1007", "The supplied Accept header is not valid: "+accept+
			" - A valid Accept value should look like application/vnd.adobe.{xed|xdm}+json; version=1 (Version should be specified)")
	}
	if params["version"] != "1" {
		// NOTE: the 406 code number is not documented, so 1009 is the simulator's.
		return newError(http.StatusNotAcceptable, "1009", "Accept version "+params["version"]+" is not available for this resource")
	}
	return nil
}

// errBodyTooLarge reports whether err came from http.MaxBytesReader.
func errBodyTooLarge(err error) bool {
	var maxErr *http.MaxBytesError
	return errors.As(err, &maxErr)
}
