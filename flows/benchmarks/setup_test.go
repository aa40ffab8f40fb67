package benchmarks

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// setupLatency is the delay the simulator adds to every call in
// BenchmarkSetupCriticalPath.
const setupLatency = 100 * time.Millisecond

// setupPollInterval keeps the wait between two reads of the dataflow short,
// so polling for the inlet URL adds no time of its own to the measurement.
const setupPollInterval = time.Millisecond

// stepNode is one setup step with the steps it waits for.
type stepNode struct {
	id   setup.StepID
	deps []setup.StepID
}

// readyMadeGraph is the step graph of a ready-made setup. flows/setup keeps
// its graph unexported (stepGraph in plan.go), so this copy restates it.
// TestStepGraphMatchesPlan and TestSetupRoundTripsByStep check the copy
// against the plan and against the order of a real run.
var readyMadeGraph = []stepNode{
	{setup.StepCheckSource, nil},
	{setup.StepFieldGroup, []setup.StepID{setup.StepCheckSource}},
	{setup.StepSchema, []setup.StepID{setup.StepFieldGroup}},
	{setup.StepDataset, []setup.StepID{setup.StepSchema}},
	{setup.StepValidateMapping, []setup.StepID{setup.StepSchema}},
	{setup.StepMappingSet, []setup.StepID{setup.StepValidateMapping}},
	{setup.StepSourceConnection, []setup.StepID{setup.StepCheckSource}},
	{setup.StepTargetConnection, []setup.StepID{setup.StepDataset}},
	{setup.StepFlow, []setup.StepID{setup.StepMappingSet, setup.StepSourceConnection, setup.StepTargetConnection}},
	{setup.StepInlet, []setup.StepID{setup.StepFlow}},
}

// stepOfRoute names the step that calls each route during a ready-made setup.
// The calls of one step run one after another.
var stepOfRoute = map[string]setup.StepID{
	sim.RouteConnectionSpec:         setup.StepCheckSource,
	sim.RouteStats:                  setup.StepFieldGroup, // tenant ID, once per client
	sim.RouteFieldGroups:            setup.StepFieldGroup, // look-up after an ambiguous failure
	sim.RouteCreateFieldGroup:       setup.StepFieldGroup,
	sim.RouteSchemas:                setup.StepSchema, // look-up after an ambiguous failure
	sim.RouteCreateSchema:           setup.StepSchema,
	sim.RouteDatasets:               setup.StepDataset, // look-up after an ambiguous failure
	sim.RouteCreateDataset:          setup.StepDataset,
	sim.RouteValidateMappingSet:     setup.StepValidateMapping,
	sim.RouteMappingSets:            setup.StepMappingSet, // look-up after an ambiguous failure
	sim.RouteCreateMappingSet:       setup.StepMappingSet,
	sim.RouteSourceConnections:      setup.StepSourceConnection, // look-up after an ambiguous failure
	sim.RouteCreateSourceConnection: setup.StepSourceConnection,
	sim.RouteTargetConnections:      setup.StepTargetConnection, // look-up after an ambiguous failure
	sim.RouteCreateTargetConnection: setup.StepTargetConnection,
	sim.RouteFlows:                  setup.StepFlow, // look-up after an ambiguous failure
	sim.RouteCreateFlow:             setup.StepFlow,
	sim.RouteFlow:                   setup.StepInlet,
}

// gatewayRoutes lists every route of the simulated gateway, so a call to a
// route missing from stepOfRoute can be named.
var gatewayRoutes = []string{
	sim.RouteSandboxes, sim.RouteAllSandboxes,
	sim.RouteStats, sim.RouteSchemas, sim.RouteSchema, sim.RouteCreateSchema, sim.RouteDeleteSchema,
	sim.RouteFieldGroups, sim.RouteFieldGroup, sim.RouteCreateFieldGroup, sim.RouteDeleteFieldGroup,
	sim.RouteDatasets, sim.RouteDataset, sim.RouteCreateDataset, sim.RouteDeleteDataset,
	sim.RouteConnectionSpec,
	sim.RouteSourceConnections, sim.RouteSourceConnection, sim.RouteCreateSourceConnection, sim.RouteDeleteSourceConnection,
	sim.RouteTargetConnections, sim.RouteTargetConnection, sim.RouteCreateTargetConnection, sim.RouteDeleteTargetConnection,
	sim.RouteFlows, sim.RouteFlow, sim.RouteCreateFlow, sim.RouteFlowAction, sim.RouteDeleteFlow, sim.RouteRuns,
	sim.RouteValidateMappingSet, sim.RouteCreateMappingSet, sim.RouteMappingSets, sim.RouteMappingSet, sim.RouteDeleteMappingSet,
}

