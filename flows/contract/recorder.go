package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// TB is the part of testing.TB that Middleware needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Cleanup(func())
}

// RouteStats counts the exchanges one operation received.
type RouteStats struct {
	Calls    int
	Statuses map[int]int // response status → count; 0 counts exchanges without a response
}

// Report is a snapshot of the exchanges a Recorder has checked.
type Report struct {
	// Routes maps each route that matched an operation to its counts.
	Routes map[string]RouteStats
	// Violations are the failures that no Deviations entry tolerates.
	Violations []Violation
	// Tolerated are the violations that a Deviations entry accounts for.
	Tolerated []Violation
}

// Covered reports whether an exchange matched route. Path parameter names
// are ignored, so the simulator's "GET /flows/{id}" matches the spec's
// "GET /flows/{FLOW_ID}".
func (r Report) Covered(route string) bool {
	for seen := range r.Routes {
		if SameRoute(seen, route) {
			return true
		}
	}
	return false
}

// Uncovered returns the routes, in the order given, that no exchange matched.
func (r Report) Uncovered(routes ...string) []string {
	var missing []string
	for _, route := range routes {
		if !r.Covered(route) {
			missing = append(missing, route)
		}
	}
	return missing
}

// ToleratedBy returns the tolerated violations that the Deviations entry
// with the given ID accounts for.
func (r Report) ToleratedBy(deviation string) []Violation {
	var matched []Violation
	for _, v := range r.Tolerated {
		if v.Deviation == deviation {
			matched = append(matched, v)
		}
	}
	return matched
}

// Recorder validates every exchange that passes through its Middleware or
// Transport against the specs and records the violations per route. It is
// safe for concurrent use.
type Recorder struct {
	specs  *Specs
	logger *slog.Logger

	mu         sync.Mutex
	routes     map[string]RouteStats
	violations []Violation
	tolerated  []Violation
}

// NewRecorder returns a Recorder that validates against specs. A nil
// logger discards the log.
func (s *Specs) NewRecorder(logger *slog.Logger) *Recorder {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Recorder{specs: s, logger: logger, routes: map[string]RouteStats{}}
}

// Middleware wraps next with a new Recorder and, when the test ends, fails t
// once for every violation that no Deviations entry tolerates.
func (s *Specs) Middleware(next http.Handler, t TB) http.Handler {
	t.Helper()
	recorder := s.NewRecorder(nil)
	t.Cleanup(func() {
		t.Helper()
		for _, v := range recorder.Report().Violations {
			t.Errorf("contract violation: %s", v)
		}
	})
	return recorder.Middleware(next)
}

// Report returns a copy of what the recorder has seen so far.
func (r *Recorder) Report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()

	report := Report{
		Routes:     make(map[string]RouteStats, len(r.routes)),
		Violations: append([]Violation(nil), r.violations...),
		Tolerated:  append([]Violation(nil), r.tolerated...),
	}
	for route, stats := range r.routes {
		statuses := make(map[int]int, len(stats.Statuses))
		for status, n := range stats.Statuses {
			statuses[status] = n
		}
		report.Routes[route] = RouteStats{Calls: stats.Calls, Statuses: statuses}
	}
	return report
}

// Middleware returns a handler that validates each request before next
// serves it and each response next writes. It passes both through
// unchanged, except that a request body that cannot be read gets a 400
// without reaching next.
func (r *Recorder) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := readBody(req.Body)
		if err != nil {
			r.logger.Warn("contract recorder: reading the request body failed", "method", req.Method, "path", req.URL.Path, "error", err)
			http.Error(w, "contract recorder: read request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))

		ex := r.checkRequest(req, body)

		capture := &responseCapture{ResponseWriter: w}
		next.ServeHTTP(capture, req)
		if capture.hijacked {
			ex.finish(0, nil, nil)
			return
		}
		ex.finish(capture.statusOrDefault(), capture.headerSnapshot(), capture.body.Bytes())
	})
}

// Transport returns a round tripper that validates each request the client
// sends through next and each response it receives.
func (r *Recorder) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		body, err := readBody(req.Body)
		if err != nil {
			return nil, err
		}
		sent := req.Clone(req.Context())
		sent.Body = io.NopCloser(bytes.NewReader(body))
		sent.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }

		ex := r.checkRequest(req, body)

		resp, err := next.RoundTrip(sent)
		if err != nil {
			ex.finish(0, nil, nil)
			return nil, err
		}
		respBody, err := readBody(resp.Body)
		if err != nil {
			ex.finish(0, nil, nil)
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(respBody))
		ex.finish(resp.StatusCode, resp.Header, respBody)
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func readBody(body io.ReadCloser) ([]byte, error) {
	if body == nil || body == http.NoBody {
		return nil, nil
	}
	defer body.Close()
	return io.ReadAll(body)
}

