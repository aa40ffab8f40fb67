package setup

import (
	"context"
	"errors"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

// eventLog records progress events for later checks.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// has reports whether an event of step in state was recorded.
func (l *eventLog) has(step StepID, state StepState) bool {
	return slices.ContainsFunc(l.all(), func(e Event) bool { return e.Step == step && e.State == state })
}

// webhookShape matches the webhook URL the simulator's inlet gives:
// {inletUrl}?x-adobe-flow-id={flowId}.
var webhookShape = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/collection/[0-9a-f]{64}\?x-adobe-flow-id=[0-9a-f-]{36}$`)

// checkOneOfEach fails unless the sandbox holds exactly one created resource
// of every kind a ready-made setup creates.
func checkOneOfEach(t *testing.T, platform *sim.Platform, sandbox string, data DataChoice) {
	t.Helper()

	r := platform.Inventory()[sandbox]
	counts := map[ResourceKind]int{
		KindFieldGroup:       len(r.FieldGroups),
		KindSchema:           len(r.Schemas),
		KindDataset:          len(r.Datasets),
		KindMappingSet:       len(r.MappingSets),
		KindSourceConnection: len(r.SourceConnections),
		KindTargetConnection: len(r.TargetConnections),
		KindFlow:             len(r.Flows),
	}
	for kind, n := range counts {
		want := 1
		if data == ExistingDataset && (kind == KindFieldGroup || kind == KindSchema || kind == KindDataset) {
			want = 0
		}
		if n != want {
			t.Errorf("sandbox %s holds %d of %s, want %d", sandbox, n, kind, want)
		}
	}
}

// checkNoneLeft fails if the sandbox holds any created resource.
func checkNoneLeft(t *testing.T, platform *sim.Platform, sandbox string) {
	t.Helper()
	if r, ok := platform.Inventory()[sandbox]; ok {
		t.Errorf("sandbox %s still holds %+v, want nothing", sandbox, r)
	}
}

func checkResult(t *testing.T, platform *sim.Platform, result Result) {
	t.Helper()

	if !webhookShape.MatchString(result.WebhookURL) {
		t.Errorf("WebhookURL = %q, want {inletUrl}?x-adobe-flow-id={flowId}", result.WebhookURL)
	}
	if want := result.InletURL + "?x-adobe-flow-id=" + result.FlowID; result.WebhookURL != want {
		t.Errorf("WebhookURL = %q, want %q", result.WebhookURL, want)
	}
	if want := platform.InletURL + "/collection/"; len(result.InletURL) <= len(want) || result.InletURL[:len(want)] != want {
		t.Errorf("InletURL = %q, want it under %s", result.InletURL, want)
	}
	if result.DatasetID == "" || result.SchemaID == "" {
		t.Errorf("DatasetID = %q, SchemaID = %q, want both set", result.DatasetID, result.SchemaID)
	}
	if got := result.SendAfter.Sub(result.FlowCreatedAt); got != 5*time.Minute {
		t.Errorf("SendAfter - FlowCreatedAt = %v, want 5m", got)
	}
}

func TestApplyReadyMade(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev"), EventGroups: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}

	var events eventLog
	result, err := env.runner(t).Apply(context.Background(), plan, events.add)
	if err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
	if result.Sandbox != "dev" || result.RunID != plan.RunID {
		t.Errorf("Sandbox, RunID = %q, %q, want dev, %s", result.Sandbox, result.RunID, plan.RunID)
	}
	if !slices.Equal(result.EventGroups, []string{"email"}) {
		t.Errorf("EventGroups = %v, want [email]", result.EventGroups)
	}
	for _, step := range plan.Steps() {
		if !events.has(step, Running) || !events.has(step, Done) {
			t.Errorf("step %s: want a running and a done event", step)
		}
	}

	summary, err := LoadRun(env.dir, plan.RunID)
	if err != nil {
		t.Fatalf("LoadRun() error = %v", err)
	}
	if summary.Status != RunSucceeded {
		t.Errorf("journal status = %s, want succeeded", summary.Status)
	}
	if summary.Result == nil || !sameResult(*summary.Result, result) {
		t.Errorf("journal result = %+v, want %+v", summary.Result, result)
	}
	if len(summary.Resources) != len(plan.Resources) {
		t.Errorf("journal lists %d resources, want %d", len(summary.Resources), len(plan.Resources))
	}
	for _, r := range summary.Resources {
		if r.ID == "" {
			t.Errorf("resource %s has no ID", r.Kind)
		}
	}

	info, err := os.Stat(journalPath(env.dir, plan.RunID))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("journal mode = %o, want 600", mode)
	}
	data, err := os.ReadFile(journalPath(env.dir, plan.RunID))
	if err != nil {
		t.Fatal(err)
	}
	if secret := env.platform.Credential().ClientSecret; regexp.MustCompile(regexp.QuoteMeta(secret)).Match(data) {
		t.Error("journal contains the client secret")
	}

	again, err := env.runner(t).Resume(context.Background(), plan.RunID, nil)
	if err != nil {
		t.Fatalf("Resume() of a finished run error = %v", err)
	}
	if again.WebhookURL != result.WebhookURL {
		t.Errorf("Resume() WebhookURL = %q, want %q", again.WebhookURL, result.WebhookURL)
	}
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
}

// sameResult compares results, with times compared by instant.
func sameResult(a, b Result) bool {
	if !a.FlowCreatedAt.Equal(b.FlowCreatedAt) || !a.SendAfter.Equal(b.SendAfter) {
		return false
	}
	a.FlowCreatedAt, a.SendAfter = b.FlowCreatedAt, b.SendAfter
	return reflect.DeepEqual(a, b)
}

func TestApplyRunsSourceConnectionAlongsideSchema(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}

	// The field group create waits until the source connection is done, so
	// the run can only finish if the two steps run at the same time.
	release := env.front.gate(sim.RouteCreateFieldGroup)
	var events eventLog
	sourceDone := make(chan struct{})
	var once sync.Once
	progress := func(e Event) {
		events.add(e)
		if e.Step == StepSourceConnection && e.State == Done {
			once.Do(func() { close(sourceDone) })
		}
	}

	// The held call must not time out while the source connection runs.
	runner := env.runner(t)
	runner.Client = env.clientWithTimeout(t, time.Minute)

	done := make(chan error, 1)
	go func() {
		_, err := runner.Apply(context.Background(), plan, progress)
		done <- err
	}()

	select {
	case <-sourceDone:
	case <-time.After(30 * time.Second):
		t.Fatal("source connection not done while the field group was held")
	}
	if events.has(StepFieldGroup, Done) {
		t.Error("field group done before it was released")
	}
	release()

	if err := <-done; err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
}

// eventSchemaDataset returns a seeded dataset of the sandbox whose schema
// is an ExperienceEvent schema, and that schema.
func eventSchemaDataset(t *testing.T, env *testEnv, sandbox string) (aep.Dataset, aep.Schema) {
	t.Helper()
	ctx := context.Background()
	client := env.client(t).Sandbox(sandbox)

	datasets, err := client.ListDatasets(ctx, aep.DatasetQuery{WithSchema: true})
	if err != nil {
		t.Fatalf("ListDatasets() error = %v", err)
	}
	for _, dataset := range datasets {
		schema, err := client.GetSchema(ctx, dataset.SchemaRef.ID)
		if err != nil {
			t.Fatalf("GetSchema(%s) error = %v", dataset.SchemaRef.ID, err)
		}
		if CheckSchema(schema) == nil {
			return dataset, schema
		}
	}
	t.Fatalf("sandbox %s has no ExperienceEvent dataset", sandbox)
	return aep.Dataset{}, aep.Schema{}
}

// writeRoutes are the routes that create something.
var writeRoutes = []string{
	sim.RouteCreateFieldGroup,
	sim.RouteCreateSchema,
	sim.RouteCreateDataset,
	sim.RouteCreateMappingSet,
	sim.RouteCreateSourceConnection,
	sim.RouteCreateTargetConnection,
	sim.RouteCreateFlow,
}

func TestApplyExistingDatasetRejectsMappingWithoutID(t *testing.T) {
	env := newTestEnv(t)
	dataset, schema := eventSchemaDataset(t, env, "dev")

	model := NewMappingModel(schema)
	model.Suggest()
	model.Clear("_id")

	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev"), Data: ExistingDataset, DatasetID: dataset.ID, Mappings: model.Mappings()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.runner(t).Apply(context.Background(), plan, nil)

	var setupErr *Error
	if !errors.As(err, &setupErr) {
		t.Fatalf("Apply() error = %v, want *Error", err)
	}
	if setupErr.Cause != CauseMappingIncomplete {
		t.Errorf("Cause = %q, want %q", setupErr.Cause, CauseMappingIncomplete)
	}
	if setupErr.Step != StepReadDataset {
		t.Errorf("Step = %q, want %q", setupErr.Step, StepReadDataset)
	}
	if !slices.Equal(setupErr.Missing, []string{"_id"}) {
		t.Errorf("Missing = %v, want [_id]", setupErr.Missing)
	}
	for _, route := range append(writeRoutes, sim.RouteValidateMappingSet) {
		if n := env.platform.Calls(route); n != 0 {
			t.Errorf("%s called %d times, want none", route, n)
		}
	}
	checkNoneLeft(t, env.platform, "dev")
}

func TestApplyExistingDataset(t *testing.T) {
	env := newTestEnv(t)
	dataset, schema := eventSchemaDataset(t, env, "dev")

	model := NewMappingModel(schema)
	model.Suggest()
	if err := model.Validate(); err != nil {
		t.Fatalf("suggested mapping: Validate() = %v", err)
	}

	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev"), Data: ExistingDataset, DatasetID: dataset.ID, Mappings: model.Mappings()})
	if err != nil {
		t.Fatal(err)
	}
	result, err := env.runner(t).Apply(context.Background(), plan, nil)
	if err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ExistingDataset)
	if result.DatasetID != dataset.ID {
		t.Errorf("DatasetID = %q, want the chosen %q", result.DatasetID, dataset.ID)
	}
	if result.SchemaID != dataset.SchemaRef.ID {
		t.Errorf("SchemaID = %q, want the dataset's %q", result.SchemaID, dataset.SchemaRef.ID)
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")
	if _, err := env.client(t).Sandbox("dev").GetDataset(context.Background(), dataset.ID); err != nil {
		t.Errorf("chosen dataset after rollback: %v, want it kept", err)
	}
}

func TestApplyRejectsUnconfirmedProduction(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "prod"), ConfirmProduction: true})
	if err != nil {
		t.Fatal(err)
	}
	tokenCalls := env.platform.Calls(sim.RouteToken)

	plan.ConfirmProduction = false
	_, err = env.runner(t).Apply(context.Background(), plan, nil)

	if CauseOf(err) != CauseProductionNotConfirmed {
		t.Fatalf("Apply() error = %v, want cause %s", err, CauseProductionNotConfirmed)
	}
	if n := env.platform.Calls(sim.RouteToken); n != tokenCalls {
		t.Errorf("token requested %d more times, want no call", n-tokenCalls)
	}
	for _, route := range append(writeRoutes, sim.RouteConnectionSpec) {
		if n := env.platform.Calls(route); n != 0 {
			t.Errorf("%s called %d times, want none", route, n)
		}
	}
	if _, err := os.Stat(journalPath(env.dir, plan.RunID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal written for a rejected plan: %v", err)
	}
}

func TestApplyConfirmedProduction(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "prod"), ConfirmProduction: true})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := env.runner(t).Apply(context.Background(), plan, nil); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}
	checkOneOfEach(t, env.platform, "prod", ReadyMade)
}

func TestApplyTwiceRejected(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.runner(t).Apply(context.Background(), plan, nil); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	_, err = env.runner(t).Apply(context.Background(), plan, nil)
	if CauseOf(err) != CauseJournal {
		t.Errorf("second Apply() error = %v, want cause %s", err, CauseJournal)
	}
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
}

func TestCancelLeavesResumableRun(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := func(e Event) {
		if e.Step == StepDataset && e.State == Running {
			cancel()
		}
	}
	_, err = env.runner(t).Apply(ctx, plan, progress)
	if CauseOf(err) != CauseCanceled {
		t.Fatalf("Apply() error = %v, want cause %s", err, CauseCanceled)
	}

	summary, err := LoadRun(env.dir, plan.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Status != RunCanceled || !summary.Resumable() {
		t.Errorf("status = %s, resumable = %v, want canceled and resumable", summary.Status, summary.Resumable())
	}
	if summary.Steps[StepSchema] != Done {
		t.Errorf("schema step = %s, want done", summary.Steps[StepSchema])
	}

	result, err := env.runner(t).Resume(context.Background(), plan.RunID, nil)
	if err != nil {
		t.Fatalf("Resume() error = %v", err)
	}
	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
}

func TestRollbackDeletesNewestFirst(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.runner(t).Apply(context.Background(), plan, nil); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	var events eventLog
	if err := env.runner(t).Rollback(context.Background(), plan.RunID, events.add); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")

	position := map[ResourceKind]int{}
	for i, e := range events.all() {
		if e.Step == StepRollback && e.State == Done && e.Resource != nil {
			position[e.Resource.Kind] = i
		}
	}
	if len(position) != 7 {
		t.Fatalf("deleted kinds = %v, want all 7", position)
	}
	order := [][2]ResourceKind{
		{KindFlow, KindMappingSet}, {KindFlow, KindSourceConnection}, {KindFlow, KindTargetConnection},
		{KindTargetConnection, KindDataset}, {KindDataset, KindSchema}, {KindMappingSet, KindSchema},
		{KindSchema, KindFieldGroup},
	}
	for _, pair := range order {
		if position[pair[0]] > position[pair[1]] {
			t.Errorf("%s deleted after %s, want before", pair[0], pair[1])
		}
	}

	summary, err := LoadRun(env.dir, plan.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Status != RunRolledBack {
		t.Errorf("status = %s, want rolled_back", summary.Status)
	}
	for _, r := range summary.Resources {
		if r.DeletedAt == nil {
			t.Errorf("resource %s %s not marked deleted", r.Kind, r.ID)
		}
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Errorf("second Rollback() error = %v, want nil", err)
	}
	if _, err := env.runner(t).Resume(context.Background(), plan.RunID, nil); CauseOf(err) != CauseRunRolledBack {
		t.Errorf("Resume() after rollback error = %v, want cause %s", err, CauseRunRolledBack)
	}
}

func TestInletTimeoutResumes(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}

	// The dataflow reads back without options.inletUrl for as long as the
	// fault is held, as before Adobe has filled it in.
	env.front.hold(sim.RouteFlow, sim.Fault{Status: http.StatusOK, Body: `{"items":[{"id":"pending","state":"enabled"}]}`})
	_, err = env.runner(t).Apply(context.Background(), plan, nil)
	env.front.release(sim.RouteFlow)

	var setupErr *Error
	if !errors.As(err, &setupErr) || setupErr.Cause != CauseInletTimeout {
		t.Fatalf("Apply() error = %v, want cause %s", err, CauseInletTimeout)
	}
	if setupErr.Step != StepInlet {
		t.Errorf("Step = %q, want %q", setupErr.Step, StepInlet)
	}
	if polls := env.platform.Calls(sim.RouteFlow); polls < 2 {
		t.Errorf("dataflow read %d times, want repeated polls", polls)
	}

	result, err := env.runner(t).Resume(context.Background(), plan.RunID, nil)
	if err != nil {
		t.Fatalf("Resume() error = %v", err)
	}
	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
}

func TestApplyStopsWhereSourceNotProvisioned(t *testing.T) {
	env := newTestEnv(t)
	env.platform.SetSourceProvisioned("dev", false)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}

	_, err = env.runner(t).Apply(context.Background(), plan, nil)

	var setupErr *Error
	if !errors.As(err, &setupErr) {
		t.Fatalf("Apply() error = %v, want *Error", err)
	}
	if setupErr.Step != StepCheckSource {
		t.Errorf("Step = %q, want %q", setupErr.Step, StepCheckSource)
	}
	if got := setupErr.AdobeCause(); got != aep.CauseSourceNotProvisioned {
		t.Errorf("AdobeCause() = %q, want %q", got, aep.CauseSourceNotProvisioned)
	}
	for _, route := range writeRoutes {
		if n := env.platform.Calls(route); n != 0 {
			t.Errorf("%s called %d times, want none", route, n)
		}
	}
	checkNoneLeft(t, env.platform, "dev")
}

func TestRollbackContinuesAfterFailure(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.runner(t).Apply(context.Background(), plan, nil); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	env.front.hold(sim.RouteDeleteDataset, sim.Fault{Status: http.StatusInternalServerError})
	err = env.runner(t).Rollback(context.Background(), plan.RunID, nil)
	env.front.release(sim.RouteDeleteDataset)

	var setupErr *Error
	if !errors.As(err, &setupErr) || setupErr.Cause != CauseRollbackIncomplete {
		t.Fatalf("Rollback() error = %v, want cause %s", err, CauseRollbackIncomplete)
	}
	var left []ResourceKind
	for _, r := range setupErr.Created {
		left = append(left, r.Kind)
	}
	// The dataflow and the target connection depend on the dataset, so they
	// are newer and deleted first. Steps that ran beside the dataset's may
	// have created older resources that are left too.
	for _, kind := range []ResourceKind{KindFieldGroup, KindSchema, KindDataset} {
		if !slices.Contains(left, kind) {
			t.Errorf("resources left = %v, want %s among them", left, kind)
		}
	}
	for _, kind := range []ResourceKind{KindFlow, KindTargetConnection} {
		if slices.Contains(left, kind) {
			t.Errorf("resources left = %v, want %s deleted", left, kind)
		}
	}
	summary, err := LoadRun(env.dir, plan.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Status != RunRollbackFailed {
		t.Errorf("status = %s, want %s", summary.Status, RunRollbackFailed)
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("second Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")
}