// setupRun is what one measured ready-made setup did.
type setupRun struct {
	wall time.Duration

	// calls counts the gateway calls per route, and requests all of them as
	// the gateway's meter saw them.
	calls    map[string]int
	requests int

	// events holds the progress events in the order the runner sent them.
	events []setup.Event
}

// runReadyMade carries out one ready-made setup in the sandbox "dev" with a
// new client, as a marketer does after the credentials step, and returns
// what it did. latency is set for the setup itself only: the client fetches
// its token and the sandbox list without it.
func runReadyMade(tb testing.TB, e *env, latency time.Duration) setupRun {
	tb.Helper()

	e.platform.SetLatency(0)
	client := e.connectedClient(tb)
	plan, err := setup.NewPlan(setup.Input{Sandbox: sandbox(tb, client, "dev"), Data: setup.ReadyMade})
	if err != nil {
		tb.Fatalf("NewPlan() error = %v", err)
	}
	runner := &setup.Runner{
		Client:       client,
		JournalDir:   tb.TempDir(),
		PollInterval: setupPollInterval,
	}

	var run setupRun
	before := callCounts(e.platform, gatewayRoutes)
	e.gateway.reset()
	e.platform.SetLatency(latency)

	start := time.Now()
	_, err = runner.Apply(context.Background(), plan, func(ev setup.Event) { run.events = append(run.events, ev) })
	run.wall = time.Since(start)

	e.platform.SetLatency(0)
	if err != nil {
		tb.Fatalf("Apply() error = %v", err)
	}
	run.calls = callsSince(e.platform, before)
	run.requests, _ = e.gateway.counts()
	return run
}

// roundTripsByStep adds up the calls of each step. It fails tb when a call
// went to a route that stepOfRoute does not know, or when the gateway served
// requests that no route counted.
func roundTripsByStep(tb testing.TB, run setupRun) map[setup.StepID]int {
	tb.Helper()

	byStep := make(map[setup.StepID]int)
	counted := 0
	for route, n := range run.calls {
		step, ok := stepOfRoute[route]
		if !ok {
			tb.Fatalf("the setup called %s %d times, but stepOfRoute names no step for it", route, n)
		}
		byStep[step] += n
		counted += n
	}
	if counted != run.requests {
		tb.Fatalf("the gateway served %d requests, the routes counted %d: a route is missing from gatewayRoutes", run.requests, counted)
	}
	return byStep
}

// criticalPath returns the longest chain of round trips through graph, where
// each step costs its round trips and starts once all its dependencies
// finished, and the steps along that chain.
func criticalPath(graph []stepNode, roundTrips map[setup.StepID]int) (int, []setup.StepID) {
	nodes := make(map[setup.StepID]stepNode, len(graph))
	for _, node := range graph {
		nodes[node.id] = node
	}

	type chain struct {
		length int
		steps  []setup.StepID
	}
	memo := make(map[setup.StepID]chain)
	var longest func(id setup.StepID) chain
	longest = func(id setup.StepID) chain {
		if c, ok := memo[id]; ok {
			return c
		}
		var best chain
		for _, dep := range nodes[id].deps {
			if c := longest(dep); c.length > best.length {
				best = c
			}
		}
		c := chain{length: best.length + roundTrips[id], steps: append(slices.Clone(best.steps), id)}
		memo[id] = c
		return c
	}

	var best chain
	for _, node := range graph {
		if c := longest(node.id); c.length > best.length {
			best = c
		}
	}
	return best.length, best.steps
}

func TestStepGraphMatchesPlan(t *testing.T) {
	plan, err := setup.NewPlan(setup.Input{Sandbox: aep.Sandbox{Name: "dev"}, Data: setup.ReadyMade})
	if err != nil {
		t.Fatalf("NewPlan() error = %v", err)
	}

	var mirrored []setup.StepID
	for _, node := range readyMadeGraph {
		mirrored = append(mirrored, node.id)
	}
	if got := plan.Steps(); !slices.Equal(mirrored, got) {
		t.Errorf("readyMadeGraph steps = %v, plan steps = %v: update readyMadeGraph from flows/setup", mirrored, got)
	}
}