// exchange is one request on its way through the recorder.
type exchange struct {
	recorder   *Recorder
	route      string
	spec       *Spec // nil when no operation matched
	input      *openapi3filter.RequestValidationInput
	violations []Violation
}

// validationOptions are shared by requests and responses. Schema error
// details are off so no message repeats a header or form value, and
// defaults are never written into the request being checked.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		SkipSettingDefaults:   true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(),
		},
	}
}

func (r *Recorder) checkRequest(req *http.Request, body []byte) *exchange {
	spec, route, pathParams, err := r.specs.findRoute(req)
	if err != nil {
		ex := &exchange{recorder: r, route: req.Method + " " + req.URL.EscapedPath()}
		ex.add(Violation{Side: Request, Kind: KindNoOperation, Message: err.Error()})
		return ex
	}

	ex := &exchange{recorder: r, route: routeName(spec, route, pathParams), spec: spec}

	// The validator reads and may replace the body, so it gets a copy.
	checked := req.Clone(req.Context())
	checked.Body = io.NopCloser(bytes.NewReader(body))
	options := validationOptions()
	raw := isRawInletPost(spec, route.Path, req)
	options.ExcludeRequestBody = raw
	ex.input = &openapi3filter.RequestValidationInput{
		Request:    checked,
		PathParams: pathParams,
		Route:      route,
		Options:    options,
	}
	if err := openapi3filter.ValidateRequest(context.Background(), ex.input); err != nil {
		ex.addErrors(Request, err)
	}

	switch {
	case ex.isIMS():
		ex.checkIMSQuery(req)
	case raw:
		ex.checkRawInletBody(r.specs.CustomerIO, body)
	case route.Operation.RequestBody != nil && len(body) > 0:
		ex.checkUndeclared(Request, route.Operation.RequestBody.Value.Content, req.Header.Get("Content-Type"), body)
	}
	return ex
}

// finish validates the response and records the exchange. A status of 0
// means the handler or transport produced no response.
func (ex *exchange) finish(status int, header http.Header, body []byte) {
	if ex.spec != nil && status != 0 {
		input := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: ex.input,
			Status:                 status,
			Header:                 header,
			Options:                ex.input.Options,
		}
		input.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
			ex.addErrors(Response, err)
		}

		if response := ex.input.Route.Operation.Responses.Status(status); response != nil && len(body) > 0 {
			ex.checkUndeclared(Response, response.Value.Content, header.Get("Content-Type"), body)
		} else if response := ex.input.Route.Operation.Responses.Default(); response != nil && len(body) > 0 {
			ex.checkUndeclared(Response, response.Value.Content, header.Get("Content-Type"), body)
		}
	}

	requestID := header.Get("x-request-id")
	ex.recorder.record(ex, status, requestID)
}

// checkUndeclared adds a violation for each body member the matching media
// type's schema does not declare. Bodies that are not JSON or not declared
// are left to the validator, which already reports them.
func (ex *exchange) checkUndeclared(side Side, content openapi3.Content, contentType string, body []byte) {
	mediaType := content.Get(contentType)
	if mediaType == nil || mediaType.Schema == nil || mediaType.Schema.Value == nil {
		return
	}
	if parsed, _, err := mime.ParseMediaType(contentType); err != nil || !isJSON(parsed) {
		return
	}

	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return
	}
	for _, pointer := range undeclaredProperties([]*openapi3.Schema{mediaType.Schema.Value}, value, nil) {
		ex.add(Violation{
			Side:    side,
			Kind:    KindUndeclared,
			Where:   "body " + bodyPointer(pointer),
			Message: "property not declared in the schema",
		})
	}
}

func isJSON(mediaType string) bool {
	return mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
}

// add records v unless the exchange already has the same violation, which
// happens when two allOf branches declare the same property.
func (ex *exchange) add(v Violation) {
	if slices.Contains(ex.violations, v) {
		return
	}
	ex.violations = append(ex.violations, v)
}

