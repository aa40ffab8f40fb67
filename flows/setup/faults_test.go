package setup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

// matrixRoute is one HTTP call of a ready-made setup and the step that
// makes it.
type matrixRoute struct {
	name  string
	route string
	step  StepID
}

var matrixRoutes = []matrixRoute{
	{"token", sim.RouteToken, StepCheckSource},
	{"connection spec", sim.RouteConnectionSpec, StepCheckSource},
	{"tenant stats", sim.RouteStats, StepFieldGroup},
	{"create field group", sim.RouteCreateFieldGroup, StepFieldGroup},
	{"create schema", sim.RouteCreateSchema, StepSchema},
	{"create dataset", sim.RouteCreateDataset, StepDataset},
	{"validate mapping", sim.RouteValidateMappingSet, StepValidateMapping},
	{"create mapping set", sim.RouteCreateMappingSet, StepMappingSet},
	{"create source conn.", sim.RouteCreateSourceConnection, StepSourceConnection},
	{"create target conn.", sim.RouteCreateTargetConnection, StepTargetConnection},
	{"create dataflow", sim.RouteCreateFlow, StepFlow},
	{"read dataflow", sim.RouteFlow, StepInlet},
}

// matrixFault is one kind of failure and the Adobe cause it ends with when
// it persists ("" when only the status is checked).
type matrixFault struct {
	name       string
	fault      sim.Fault
	status     int
	adobeCause aep.Cause
	gateway    bool // applies to gateway routes only
}

var matrixFaults = []matrixFault{
	{name: "429", fault: sim.Fault{Status: 429, RetryAfter: "1"}, status: 429},
	{name: "500", fault: sim.Fault{Status: 500}, status: 500},
	{name: "503", fault: sim.Fault{Status: 503}, status: 503},
	{name: "timeout", fault: sim.Fault{Delay: time.Minute}, adobeCause: aep.CauseTimeout},
	{name: "reset", fault: sim.Fault{Reset: true}, adobeCause: aep.CauseNetwork},
	{name: "malformed", fault: sim.Fault{Malformed: true}, adobeCause: aep.CauseInvalidResponse},
	{name: "401013", fault: sim.Fault{Status: 401, Code: "401013", Message: "Oauth token is not valid"},
		adobeCause: aep.CauseTokenExpired, gateway: true},
}

// TestFaultMatrix runs the ready-made setup once per HTTP call of the setup
// and kind of fault. A fault that happens once must be absorbed by the
// retries. A fault that persists must stop the run with the typed cause,
// the step and the created IDs. Resuming once it is gone must finish the
// setup with one resource of each kind, and rolling back must leave none.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("fault matrix skipped in short mode")
	}

	results := map[string]map[string]string{}
	for _, r := range matrixRoutes {
		results[r.name] = map[string]string{}
		for _, f := range matrixFaults {
			if f.gateway && r.route == sim.RouteToken {
				results[r.name][f.name] = "n/a"
				continue
			}

			cell := "ok"
			t.Run(r.name+"/"+f.name+"/once", func(t *testing.T) {
				runTransientFault(t, r, f)
				if t.Failed() {
					cell = "FAIL"
				}
			})
			t.Run(r.name+"/"+f.name+"/persistent", func(t *testing.T) {
				note := runPersistentFault(t, r, f)
				if t.Failed() {
					cell += "/FAIL"
				} else {
					cell += "/" + note
				}
			})
			results[r.name][f.name] = cell
		}
	}

	var table strings.Builder
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprint(w, "call \\ fault (once/persistent)")
	for _, f := range matrixFaults {
		fmt.Fprintf(w, "\t%s", f.name)
	}
	fmt.Fprintln(w)
	for _, r := range matrixRoutes {
		fmt.Fprint(w, r.name)
		for _, f := range matrixFaults {
			fmt.Fprintf(w, "\t%s", results[r.name][f.name])
		}
		fmt.Fprintln(w)
	}
	_ = w.Flush()
	t.Logf("fault matrix: once = the fault happens one time; persistent = stopped, resumed, rolled back\n%s", table.String())
}

