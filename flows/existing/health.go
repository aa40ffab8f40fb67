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

// Health is what a dataflow received and ingested during HealthWindow.
type Health struct {
	Sandbox string
	FlowID  string

	// Since and Until delimit the runs counted: runs that started at or after
	// Since. Until is the time Health was called with.
	Since time.Time
	Until time.Time

	Runs int // runs counted

	// Received, Ingested and Failed sum the runs' input, output and failed
	// record counts. An event the inlet rejected outright never reaches a
	// run, so it is in none of them.
	Received int64
	Ingested int64
	Failed   int64

	// LastEventAt is when the newest event arrived, as closely as the runs
	// tell: the end of the newest run window that received records, or
	// Until when that window is still open. It is zero when no run received
	// anything.
	LastEventAt time.Time

	// LastStatus is the status of the newest run, e.g. "success" or
	// "failed". It is empty when there was no run.
	LastStatus string

	// Errors lists the distinct errors of the runs, newest first, at most
	// five.
	Errors []RunError
}

// RunError is one distinct error reported by the dataflow's runs.
type RunError struct {
	Code    string // e.g. "MAPPER-3700-400"
	Message string

	Count    int       // how often the counted runs reported it
	LastSeen time.Time // start of the newest run that reported it
}

// Health sums the dataflow's runs that started in the HealthWindow before
// now. It keeps no state, so a refresh is just another call.
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

// summarizeRuns adds up the runs that started in [since, now]. It skips runs
// outside that range in case the service returns them anyway.
func summarizeRuns(runs []aep.Run, since, now time.Time) Health {
	health := Health{Since: since, Until: now}

	var counted []aep.Run
	for _, run := range runs {
		if run.WindowStart.Before(since) || run.WindowStart.After(now) {
			continue
		}
		counted = append(counted, run)
	}

	// Newest first, so LastStatus, LastEventAt and the error order come from
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
		if health.LastEventAt.IsZero() && run.InputRecords > 0 {
			health.LastEventAt = lastEventTime(run, now)
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

// lastEventTime returns the latest time an event of run can have arrived:
// the end of its window, or now while the window is still open.
func lastEventTime(run aep.Run, now time.Time) time.Time {
	if run.WindowEnd.IsZero() || run.WindowEnd.After(now) {
		return now
	}
	return run.WindowEnd
}
