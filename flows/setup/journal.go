package setup

import "time"

// RunStatus is the state of a whole run, as its journal records it.
type RunStatus string

// Run states.
const (
	RunRunning        RunStatus = "running" // in progress, or the process ended without a word
	RunFailed         RunStatus = "failed"
	RunCanceled       RunStatus = "canceled"
	RunSucceeded      RunStatus = "succeeded"
	RunRolledBack     RunStatus = "rolled_back"
	RunRollbackFailed RunStatus = "rollback_failed"
)

// RunSummary describes one run from its journal.
type RunSummary struct {
	RunID     string
	Sandbox   string
	Data      DataChoice
	Status    RunStatus
	CreatedAt time.Time
	UpdatedAt time.Time

	// Steps holds the state of each step of the run.
	Steps map[StepID]StepState

	// Resources lists what the run created, in creation order, deleted
	// ones included.
	Resources []Resource

	// Result is set once the run succeeded.
	Result *Result

	// LastError is the cause of the last failure, if any.
	LastError Cause
}

// Resumable reports whether Resume can continue the run.
func (s RunSummary) Resumable() bool {
	return s.Status == RunRunning || s.Status == RunFailed || s.Status == RunCanceled
}

// ListRuns returns the runs journaled in dir, newest first.
func ListRuns(dir string) ([]RunSummary, error) {
	return nil, errNotImplemented
}

// LoadRun returns the summary of one run.
func LoadRun(dir, runID string) (RunSummary, error) {
	return RunSummary{}, errNotImplemented
}

// DefaultJournalDir returns <user config dir>/io.github.cioaep.setup/runs.
func DefaultJournalDir() (string, error) {
	return "", errNotImplemented
}