// runTransientFault injects the fault for one call of the route and checks
// that the setup finishes on its own.
func runTransientFault(t *testing.T, r matrixRoute, f matrixFault) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	// The runner's client is new, so it requests its own token: a fault on
	// the token route hits the run, not the sandbox listing above.
	env.platform.InjectFaults(r.route, f.fault)

	var events eventLog
	result, err := env.runner(t).Apply(context.Background(), plan, events.add)
	if err != nil {
		t.Fatalf("Apply() with one %s fault on %s: %v", f.name, r.route, err)
	}
	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)

	if n := env.platform.Calls(r.route); n < 2 {
		t.Errorf("%s called %d times, want the faulted call and a repeat", r.route, n)
	}

	// Two faults are absorbed below the client's retries: a rejected token
	// is replaced within the same attempt, and Go's HTTP transport resends
	// a GET whose reused connection was reset. Every other fault costs an
	// attempt, which the step reports as a retry.
	absorbed := f.name == "401013" || f.name == "reset" && strings.HasPrefix(r.route, "GET ")
	if !absorbed && !events.has(r.step, Retrying) {
		t.Errorf("no retrying event for step %s", r.step)
	}
	for _, e := range events.all() {
		if e.State == Retrying && (e.Attempt < 1 || e.MaxAttempts != testMaxAttempts || e.Err == nil) {
			t.Errorf("retrying event %+v, want attempt n of %d with its error", e, testMaxAttempts)
		}
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")
}

// runPersistentFault holds the fault on the route until the run stops, then
// resumes and rolls back. It returns a short note for the matrix.
func runPersistentFault(t *testing.T, r matrixRoute, f matrixFault) string {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	env.front.hold(r.route, f.fault)
	var events eventLog
	_, err = env.runner(t).Apply(context.Background(), plan, events.add)
	env.front.release(r.route)

	var setupErr *Error
	if !errors.As(err, &setupErr) {
		t.Fatalf("Apply() error = %v, want *Error", err)
	}
	if setupErr.Cause != CauseAdobe {
		t.Errorf("Cause = %q, want %q", setupErr.Cause, CauseAdobe)
	}
	if setupErr.Step != r.step {
		t.Errorf("Step = %q, want %q", setupErr.Step, r.step)
	}
	if setupErr.RunID != plan.RunID || setupErr.Sandbox != "dev" {
		t.Errorf("RunID, Sandbox = %q, %q, want %q, dev", setupErr.RunID, setupErr.Sandbox, plan.RunID)
	}

	var adobeErr *aep.Error
	if !errors.As(err, &adobeErr) {
		t.Fatalf("error %v does not wrap an *aep.Error", err)
	}
	if f.adobeCause != "" && adobeErr.Cause != f.adobeCause {
		t.Errorf("Adobe cause = %q, want %q", adobeErr.Cause, f.adobeCause)
	}
	if f.status != 0 && adobeErr.Status != f.status {
		t.Errorf("Adobe status = %d, want %d", adobeErr.Status, f.status)
	}
	if !slices.ContainsFunc(events.all(), func(e Event) bool { return e.Step == r.step && e.State == Failed && e.Err != nil }) {
		t.Errorf("no failed event for step %s", r.step)
	}

	checkCreatedMatchesInventory(t, env.platform, setupErr.Created)

	result, err := env.runner(t).Resume(context.Background(), plan.RunID, nil)
	if err != nil {
		t.Fatalf("Resume() after the fault was removed: %v", err)
	}
	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")

	return fmt.Sprintf("%s@%s", adobeErr.Cause, r.step)
}

// checkCreatedMatchesInventory fails unless the error's created resources
// are exactly what the simulator holds.
func checkCreatedMatchesInventory(t *testing.T, platform *sim.Platform, created []Resource) {
	t.Helper()

	r := platform.Inventory()["dev"]
	var held []string
	for _, ids := range [][]string{r.FieldGroups, r.Schemas, r.Datasets, r.MappingSets, r.SourceConnections, r.TargetConnections, r.Flows} {
		held = append(held, ids...)
	}
	var reported []string
	for _, resource := range created {
		reported = append(reported, resource.ID)
	}

	slices.Sort(held)
	slices.Sort(reported)
	if !slices.Equal(held, reported) {
		t.Errorf("error lists created %v, simulator holds %v", reported, held)
	}
}
