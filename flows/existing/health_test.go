package existing

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

var healthNow = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func TestSummarizeRunsEmpty(t *testing.T) {
	health := summarizeRuns(nil, healthNow.Add(-HealthWindow), healthNow)

	if health.Runs != 0 {
		t.Errorf("Runs = %d, expected 0", health.Runs)
	}
	if health.Received != 0 || health.Ingested != 0 || health.Failed != 0 {
		t.Errorf("records received %d, ingested %d, failed %d, expected 0 each",
			health.Received, health.Ingested, health.Failed)
	}
	if health.LastEvent != (Window{}) {
		t.Errorf("LastEvent = %+v, expected zero", health.LastEvent)
	}
	if health.LastStatus != "" {
		t.Errorf("LastStatus = %q, expected empty", health.LastStatus)
	}
}

func TestSummarizeRunsCounts(t *testing.T) {
	since := healthNow.Add(-HealthWindow)
	mappingError := aep.RunError{Code: "MAPPER-3700-400", Message: "timestamp is not a number"}
	ingestError := aep.RunError{Code: "INGEST-1212-400", Message: "record too large"}
	runs := []aep.Run{
		{
			WindowStart: healthNow.Add(-3 * time.Hour), WindowEnd: healthNow.Add(-2 * time.Hour),
			InputRecords: 5, OutputRecords: 4, FailedRecords: 1, Status: "partialSuccess",
			Errors: []aep.RunError{mappingError},
		},
		{
			WindowStart: healthNow.Add(-time.Hour), WindowEnd: healthNow.Add(-30 * time.Minute),
			InputRecords: 3, OutputRecords: 1, FailedRecords: 2, Status: "failed",
			Errors: []aep.RunError{ingestError, mappingError},
		},
		{
			// Empty window after the last event.
			WindowStart: healthNow.Add(-20 * time.Minute), WindowEnd: healthNow.Add(-10 * time.Minute),
			Status: "success",
		},
		{
			// Ends before the window, so not counted.
			WindowStart: since.Add(-time.Hour), WindowEnd: since.Add(-time.Minute),
			InputRecords: 100, OutputRecords: 100, Status: "success",
		},
		{
			// Overlaps the start of the window, so counted in full.
			WindowStart: since.Add(-time.Minute), WindowEnd: since.Add(time.Minute),
			InputRecords: 2, OutputRecords: 2, Status: "success",
		},
	}

	health := summarizeRuns(runs, since, healthNow)

	if health.Runs != 4 {
		t.Errorf("Runs = %d, expected 4", health.Runs)
	}
	if health.Received != 10 {
		t.Errorf("Received = %d, expected 10", health.Received)
	}
	if health.Ingested != 7 {
		t.Errorf("Ingested = %d, expected 7", health.Ingested)
	}
	if health.Failed != 3 {
		t.Errorf("Failed = %d, expected 3", health.Failed)
	}
	if health.LastStatus != "success" {
		t.Errorf("LastStatus = %q, expected success", health.LastStatus)
	}
	wantLast := Window{Start: healthNow.Add(-time.Hour), End: healthNow.Add(-30 * time.Minute)}
	if health.LastEvent != wantLast {
		t.Errorf("LastEvent = %+v, expected %+v", health.LastEvent, wantLast)
	}

	wantErrors := []RunError{
		{Code: ingestError.Code, Message: ingestError.Message, Count: 1, LastSeen: healthNow.Add(-time.Hour)},
		{Code: mappingError.Code, Message: mappingError.Message, Count: 2, LastSeen: healthNow.Add(-time.Hour)},
	}
	if !slices.Equal(health.Errors, wantErrors) {
		t.Errorf("Errors = %+v\nexpected %+v", health.Errors, wantErrors)
	}
}

func TestSummarizeRunsOpenWindow(t *testing.T) {
	runs := []aep.Run{{
		WindowStart: healthNow.Add(-5 * time.Minute), WindowEnd: healthNow.Add(10 * time.Minute),
		InputRecords: 1, OutputRecords: 1,
	}}

	health := summarizeRuns(runs, healthNow.Add(-HealthWindow), healthNow)

	want := Window{Start: healthNow.Add(-5 * time.Minute), End: healthNow}
	if health.LastEvent != want {
		t.Errorf("LastEvent = %+v, expected %+v for an open window", health.LastEvent, want)
	}
}

func TestSummarizeRunsLimitsErrors(t *testing.T) {
	var runs []aep.Run
	for i := range 8 {
		runs = append(runs, aep.Run{
			WindowStart:  healthNow.Add(-time.Duration(i+1) * time.Minute),
			InputRecords: 1, FailedRecords: 1,
			Errors: []aep.RunError{{Code: "MAPPER-3700-400", Message: string(rune('a' + i))}},
		})
	}

	health := summarizeRuns(runs, healthNow.Add(-HealthWindow), healthNow)

	if len(health.Errors) != maxRecentErrors {
		t.Fatalf("len(Errors) = %d, expected %d", len(health.Errors), maxRecentErrors)
	}
	if health.Errors[0].Message != "a" {
		t.Errorf("first error = %q, expected the newest one, a", health.Errors[0].Message)
	}
	if health.Failed != 8 {
		t.Errorf("Failed = %d, expected 8", health.Failed)
	}
}

func TestHealthQueriesWindow(t *testing.T) {
	fake := newFakePlatform()
	fake.runs = []aep.Run{
		{FlowID: "flow-1", WindowStart: healthNow.Add(-time.Hour), WindowEnd: healthNow,
			InputRecords: 2, OutputRecords: 2},
		{FlowID: "flow-2", WindowStart: healthNow.Add(-time.Hour), WindowEnd: healthNow,
			InputRecords: 7, OutputRecords: 7},
	}
	service := newFakeService(fake, Options{})

	health, err := service.Health(context.Background(), "dev", "flow-1", healthNow)
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	if health.Received != 2 {
		t.Errorf("Received = %d, expected 2", health.Received)
	}
	if health.FlowID != "flow-1" || health.Sandbox != "dev" {
		t.Errorf("Health names flow %q in sandbox %q", health.FlowID, health.Sandbox)
	}
	if want := healthNow.Add(-24 * time.Hour); !health.Since.Equal(want) {
		t.Errorf("Since = %v, expected %v", health.Since, want)
	}
}

func TestHealthError(t *testing.T) {
	fake := newFakePlatform()
	fake.failures["ListRuns flow-1"] = &aep.Error{Op: "ListRuns", Cause: aep.CauseTimeout}
	service := newFakeService(fake, Options{})

	_, err := service.Health(context.Background(), "dev", "flow-1", healthNow)

	var e *Error
	if !errors.As(err, &e) || e.Op != "Health" || e.Resource.ID != "flow-1" {
		t.Fatalf("Health returned %v, expected an *Error for flow-1", err)
	}
	if aep.CauseOf(err) != aep.CauseTimeout {
		t.Errorf("aep.CauseOf = %s, expected %s", aep.CauseOf(err), aep.CauseTimeout)
	}
}
