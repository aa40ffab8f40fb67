package existing

import (
	"context"
	"slices"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// HealthWindow is how far back Health looks for dataflow runs.
const HealthWindow = 24 * time.Hour

// maxRecentErrors bounds Health.Errors, which the UI shows as a short list.
const maxRecentErrors = 5

// Health is the summary of a dataflow's runs during HealthWindow: records
// received, ingested and failed, the newest event and the recent errors.
type Health struct {
	Sandbox string
	FlowID  string

	// Since and Until delimit the runs counted: every run whose window
	// overlaps them counts in full, so a run that started before Since adds
	// records from before Since too. Until is the time Health was called
	// with.
	Since time.Time
	Until time.Time

	Runs int // runs counted

	// Received, Ingested and Failed sum the runs' input, output and failed
	// record counts. An event the inlet rejected outright never reaches a
	// run, so it is in none of them.
	Received int64
	Ingested int64
	Failed   int64

	// LastEvent is the window of the newest run that received records, so
	// the newest event arrived between its Start and End. End is Until while
	// the window is still open. Both are zero when no run received anything.
	LastEvent Window

	// LastStatus is the status of the newest run, e.g. "success" or
	// "failed". It is empty when there was no run.
	LastStatus string

	// Errors lists the distinct errors of the runs, newest first, at most
	// five.
	Errors []RunError
}

// Window is a time range of a streaming run.
type Window struct {
	Start time.Time
	End   time.Time
}

// RunError is one distinct error reported by the dataflow's runs.
type RunError struct {
	Code    string // e.g. "MAPPER-3700-400"
	Message string

	Count    int       // how often the counted runs reported it
	LastSeen time.Time // start of the newest run that reported it
}

// Health sums the dataflow's runs whose window overlaps the HealthWindow
// before now. It keeps no state, so a refresh is just another call.
func (s *Service) Health(ctx context.Context, sandbox, flowID string, now time.Time) (Health, error) {
	flow := Resource{Kind: KindFlow, ID: flowID}
	if flowID == "" {
		return Health{}, &Error{Op: "Health", Cause: CauseMissingID, Sandbox: sandbox, Resource: flow}
	}

	since := now.Add(-HealthWindow)
	s.log.Info("reading dataflow runs", "sandbox", sandbox, "flow_id", flowID, "since", since)

	runs, err := s.open(sandbox).ListRuns(ctx, flowID, since)
	if err != nil {
		s.log.Error("reading dataflow runs failed", "sandbox", sandbox, "flow_id", flowID, "error", err)
		return Health{}, &Error{Op: "Health", Cause: causeOf(err), Sandbox: sandbox, Resource: flow, Err: err}
	}

	health := summarizeRuns(runs, since, now)
	health.Sandbox = sandbox
	health.FlowID = flowID
	return health, nil
}

// summarizeRuns adds up the runs whose window overlaps [since, now]. It skips
// other runs in case the service returns them anyway.
func summarizeRuns(runs []aep.Run, since, now time.Time) Health {
	health := Health{Since: since, Until: now}

	var counted []aep.Run
	for _, run := range runs {
		end := run.WindowEnd
		if end.IsZero() {
			end = run.WindowStart
		}
		if end.Before(since) || run.WindowStart.After(now) {
			continue
		}
		counted = append(counted, run)
	}

	// Newest first, so LastStatus, LastEvent and the error order come from
	// the most recent runs.
	slices.SortStableFunc(counted, func(a, b aep.Run) int {
		return b.WindowStart.Compare(a.WindowStart)
	})

	errorIndex := map[RunError]int{}
	for _, run := range counted {
		health.Runs++
		health.Received += run.InputRecords
		health.Ingested += run.OutputRecords
		health.Failed += run.FailedRecords

		if health.LastStatus == "" {
			health.LastStatus = run.Status
		}
		if health.LastEvent.Start.IsZero() && run.InputRecords > 0 {
			health.LastEvent = lastEventWindow(run, now)
		}

		for _, runErr := range run.Errors {
			key := RunError{Code: runErr.Code, Message: runErr.Message}
			if i, seen := errorIndex[key]; seen {
				health.Errors[i].Count++
				continue
			}
			errorIndex[key] = len(health.Errors)
			key.Count = 1
			key.LastSeen = run.WindowStart
			health.Errors = append(health.Errors, key)
		}
	}

	if len(health.Errors) > maxRecentErrors {
		health.Errors = health.Errors[:maxRecentErrors]
	}
	return health
}

// lastEventWindow returns the window of run, ending at now while it is still
// open.
func lastEventWindow(run aep.Run, now time.Time) Window {
	window := Window{Start: run.WindowStart, End: run.WindowEnd}
	if window.End.IsZero() || window.End.After(now) {
		window.End = now
	}
	return window
}
