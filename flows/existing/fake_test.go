package existing

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// fakePlatform is an in-memory stand-in for one sandbox of the Platform. It
// records every call in order and can fail chosen calls.
type fakePlatform struct {
	mu sync.Mutex

	flows    []aep.Flow // in list order
	sources  map[string]aep.Connection
	targets  map[string]aep.Connection
	datasets map[string]aep.Dataset
	runs     []aep.Run

	// failures maps "Method id" to the error that call returns.
	failures map[string]error
	calls    []string

	// omitInletInList leaves InletURL out of listed dataflows, as a list
	// response without options would.
	omitInletInList bool

	// release, when set, holds every GetDataset call until it is closed.
	release  chan struct{}
	inFlight int
	peak     int
}

// fakeNoConnections hides the connection look-ups, like the published client.
type fakeNoConnections struct {
	platform
}

func newFakePlatform() *fakePlatform {
	return &fakePlatform{
		sources:  map[string]aep.Connection{},
		targets:  map[string]aep.Connection{},
		datasets: map[string]aep.Dataset{},
		failures: map[string]error{},
	}
}

func notFound(op string) error {
	return &aep.Error{Op: op, Cause: aep.CauseNotFound, Status: 404, Code: "FLOW-1439-404"}
}

// addSetup adds a Customer.io dataflow n with its connections and dataset.
func (f *fakePlatform) addSetup(n int, created time.Time) aep.Flow {
	flow := aep.Flow{
		ID:                      fmt.Sprintf("flow-%d", n),
		Name:                    fmt.Sprintf("Customer.io dataflow %d", n),
		State:                   stateEnabled,
		SourceConnectionIDs:     []string{fmt.Sprintf("source-%d", n)},
		TargetConnectionIDs:     []string{fmt.Sprintf("target-%d", n)},
		SourceConnectionSpecIDs: []string{aep.CustomerIOConnectionSpecID},
		InletURL:                fmt.Sprintf("https://inlet.example/collection/%d", n),
		CreatedAt:               created,
	}
	f.flows = append(f.flows, flow)
	f.sources[flow.SourceConnectionIDs[0]] = aep.Connection{
		ID: flow.SourceConnectionIDs[0], Name: fmt.Sprintf("Customer.io source %d", n),
		ConnectionSpecID: aep.CustomerIOConnectionSpecID,
	}
	f.targets[flow.TargetConnectionIDs[0]] = aep.Connection{
		ID: flow.TargetConnectionIDs[0], Name: fmt.Sprintf("Data lake target %d", n),
		ConnectionSpecID: aep.DataLakeConnectionSpecID, DatasetID: fmt.Sprintf("dataset-%d", n),
	}
	f.datasets[fmt.Sprintf("dataset-%d", n)] = aep.Dataset{
		ID: fmt.Sprintf("dataset-%d", n), Name: fmt.Sprintf("Customer.io events %d", n),
		SchemaRef: &aep.SchemaRef{ID: fmt.Sprintf("https://ns.adobe.com/acmecorp/schemas/%d", n)},
	}
	return flow
}

func (f *fakePlatform) record(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.failures[call]
}

func (f *fakePlatform) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakePlatform) findFlow(id string) (int, bool) {
	for i, flow := range f.flows {
		if flow.ID == id {
			return i, true
		}
	}
	return 0, false
}

func (f *fakePlatform) ListCustomerIOFlows(ctx context.Context) ([]aep.Flow, error) {
	if err := f.record("ListCustomerIOFlows"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	flows := append([]aep.Flow(nil), f.flows...)
	if f.omitInletInList {
		for i := range flows {
			flows[i].InletURL = ""
		}
	}
	return flows, nil
}

func (f *fakePlatform) GetFlow(ctx context.Context, id string) (aep.Flow, error) {
	if err := f.record("GetFlow " + id); err != nil {
		return aep.Flow{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	i, ok := f.findFlow(id)
	if !ok {
		return aep.Flow{}, notFound("GetFlow")
	}
	return f.flows[i], nil
}

func (f *fakePlatform) GetSourceConnection(ctx context.Context, id string) (aep.Connection, error) {
	if err := f.record("GetSourceConnection " + id); err != nil {
		return aep.Connection{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	conn, ok := f.sources[id]
	if !ok {
		return aep.Connection{}, notFound("GetSourceConnection")
	}
	return conn, nil
}

func (f *fakePlatform) GetTargetConnection(ctx context.Context, id string) (aep.Connection, error) {
	if err := f.record("GetTargetConnection " + id); err != nil {
		return aep.Connection{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	conn, ok := f.targets[id]
	if !ok {
		return aep.Connection{}, notFound("GetTargetConnection")
	}
	return conn, nil
}

func (f *fakePlatform) GetDataset(ctx context.Context, id string) (aep.Dataset, error) {
	if err := f.record("GetDataset " + id); err != nil {
		return aep.Dataset{}, err
	}

	f.mu.Lock()
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	release := f.release
	f.mu.Unlock()

	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--

	if err := ctx.Err(); err != nil {
		return aep.Dataset{}, &aep.Error{Op: "GetDataset", Cause: aep.CauseCanceled, Err: err}
	}
	dataset, ok := f.datasets[id]
	if !ok {
		return aep.Dataset{}, notFound("GetDataset")
	}
	return dataset, nil
}

func (f *fakePlatform) ListRuns(ctx context.Context, flowID string, since time.Time) ([]aep.Run, error) {
	if err := f.record("ListRuns " + flowID); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	var runs []aep.Run
	for _, run := range f.runs {
		if run.FlowID == flowID && !run.WindowEnd.Before(since) {
			runs = append(runs, run)
		}
	}
	return runs, nil
}

func (f *fakePlatform) setFlowState(id, state string) error {
	f.mu.Lock()
	defer f.mu.Unlock()

	i, ok := f.findFlow(id)
	if !ok {
		return notFound("FlowAction")
	}
	f.flows[i].State = state
	return nil
}

func (f *fakePlatform) EnableFlow(ctx context.Context, id string) error {
	if err := f.record("EnableFlow " + id); err != nil {
		return err
	}
	return f.setFlowState(id, stateEnabled)
}

func (f *fakePlatform) DisableFlow(ctx context.Context, id string) error {
	if err := f.record("DisableFlow " + id); err != nil {
		return err
	}
	return f.setFlowState(id, stateDisabled)
}

func (f *fakePlatform) DeleteFlow(ctx context.Context, id string) error {
	if err := f.record("DeleteFlow " + id); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	i, ok := f.findFlow(id)
	if !ok {
		return notFound("DeleteFlow")
	}
	f.flows = append(f.flows[:i], f.flows[i+1:]...)
	return nil
}

func (f *fakePlatform) DeleteSourceConnection(ctx context.Context, id string) error {
	if err := f.record("DeleteSourceConnection " + id); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	if _, ok := f.sources[id]; !ok {
		return notFound("DeleteSourceConnection")
	}
	delete(f.sources, id)
	return nil
}

func (f *fakePlatform) DeleteTargetConnection(ctx context.Context, id string) error {
	if err := f.record("DeleteTargetConnection " + id); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()

	if _, ok := f.targets[id]; !ok {
		return notFound("DeleteTargetConnection")
	}
	delete(f.targets, id)
	return nil
}

// newFakeService returns a Service whose every sandbox is fake.
func newFakeService(fake platform, opts Options) *Service {
	return newService(func(string) platform { return fake }, opts)
}
