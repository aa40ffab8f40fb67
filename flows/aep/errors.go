package aep

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Cause is the machine-readable reason of an *Error. The UI translates it.
type Cause string

// Causes of an *Error.
const (
	// CauseInvalidClient: IMS rejected the client ID or the client secret.
	CauseInvalidClient Cause = "invalid_client"

	// CauseUnauthorizedClient: the credential may not use the client
	// credentials grant, e.g. a deprecated JWT (Service Account) credential.
	CauseUnauthorizedClient Cause = "unauthorized_client"

	// CauseInvalidScope: IMS rejected the scopes. Error.Scopes holds the
	// scopes sent.
	CauseInvalidScope Cause = "invalid_scope"

	// CauseInvalidRequest: IMS rejected the token request as malformed.
	CauseInvalidRequest Cause = "invalid_request"

	// CauseAPINotAdded: gateway code 403003, the Experience Platform API is
	// not added to the Developer Console project, or x-api-key is wrong.
	CauseAPINotAdded Cause = "api_not_added"

	// CauseNotEntitled: gateway code 403025, the credential has no product
	// profile for Experience Platform in this org.
	CauseNotEntitled Cause = "not_entitled"

	// CauseOrgHeader: gateway code 400003, the org ID header is missing or
	// not accepted.
	CauseOrgHeader Cause = "org_header"

	// CauseSandboxNotFound: Flow Service codes 2100-404 to 2103-404.
	// Error.Sandbox names the sandbox.
	CauseSandboxNotFound Cause = "sandbox_not_found"

	// CauseMissingPermission: Flow Service codes 2118-403, 2120-403 and
	// 2121-403. Error.Permission names the permission the call needs.
	CauseMissingPermission Cause = "missing_permission"

	// CauseSourceNotProvisioned: Flow Service code 1100-400 on the Customer.io
	// connection spec. The source is in Beta and only offered to
	// Azure-hosted orgs.
	CauseSourceNotProvisioned Cause = "source_not_provisioned"

	// CauseSchemaMismatch: Flow Service code 1425-400, the mapping set's
	// schema differs from the target dataset's schema.
	CauseSchemaMismatch Cause = "schema_mismatch"

	// CauseTokenExpired: the gateway still returned 401013 after a fresh
	// token was fetched.
	CauseTokenExpired Cause = "token_expired"

	// CauseNotFound: the resource does not exist (or access labels hide it).
	CauseNotFound Cause = "not_found"

	// CauseNetwork: the request failed before a response arrived.
	CauseNetwork Cause = "network"

	// CauseTimeout: an attempt timed out.
	CauseTimeout Cause = "timeout"

	// CauseInvalidResponse: a response body could not be decoded, e.g.
	// truncated JSON.
	CauseInvalidResponse Cause = "invalid_response"

	// CauseCanceled: the caller's context ended.
	CauseCanceled Cause = "canceled"

	// CauseOther: any other Adobe error. Status, Code, Message and RequestID
	// describe it.
	CauseOther Cause = "other"
)

// Error is the one error type the client returns for a failed call. Its
// text never contains a secret or a token.
type Error struct {
	Op        string // client method, e.g. "CreateFlow"
	Cause     Cause
	Status    int    // HTTP status, 0 when no response arrived
	Code      string // Adobe code, e.g. "401013", "FLOW-1425-400", "XDM-1012-404", "invalid_client"
	Message   string // Adobe's message
	RequestID string
	Attempts  int // attempts made, retries included

	Sandbox    string // sandbox of the call, empty for IMS and sandbox listing
	Scopes     string // scopes sent, set for CauseInvalidScope
	Permission string // permission the call needs, set for CauseMissingPermission

	Err error // underlying transport or context error, if any

	retryAfter time.Duration // from the Retry-After header
	notSent    bool          // the request never left this machine, e.g. a refused dial
	final      bool          // never retried, whatever the cause
}

// Error returns the operation, the cause and Adobe's details.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "aep: %s failed: %s", e.Op, e.Cause)

	if e.Status != 0 {
		fmt.Fprintf(&b, ", status %d", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, ", code %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Scopes != "" {
		fmt.Fprintf(&b, " (scopes sent: %s)", e.Scopes)
	}
	if e.Permission != "" {
		fmt.Fprintf(&b, " (permission needed: %s)", e.Permission)
	}
	if e.Sandbox != "" {
		fmt.Fprintf(&b, " (sandbox %s)", e.Sandbox)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	if e.Err != nil && e.Message == "" {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying transport or context error.
func (e *Error) Unwrap() error {
	return e.Err
}

// CauseOf returns the cause of err when it is or wraps an *Error, and
// CauseOther otherwise.
func CauseOf(err error) Cause {
	var e *Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return CauseOther
}

// IsNotFound reports whether err is an *Error with CauseNotFound.
func IsNotFound(err error) bool {
	return err != nil && CauseOf(err) == CauseNotFound
}
