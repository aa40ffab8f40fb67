package existing

import (
	"fmt"
	"strings"
)

// Cause is the machine-readable reason of an *Error. The UI translates it.
type Cause string

// Causes of an *Error.
const (
	// CausePlatform: a Platform API call failed. Err is the client's error,
	// and aep.CauseOf(err) returns the Adobe-side reason.
	CausePlatform Cause = "platform"

	// CauseSetupChanged: the dataflow no longer uses the source or target
	// connection of the listed setup. The user should list the setups again.
	CauseSetupChanged Cause = "setup_changed"

	// CauseNotCustomerIO: the dataflow's source connection does not use the
	// Customer.io connection spec, so this package refuses to touch it.
	CauseNotCustomerIO Cause = "not_customerio"

	// CauseCanceled: the caller's context ended before the operation
	// finished.
	CauseCanceled Cause = "canceled"

	// CauseMissingID: the setup lacks the ID the operation needs.
	CauseMissingID Cause = "missing_id"

	// CauseInvalidLastSetup: the stored last setup could not be read or is
	// incomplete.
	CauseInvalidLastSetup Cause = "invalid_last_setup"
)

// Error is the error type of this package. It names the operation and the
// resource involved. Its text never contains a secret.
type Error struct {
	Op       string // method, e.g. "Delete"
	Cause    Cause
	Sandbox  string   // empty for LastSetupStore
	Resource Resource // the resource involved; the zero value when none

	// Expected and Actual are the IDs compared for CauseSetupChanged and
	// CauseNotCustomerIO.
	Expected string
	Actual   string

	Err error // the underlying error, usually an *aep.Error
}

// Error returns the operation, the cause, the resource and the underlying
// error.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "existing: %s failed: %s", e.Op, e.Cause)

	if e.Resource.ID != "" {
		fmt.Fprintf(&b, " (%s %s)", e.Resource.Kind, e.Resource.ID)
	} else if e.Resource.Kind != "" {
		fmt.Fprintf(&b, " (%s)", e.Resource.Kind)
	}
	if e.Expected != "" || e.Actual != "" {
		fmt.Fprintf(&b, " (expected %q, found %q)", e.Expected, e.Actual)
	}
	if e.Sandbox != "" {
		fmt.Fprintf(&b, " (sandbox %s)", e.Sandbox)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error {
	return e.Err
}