// addErrors turns the validator's error tree into violations.
func (ex *exchange) addErrors(side Side, err error) {
	// Only a top-level MultiError lists separate problems. One inside a
	// RequestError or ResponseError lists the schema errors of one body.
	if multi, ok := err.(openapi3.MultiError); ok {
		for _, e := range multi {
			ex.addErrors(side, e)
		}
		return
	}

	var requestErr *openapi3filter.RequestError
	var responseErr *openapi3filter.ResponseError
	switch {
	case errors.As(err, &requestErr):
		switch {
		case requestErr.Parameter != nil:
			where := requestErr.Parameter.In + " " + requestErr.Parameter.Name
			if errors.Is(requestErr.Err, openapi3filter.ErrInvalidRequired) {
				ex.add(Violation{Side: side, Kind: KindParameter, Where: where, Keyword: "required", Message: "required parameter is missing"})
				return
			}
			ex.addSchemaErrors(side, KindParameter, where, false, requestErr.Err, requestErr.Reason)
		case strings.HasPrefix(requestErr.Reason, "header Content-Type has unexpected value"):
			ex.add(Violation{Side: side, Kind: KindContentType, Message: requestErr.Reason})
		default:
			ex.addSchemaErrors(side, KindBody, "body", true, requestErr.Err, requestErr.Reason)
		}

	case errors.As(err, &responseErr):
		switch {
		case responseErr.Reason == "status is not supported":
			where := fmt.Sprintf("status %d", responseErr.Input.Status)
			ex.add(Violation{Side: side, Kind: KindStatus, Where: where, Message: "status not declared for the operation"})
		case strings.Contains(responseErr.Reason, "Content-Type has unexpected value"):
			ex.add(Violation{Side: side, Kind: KindContentType, Message: responseErr.Reason})
		case strings.HasPrefix(responseErr.Reason, "response header"):
			ex.add(Violation{Side: side, Kind: KindHeader, Message: responseErr.Error()})
		default:
			ex.addSchemaErrors(side, KindBody, "body", true, responseErr.Err, responseErr.Reason)
		}

	default:
		ex.add(Violation{Side: side, Kind: KindBody, Message: err.Error()})
	}
}

// addSchemaErrors adds one violation per failing schema keyword below err.
// Where a body pointer applies, it is appended to where.
func (ex *exchange) addSchemaErrors(side Side, kind Kind, where string, isBody bool, err error, reason string) {
	// Header values carry tokens and keys, and the IMS form carries the
	// client secret, so no message or field keeps their values.
	keepValues := !ex.isIMS() && !strings.HasPrefix(where, "header ")

	leaves := schemaLeaves(err)
	if len(leaves) == 0 {
		message := reason
		if err != nil && keepValues {
			message = strings.TrimPrefix(strings.TrimPrefix(err.Error(), reason), ": ")
			if reason != "" && message != reason {
				message = reason + ": " + message
			}
		}
		if message == "" {
			message = "invalid value"
		}
		ex.add(Violation{Side: side, Kind: kind, Where: where, Message: message})
		return
	}

	for _, leaf := range leaves {
		v := Violation{Side: side, Kind: kind, Where: where, Keyword: leaf.SchemaField, Message: leaf.Reason}
		if isBody {
			v.Where = "body " + bodyPointer(leaf.JSONPointer())
		}
		if keepValues && leaf.SchemaField != "required" {
			v.value = quoteValue(leaf.Value)
			if isBody {
				v.Message += ", got " + v.value
			}
		}
		ex.add(v)
	}
}

// schemaLeaves returns the innermost schema errors below err: for a failed
// allOf, oneOf or anyOf it returns the branch errors rather than the summary.
func schemaLeaves(err error) []*openapi3.SchemaError {
	if err == nil {
		return nil
	}

	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var leaves []*openapi3.SchemaError
		for _, e := range multi {
			leaves = append(leaves, schemaLeaves(e)...)
		}
		return leaves
	}

	var schemaErr *openapi3.SchemaError
	if !errors.As(err, &schemaErr) {
		return nil
	}
	if schemaErr.Origin != nil && schemaErr.SchemaField != "oneOf" && schemaErr.SchemaField != "anyOf" {
		if inner := schemaLeaves(schemaErr.Origin); len(inner) > 0 {
			return inner
		}
	}
	return []*openapi3.SchemaError{schemaErr}
}

func (ex *exchange) isIMS() bool {
	return ex.spec != nil && ex.spec.Name == imsSpecName
}

// record files the exchange's violations under its route, each either as
// tolerated by a Deviations entry or as a failure, and logs them.
func (r *Recorder) record(ex *exchange, status int, requestID string) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if ex.spec != nil {
		stats := r.routes[ex.route]
		if stats.Statuses == nil {
			stats.Statuses = map[int]int{}
		}
		stats.Calls++
		stats.Statuses[status]++
		r.routes[ex.route] = stats
	}

	for _, v := range ex.violations {
		v.Route = ex.route
		v.Status = status
		v.RequestID = requestID
		if deviation := tolerating(v); deviation != nil {
			v.Deviation = deviation.ID
			r.tolerated = append(r.tolerated, v)
			r.logger.Debug("contract deviation tolerated", "route", v.Route, "side", v.Side, "kind", v.Kind, "where", v.Where, "deviation", v.Deviation, "request_id", requestID)
			continue
		}
		r.violations = append(r.violations, v)
		r.logger.Warn("contract violation", "route", v.Route, "side", v.Side, "kind", v.Kind, "where", v.Where, "message", v.Message, "status", status, "request_id", requestID)
	}
}
