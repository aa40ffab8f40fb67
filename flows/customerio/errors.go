package customerio

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Cause is the machine-readable reason of an error from this package. The UI
// translates it; the other fields of the error carry the values involved.
type Cause string

// Causes of App API errors.
const (
	// CauseUnauthorized: the App API key was rejected (401) in both regions.
	CauseUnauthorized Cause = "unauthorized"

	// CauseWrongRegion: the key was rejected in the requested region but works in the
	// other one. The client now uses the other region (APIError.KeyRegion).
	CauseWrongRegion Cause = "wrong_region"

	// CauseForbidden: the key is valid but may not do this (403).
	CauseForbidden Cause = "forbidden"

	// CauseNotFound: the webhook does not exist (404).
	CauseNotFound Cause = "not_found"

	// CauseInvalidRequest: Customer.io rejected the request body (400 or 422).
	CauseInvalidRequest Cause = "invalid_request"

	// CauseRateLimited: still 429 after every retry.
	CauseRateLimited Cause = "rate_limited"

	// CauseServerError: a 5xx response, after retries where retrying is safe.
	CauseServerError Cause = "server_error"

	// CauseUnexpectedRedirect: a redirect that is not Customer.io's wrong-datacenter
	// response. The client never follows it, so the key stays with Customer.io.
	CauseUnexpectedRedirect Cause = "unexpected_redirect"

	// CauseUnexpectedStatus: any other status.
	CauseUnexpectedStatus Cause = "unexpected_status"

	// CauseInvalidResponse: a 2xx response whose body could not be decoded.
	CauseInvalidResponse Cause = "invalid_response"

	// CauseNetwork: no response (connection refused, DNS, TLS, timeout).
	CauseNetwork Cause = "network"
)

// Causes of input and test-event errors.
const (
	// CauseInvalidInput: the caller passed an invalid value, named in the error's
	// Field and Value.
	CauseInvalidInput Cause = "invalid_input"

	// CauseTestEventsFailed: at least one test event was not accepted, so the webhook
	// was left disabled (TestEventsError.Failed lists them).
	CauseTestEventsFailed Cause = "test_events_failed"

	// CauseTimeout: a test event got no 2xx response within the timeout.
	CauseTimeout Cause = "timeout"

	// CauseRejected: the webhook URL responded to a test event with a non-2xx status.
	CauseRejected Cause = "rejected"
)

// maxDetailLen bounds the raw response text an error carries, in bytes.
const maxDetailLen = 300

// APIError is a failed App API call.
type APIError struct {
	Cause Cause

	// Operation is the App API operation, e.g. "list_webhooks".
	Operation string

	// Region is the region the request was sent to.
	Region Region

	// KeyRegion is the region the key belongs to, set with CauseWrongRegion.
	KeyRegion Region

	// Status is the HTTP status, 0 when there was no response.
	Status int

	// Detail is Customer.io's message: errors[].detail, else meta.error, else the
	// start of the raw body. Secrets are removed from it.
	Detail string

	// Location is the host a redirect pointed to, set with CauseUnexpectedRedirect.
	Location string

	// Err is the underlying transport or decoding error, if any.
	Err error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "customerio: %s in region %s failed", e.Operation, e.Region)
	if e.Status != 0 {
		fmt.Fprintf(&b, " with status %d", e.Status)
	}
	fmt.Fprintf(&b, " (%s)", e.Cause)

	switch e.Cause {
	case CauseWrongRegion:
		fmt.Fprintf(&b, ": the App API key belongs to region %s; the client now uses %s", e.KeyRegion, e.KeyRegion)
	case CauseUnexpectedRedirect:
		fmt.Fprintf(&b, ": redirect to %q not followed", e.Location)
	}

	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// InputError is an invalid argument, found before any request was sent.
type InputError struct {
	Field  string
	Value  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("customerio: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// TestEventsError reports that at least one test event was not accepted, so the
// webhook stays disabled.
type TestEventsError struct {
	// WebhookID is the webhook that stays disabled.
	WebhookID int64

	// Failed lists the rows of the events that were not accepted.
	Failed []TestResult

	// Total is the number of test events sent.
	Total int
}

func (e *TestEventsError) Error() string {
	groups := make([]string, len(e.Failed))
	for i, r := range e.Failed {
		groups[i] = r.Group
	}
	return fmt.Sprintf("customerio: %d of %d test events were not accepted (%s); webhook %d left disabled",
		len(e.Failed), e.Total, strings.Join(groups, ", "), e.WebhookID)
}

// TestEventError is the reason one test event was not accepted.
type TestEventError struct {
	// Cause is CauseTimeout, CauseRejected or CauseNetwork.
	Cause Cause

	// Status is the HTTP status, 0 without a response.
	Status int

	// Detail is the receiver's reason, read from the response body.
	Detail string

	Err error
}

func (e *TestEventError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "test event %s", e.Cause)
	if e.Status != 0 {
		fmt.Fprintf(&b, " with status %d", e.Status)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *TestEventError) Unwrap() error { return e.Err }

// CauseOf returns the Cause of an error from this package, or "" for other errors.
func CauseOf(err error) Cause {
	var apiErr *APIError
	var inputErr *InputError
	var groupErr *UnknownGroupError
	var testsErr *TestEventsError
	var testErr *TestEventError

	switch {
	case errors.As(err, &apiErr):
		return apiErr.Cause
	case errors.As(err, &testsErr):
		return CauseTestEventsFailed
	case errors.As(err, &testErr):
		return testErr.Cause
	case errors.As(err, &inputErr), errors.As(err, &groupErr):
		return CauseInvalidInput
	default:
		return ""
	}
}

// causeOfStatus classifies an App API response by its status code, never by its text.
func causeOfStatus(status int) Cause {
	switch {
	case status == http.StatusUnauthorized:
		return CauseUnauthorized
	case status == http.StatusForbidden:
		return CauseForbidden
	case status == http.StatusNotFound:
		return CauseNotFound
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity:
		return CauseInvalidRequest
	case status == http.StatusTooManyRequests:
		return CauseRateLimited
	case status >= 500:
		return CauseServerError
	case status >= 300 && status < 400:
		return CauseUnexpectedRedirect
	default:
		return CauseUnexpectedStatus
	}
}

// errorBody contains both error envelopes the App API is known to use.
type errorBody struct {
	Errors []struct {
		Detail string `json:"detail"`
	} `json:"errors"`
	Meta struct {
		Error string `json:"error"`
	} `json:"meta"`
}

// errorDetail reads Customer.io's message from an error body: every errors[].detail,
// then meta.error, then the start of the raw text.
func errorDetail(body []byte) string {
	var parsed errorBody
	if json.Unmarshal(body, &parsed) == nil {
		var details []string
		for _, e := range parsed.Errors {
			if e.Detail != "" {
				details = append(details, e.Detail)
			}
		}
		if len(details) > 0 {
			return strings.Join(details, "; ")
		}
		if parsed.Meta.Error != "" {
			return parsed.Meta.Error
		}
	}
	return truncate(strings.TrimSpace(string(body)), maxDetailLen)
}

// truncate shortens text to at most limit bytes without splitting a UTF-8 sequence.
func truncate(text string, limit int) string {
	if len(text) <= limit {
		return text
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}
