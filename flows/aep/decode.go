package aep

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// errorBody holds every Adobe error shape the wizard meets. Each service
// fills a different subset of the fields.
type errorBody struct {
	// Adobe I/O gateway: {"error_code": "401013", "message": "..."}.
	ErrorCode flexString `json:"error_code"`
	Message   string     `json:"message"`

	// IMS, OAuth 2 shape: {"error": "invalid_client", "error_description": "..."}.
	// Other services may put an object under "error", so it is decoded later.
	OAuthError       json.RawMessage `json:"error"`
	ErrorDescription string          `json:"error_description"`

	// Problem shape of Flow Service (FLOW-...), Schema Registry (XDM-...),
	// sandbox management (SMS-...) and the gateway's content-type check.
	Type         string `json:"type"`
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	ErrorMessage string `json:"errorMessage"`
	Report       struct {
		DetailedMessage   string `json:"detailed-message"`
		Message           string `json:"message"`
		RequestID         string `json:"request-id"`
		RegistryRequestID string `json:"registryRequestId"`
	} `json:"report"`
}

// problemCode matches the last segment of a problem type, e.g. "FLOW-1425-400"
// in "https://ns.adobe.com/aep/errors/FLOW-1425-400".
var problemCode = regexp.MustCompile(`^([A-Z]+)-(\d+)-(\d+)$`)

// decodeError turns an error response into an *Error with its cause. The
// raw body never becomes part of the error text. Where no known field
// carries a message, the HTTP status text is used instead.
func (c *Client) decodeError(r *request, status int, header http.Header, body []byte) *Error {
	e := &Error{
		Op:        r.op,
		Status:    status,
		RequestID: header.Get("x-request-id"),
		Sandbox:   r.sandbox,
	}
	if d, ok := parseRetryAfter(header.Get("Retry-After"), c.cfg.Now()); ok {
		e.retryAfter = d
	}

	var b errorBody
	if err := json.Unmarshal(bytes.TrimSpace(body), &b); err == nil {
		e.Code, e.Message = b.codeAndMessage()
		if e.RequestID == "" {
			e.RequestID = firstNonEmpty(b.Report.RequestID, b.Report.RegistryRequestID)
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}

	// Adobe messages are not known to echo credentials, but the error text
	// must never carry one, so the known secrets are replaced anyway.
	e.Message = c.scrub(e.Message)

	e.Cause = causeOf(r, e)
	switch e.Cause {
	case CauseInvalidScope:
		e.Scopes = c.cfg.Credentials.Scopes
	case CauseMissingPermission:
		e.Permission = permissionFor(r.op)
	}
	return e
}

func (b *errorBody) codeAndMessage() (code, message string) {
	var oauth string
	_ = json.Unmarshal(b.OAuthError, &oauth)

	switch {
	case oauth != "":
		return oauth, b.ErrorDescription
	case b.ErrorCode != "":
		return string(b.ErrorCode), b.Message
	}

	if i := strings.LastIndex(b.Type, "/"); i >= 0 && problemCode.MatchString(b.Type[i+1:]) {
		code = b.Type[i+1:]
	} else if problemCode.MatchString(b.Type) {
		code = b.Type
	}
	message = firstNonEmpty(b.Report.DetailedMessage, b.Report.Message, b.Detail, b.ErrorMessage, b.Message, b.Title)
	return code, message
}

// causeOf maps an Adobe code, or failing that the status, to a Cause.
func causeOf(r *request, e *Error) Cause {
	switch e.Code {
	case "invalid_client":
		return CauseInvalidClient
	case "unauthorized_client":
		return CauseUnauthorizedClient
	case "invalid_scope":
		return CauseInvalidScope
	case "invalid_request":
		return CauseInvalidRequest
	case "401013":
		return CauseTokenExpired
	case "403003", "403000":
		return CauseAPINotAdded
	case "403025":
		return CauseNotEntitled
	case "400003":
		return CauseOrgHeader
	}

	// On the Customer.io connection spec, "not found" and "invalid spec ID"
	// mean that the sandbox does not offer the source, not that a resource
	// of ours is gone.
	checkingSource := r.op == "CheckCustomerIOSource"

	if service, number, ok := splitProblemCode(e.Code); ok && service == "FLOW" {
		switch {
		case number == 1100:
			return CauseSourceNotProvisioned
		case checkingSource && (number == 1101 || number == 1413 || number == 1439):
			return CauseSourceNotProvisioned
		case number == 1425:
			return CauseSchemaMismatch
		case number >= 2100 && number <= 2103:
			return CauseSandboxNotFound
		case number == 2118 || number == 2120 || number == 2121:
			return CauseMissingPermission
		case number == 1101 || number == 1430 || number == 1439:
			return CauseNotFound
		}
	}

	if e.Status == http.StatusNotFound {
		if checkingSource {
			return CauseSourceNotProvisioned
		}
		return CauseNotFound
	}
	return CauseOther
}

// splitProblemCode splits "FLOW-1425-400" into "FLOW" and 1425.
func splitProblemCode(code string) (service string, number int, ok bool) {
	m := problemCode.FindStringSubmatch(code)
	if m == nil {
		return "", 0, false
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, false
	}
	return m[1], n, true
}

// retryableFlowCodes are Flow Service codes that Adobe documents as
// internal errors, unavailability or gateway timeouts, to be retried with
// backoff.
var retryableFlowCodes = map[int]bool{1102: true, 1103: true, 1104: true, 1400: true}

// retryable reports whether another attempt may succeed.
func (e *Error) retryable() bool {
	if e.final {
		return false
	}

	switch e.Cause {
	case CauseNetwork, CauseTimeout, CauseInvalidResponse:
		return true
	case CauseCanceled:
		return false
	}

	switch e.Status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}

	service, number, ok := splitProblemCode(e.Code)
	return ok && service == "FLOW" && retryableFlowCodes[number]
}