func TestCriticalPathOfGraph(t *testing.T) {
	roundTrips := map[setup.StepID]int{
		setup.StepCheckSource:      1,
		setup.StepFieldGroup:       2,
		setup.StepSchema:           1,
		setup.StepDataset:          1,
		setup.StepValidateMapping:  3, // longer than the dataset branch
		setup.StepMappingSet:       1,
		setup.StepSourceConnection: 1,
		setup.StepTargetConnection: 1,
		setup.StepFlow:             1,
		setup.StepInlet:            1,
	}

	length, steps := criticalPath(readyMadeGraph, roundTrips)

	if length != 10 {
		t.Errorf("critical path length = %d, want 10", length)
	}
	want := []setup.StepID{
		setup.StepCheckSource, setup.StepFieldGroup, setup.StepSchema, setup.StepValidateMapping,
		setup.StepMappingSet, setup.StepFlow, setup.StepInlet,
	}
	if !slices.Equal(steps, want) {
		t.Errorf("critical path = %v, want %v", steps, want)
	}
}

func TestSetupRoundTripsByStep(t *testing.T) {
	e := startEnv(t, sim.Options{})
	run := runReadyMade(t, e, 0)

	byStep := roundTripsByStep(t, run)
	for _, node := range readyMadeGraph {
		if byStep[node.id] == 0 {
			t.Errorf("step %s made no call, want at least one", node.id)
		}
	}

	// A step may start only once the steps it waits for in readyMadeGraph
	// are done. A step that starts earlier means the copy is out of date.
	done := make(map[setup.StepID]bool)
	deps := make(map[setup.StepID][]setup.StepID)
	for _, node := range readyMadeGraph {
		deps[node.id] = node.deps
	}
	for _, ev := range run.events {
		switch ev.State {
		case setup.Running:
			for _, dep := range deps[ev.Step] {
				if !done[dep] {
					t.Errorf("step %s started before %s was done, but readyMadeGraph makes it wait for it", ev.Step, dep)
				}
			}
		case setup.Done:
			done[ev.Step] = true
		}
	}

	length, path := criticalPath(readyMadeGraph, byStep)
	if length >= run.requests {
		t.Errorf("critical path has %d round trips of %d calls, want fewer: the steps ran one after another", length, run.requests)
	}
	t.Logf("%d calls, %d on the critical path %v, by route: %v", run.requests, length, path, formatCalls(run.calls))
}

// BenchmarkSetupCriticalPath runs a ready-made setup with setupLatency added
// to every call. wall/critical is the wall time over the round trips of the
// critical path times setupLatency: 1 means the runner is as fast as the
// step graph allows. wall/sequential divides by all calls times
// setupLatency instead, which is what running them one after another costs.
func BenchmarkSetupCriticalPath(b *testing.B) {
	e := startEnv(b, sim.Options{})

	var wall, criticalTime, sequentialTime time.Duration
	var critical, calls, runs int
	for b.Loop() {
		run := runReadyMade(b, e, setupLatency)
		length, _ := criticalPath(readyMadeGraph, roundTripsByStep(b, run))

		wall += run.wall
		criticalTime += time.Duration(length) * setupLatency
		sequentialTime += time.Duration(run.requests) * setupLatency
		critical += length
		calls += run.requests
		runs++
	}

	b.ReportMetric(float64(wall)/float64(criticalTime), "wall/critical")
	b.ReportMetric(float64(wall)/float64(sequentialTime), "wall/sequential")
	b.ReportMetric(float64(critical)/float64(runs), "critical-round-trips")
	b.ReportMetric(float64(calls)/float64(runs), "calls")
	b.ReportMetric(float64(wall.Milliseconds())/float64(runs), "setup-ms")
}

// formatCalls lists calls per route in route order, for logs.
func formatCalls(calls map[string]int) string {
	var parts []string
	for _, route := range slices.Sorted(maps.Keys(calls)) {
		parts = append(parts, fmt.Sprintf("%s=%d", route, calls[route]))
	}
	return strings.Join(parts, ", ")
}
