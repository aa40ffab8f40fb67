package setup

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cioaep/setup/flows/aep"
)

// Cause is the machine-readable reason of an *Error. The UI translates it.
type Cause string

// Causes of an *Error.
const (
	// CauseInvalidInput: a value of the Input is not valid. Error.Value
	// names it.
	CauseInvalidInput Cause = "invalid_input"

	// CauseProductionNotConfirmed: the sandbox is a production sandbox and
	// Input.ConfirmProduction is not set.
	CauseProductionNotConfirmed Cause = "production_not_confirmed"

	// CauseSandboxInactive: the sandbox is not active. Error.Value is its state.
	CauseSandboxInactive Cause = "sandbox_inactive"

	// CauseDatasetRequired: ExistingDataset was chosen without a dataset ID.
	CauseDatasetRequired Cause = "dataset_required"

	// CauseUnknownEventGroup: Error.Value is not a Customer.io event group.
	CauseUnknownEventGroup Cause = "unknown_event_group"

	// CauseNoSchema: the dataset has no schemaRef, so it cannot be a
	// dataflow target. Error.Value is the dataset ID.
	CauseNoSchema Cause = "dataset_without_schema"

	// CauseNotExperienceEvent: the dataset's schema is not of the XDM
	// ExperienceEvent class, which time-stamped webhook events need.
	// Error.Value is the schema's class.
	CauseNotExperienceEvent Cause = "not_experience_event"

	// CauseMappingIncomplete: required schema fields have no mapping.
	// Error.Missing lists their paths.
	CauseMappingIncomplete Cause = "mapping_incomplete"

	// CauseMappingInvalid: the mapping names fields the schema does not have
	// (Error.Unknown), or Data Prep rejected it (Error.Issues).
	CauseMappingInvalid Cause = "mapping_invalid"

	// CauseSchemaMismatch: the mapping set's schema differs from the
	// dataset's schema. Error.Value is the mapping set's schema.
	CauseSchemaMismatch Cause = "schema_mismatch"

	// CauseInletTimeout: the dataflow still had no inlet URL after
	// Runner.PollTimeout. Resuming the run polls again.
	CauseInletTimeout Cause = "inlet_timeout"

	// CauseAdobe: an Adobe call failed. Error.Err is the *aep.Error, and
	// AdobeCause returns its cause.
	CauseAdobe Cause = "adobe"

	// CauseCanceled: the context ended. The journal allows a resume.
	CauseCanceled Cause = "canceled"

	// CauseJournal: the journal could not be read or written. Error.Value
	// is the file path.
	CauseJournal Cause = "journal"

	// CauseRunNotFound: no journal exists for Error.RunID.
	CauseRunNotFound Cause = "run_not_found"

	// CauseRunRolledBack: the run was rolled back and cannot be resumed.
	CauseRunRolledBack Cause = "run_rolled_back"

	// CauseRollbackIncomplete: Rollback could not delete every resource.
	// Error.Created lists the ones left.
	CauseRollbackIncomplete Cause = "rollback_incomplete"
)

// Error is the error type of this package. Its text never contains a
// secret: it carries IDs, names and Adobe's messages only.
type Error struct {
	Cause   Cause
	RunID   string
	Sandbox string
	Step    StepID // the step that failed, if any

	// Value is the value involved, as each Cause describes.
	Value string

	// Missing lists required target paths without a mapping, and Unknown
	// lists mapped paths the schema does not have.
	Missing []string
	Unknown []string

	// Issues lists the mappings Data Prep rejected.
	Issues []aep.MappingIssue

	// Created lists the resources the run has created so far and not
	// deleted, in creation order.
	Created []Resource

	Err error
}

// Error returns the cause with the step, the values and the underlying error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("setup: ")
	if e.Step != "" {
		fmt.Fprintf(&b, "step %s: ", e.Step)
	}
	b.WriteString(string(e.Cause))

	if e.Value != "" {
		fmt.Fprintf(&b, " (%s)", e.Value)
	}
	if len(e.Missing) > 0 {
		fmt.Fprintf(&b, ", no mapping for required field %s", strings.Join(e.Missing, ", "))
	}
	if len(e.Unknown) > 0 {
		fmt.Fprintf(&b, ", field not in schema: %s", strings.Join(e.Unknown, ", "))
	}
	for _, issue := range e.Issues {
		fmt.Fprintf(&b, ", mapping to %s rejected: %s", issue.Destination, issue.Message)
	}
	if e.RunID != "" {
		fmt.Fprintf(&b, " [run %s", e.RunID)
		if e.Sandbox != "" {
			fmt.Fprintf(&b, ", sandbox %s", e.Sandbox)
		}
		b.WriteString("]")
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap returns the underlying error, usually an *aep.Error.
func (e *Error) Unwrap() error {
	return e.Err
}

// AdobeCause returns the cause of the underlying *aep.Error, or "" when the
// failure did not come from an Adobe call.
func (e *Error) AdobeCause() aep.Cause {
	var adobe *aep.Error
	if errors.As(e.Err, &adobe) {
		return adobe.Cause
	}
	return ""
}

// CauseOf returns the cause of err when it is or wraps an *Error, and ""
// otherwise.
func CauseOf(err error) Cause {
	var e *Error
	if errors.As(err, &e) {
		return e.Cause
	}
	return ""
}