// ambiguous reports whether the service may have acted on a request that
// failed: it timed out or broke after being sent, its response was garbled,
// or the service returned a 5xx. A create is then looked up before it is
// sent again.
func (e *Error) ambiguous() bool {
	switch e.Cause {
	case CauseNetwork:
		return !e.notSent
	case CauseTimeout, CauseInvalidResponse:
		return true
	}
	return e.Status >= 500
}

// permissionNames are the Experience Platform permissions that each call
// needs, from the GenericStreamingAEP flow spec ("View Sources", "Manage
// Sources") and the access control guide.
// NOTE: unconfirmed which permission Adobe checks for the Data Prep calls.
// They are listed under Manage Sources because Adobe's UI creates mapping
// sets inside the sources workflow.
var permissionNames = map[string]string{
	"CheckCustomerIOSource":      "View Sources",
	"FindSourceConnectionByName": "View Sources",
	"FindTargetConnectionByName": "View Sources",
	"FindFlowByName":             "View Sources",
	"GetFlow":                    "View Sources",
	"ListCustomerIOFlows":        "View Sources",
	"ListRuns":                   "View Sources",
	"CreateSourceConnection":     "Manage Sources",
	"CreateTargetConnection":     "Manage Sources",
	"CreateFlow":                 "Manage Sources",
	"EnableFlow":                 "Manage Sources",
	"DisableFlow":                "Manage Sources",
	"DeleteFlow":                 "Manage Sources",
	"DeleteSourceConnection":     "Manage Sources",
	"DeleteTargetConnection":     "Manage Sources",
	"ValidateMappingSet":         "Manage Sources",
	"CreateMappingSet":           "Manage Sources",
	"FindMappingSet":             "Manage Sources",
	"DeleteMappingSet":           "Manage Sources",
	"ListDatasets":               "View Datasets",
	"GetDataset":                 "View Datasets",
	"FindDatasetByName":          "View Datasets",
	"CreateDataset":              "Manage Datasets",
	"DeleteDataset":              "Manage Datasets",
	"TenantID":                   "View Schemas",
	"ListSchemas":                "View Schemas",
	"GetSchema":                  "View Schemas",
	"FindSchemaByTitle":          "View Schemas",
	"FindFieldGroupByTitle":      "View Schemas",
	"CreateSchema":               "Manage Schemas",
	"CreateFieldGroup":           "Manage Schemas",
	"DeleteSchema":               "Manage Schemas",
	"DeleteFieldGroup":           "Manage Schemas",
}

func permissionFor(op string) string {
	if p, ok := permissionNames[op]; ok {
		return p
	}
	return "Manage Sources"
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}

	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}

	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// flexString decodes a JSON string or number as text, e.g. an error code
// sent as 401013 or "401013", or a version sent as 1 or "1.0".
type flexString string

func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		*f = ""
		return nil
	}
	if data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	*f = flexString(data)
	return nil
}

// flexInt decodes a JSON number or a numeric string, e.g. mappingVersion
// sent as 0 or "0". Anything else decodes as 0 rather than failing.
type flexInt int64

func (f *flexInt) UnmarshalJSON(data []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(data); err != nil {
		return nil
	}
	n, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		*f = 0
		return nil
	}
	*f = flexInt(n)
	return nil
}

// epochTime decodes a time sent as epoch milliseconds (number or string) or
// as RFC 3339 text. Adobe's specs type some of these as date-time while the
// services send milliseconds.
type epochTime time.Time

func (t *epochTime) UnmarshalJSON(data []byte) error {
	var s flexString
	if err := s.UnmarshalJSON(data); err != nil || s == "" {
		*t = epochTime{}
		return nil
	}

	if ms, err := strconv.ParseFloat(string(s), 64); err == nil {
		*t = epochTime(time.UnixMilli(int64(ms)).UTC())
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if at, err := time.Parse(layout, string(s)); err == nil {
			*t = epochTime(at)
			return nil
		}
	}
	*t = epochTime{}
	return nil
}

func (t epochTime) Time() time.Time {
	return time.Time(t)
}
