package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/setup"
)

// fakeBackend returns fixed data, so rendered screens are the same on every run.
type fakeBackend struct {
	mu         sync.Mutex
	connectErr error
	session    *fakeSession
}

func (b *fakeBackend) Connect(ctx context.Context, creds aep.Credentials) (Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.connectErr != nil {
		return nil, b.connectErr
	}
	return b.session, nil
}

func (b *fakeBackend) setConnectErr(err error) {
	b.mu.Lock()
	b.connectErr = err
	b.mu.Unlock()
}

// fakeSession stands in for a small organization. Apply emits a few progress events, closes
// emitted, then waits for release before it returns applyErr. Resume finishes the run.
type fakeSession struct {
	mu           sync.Mutex
	sandboxes    []aep.Sandbox
	datasets     []DatasetChoice
	datasetCalls int
	schema       aep.Schema
	result       setup.Result
	applyErr     error
	setups       *fakeSetups

	emitted chan struct{}
	release chan struct{}
}

// fakeTime is the creation time of every fake resource.
var fakeTime = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// fakeRunID replaces the random run ID of plans in rendered screens.
const fakeRunID = "cio-0a1b2c"

func newFakeBackend() *fakeBackend {
	return &fakeBackend{session: newFakeSession()}
}

func newFakeSession() *fakeSession {
	ref := func(id string) *aep.SchemaRef {
		return &aep.SchemaRef{ID: id, ContentType: "application/vnd.adobe.xed+json;version=1"}
	}
	eventSchema := "https://ns.adobe.com/acmecorp/schemas/1f0c"
	profileSchema := "https://ns.adobe.com/acmecorp/schemas/9d2e"

	session := &fakeSession{
		sandboxes: []aep.Sandbox{
			{Name: "prod", Title: "Production", Type: "production", State: "active", IsDefault: true},
			{Name: "dev", Title: "Development", Type: "development", State: "active"},
			{Name: "stage", Title: "Staging", Type: "development", State: "active"},
		},
		datasets: []DatasetChoice{
			{Dataset: aep.Dataset{ID: "64f0a1b2c3d4e5f601234567", Name: "Marketing events", SchemaRef: ref(eventSchema), Updated: fakeTime.AddDate(0, 0, -3)}, SchemaTitle: "Marketing events schema"},
			{Dataset: aep.Dataset{ID: "64f0a1b2c3d4e5f601234568", Name: "CRM profiles", SchemaRef: ref(profileSchema), Updated: fakeTime.AddDate(0, -1, 0)}, SchemaTitle: "CRM profile schema", Problem: DatasetNotEvent},
			{Dataset: aep.Dataset{ID: "64f0a1b2c3d4e5f601234569", Name: "Raw uploads", Updated: fakeTime.AddDate(0, 0, -10)}, Problem: DatasetNoSchema},
		},
		schema: aep.Schema{
			SchemaSummary: aep.SchemaSummary{ID: eventSchema, Title: "Marketing events schema", Class: aep.ExperienceEventClass},
			Fields: []aep.SchemaField{
				{Path: "_id", Type: "string", Title: "Identifier", Required: true},
				{Path: "timestamp", Type: "string", Format: "date-time", Title: "Timestamp", Required: true},
				{Path: "eventType", Type: "string", Title: "Event Type"},
				{Path: "_acmecorp.email", Type: "string", Title: "Email"},
				{Path: "_acmecorp.campaign_id", Type: "integer", Title: "Campaign ID"},
			},
		},
		result: setup.Result{
			RunID:         fakeRunID,
			Sandbox:       "prod",
			WebhookURL:    "https://dcs.adobedc.net/collection/4f1c0a9e0b6d4c2f8e7a1b3c5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90?x-adobe-flow-id=2c1f0a8e-6b4d-4e2f-9a7c-1d3e5f7a9b0c",
			FlowID:        "2c1f0a8e-6b4d-4e2f-9a7c-1d3e5f7a9b0c",
			InletURL:      "https://dcs.adobedc.net/collection/4f1c0a9e0b6d4c2f8e7a1b3c5d7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90",
			DatasetID:     "64f0a1b2c3d4e5f60123456a",
			SchemaID:      "https://ns.adobe.com/acmecorp/schemas/5a6b",
			EventGroups:   []string{"customer", "email", "sms", "push", "in_app", "slack", "webhook"},
			FlowCreatedAt: fakeTime,
			SendAfter:     fakeTime.Add(setup.SendDelay),
		},
		emitted: make(chan struct{}),
		release: make(chan struct{}),
	}
	session.setups = newFakeSetups(session.result)
	return session
}

func (s *fakeSession) ListSandboxes(ctx context.Context) ([]aep.Sandbox, error) {
	return s.sandboxes, nil
}

func (s *fakeSession) ListDatasets(ctx context.Context, sandbox string) ([]DatasetChoice, error) {
	s.mu.Lock()
	s.datasetCalls++
	s.mu.Unlock()
	return s.datasets, nil
}

func (s *fakeSession) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.datasetCalls
}

func (s *fakeSession) LoadMapping(ctx context.Context, sandbox, datasetID string) (*setup.MappingModel, error) {
	model := setup.NewMappingModel(s.schema)
	model.Suggest()
	return model, nil
}

func (s *fakeSession) Apply(ctx context.Context, plan setup.Plan, progress func(setup.Event)) (setup.Result, error) {
	steps := plan.Steps()
	progress(setup.Event{RunID: plan.RunID, Step: steps[0], State: setup.Done})
	progress(setup.Event{RunID: plan.RunID, Step: steps[1], State: setup.Done,
		Resource: &setup.Resource{Kind: setup.KindFieldGroup, ID: "https://ns.adobe.com/acmecorp/mixins/7e1f", Name: "Customer.io events (" + plan.RunID + ")", CreatedAt: fakeTime}})
	progress(setup.Event{RunID: plan.RunID, Step: steps[2], State: setup.Retrying, Attempt: 1, MaxAttempts: 4, Wait: time.Second})
	progress(setup.Event{RunID: plan.RunID, Step: setup.StepSourceConnection, State: setup.Running})
	close(s.emitted)

	select {
	case <-s.release:
	case <-ctx.Done():
		return setup.Result{}, &setup.Error{Cause: setup.CauseCanceled, RunID: plan.RunID, Err: ctx.Err()}
	}

	progress(setup.Event{RunID: plan.RunID, Step: steps[2], State: setup.Failed})
	return setup.Result{}, s.applyErr
}

func (s *fakeSession) Resume(ctx context.Context, runID string, progress func(setup.Event)) (setup.Result, error) {
	for _, id := range (setup.Plan{Data: setup.ReadyMade}).Steps() {
		progress(setup.Event{RunID: runID, Step: id, State: setup.Done})
	}
	return s.result, nil
}

func (s *fakeSession) Rollback(ctx context.Context, runID string, progress func(setup.Event)) error {
	return nil
}

func (s *fakeSession) Setups() Setups {
	return s.setups
}

// fakeSetups plays two Customer.io setups in the sandbox "prod": the one of the fake result,
// enabled, and an older disabled one. Health reports three runs with one failed record.
type fakeSetups struct {
	mu     sync.Mutex
	setups []existing.Setup
}

func newFakeSetups(result setup.Result) *fakeSetups {
	older := "7d4e2b1a-3c5f-4a6e-8b9d-0e1f2a3b4c5d"
	olderInlet := "https://dcs.adobedc.net/collection/9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
	return &fakeSetups{setups: []existing.Setup{
		{
			Sandbox:              result.Sandbox,
			FlowID:               result.FlowID,
			FlowName:             "Customer.io dataflow (" + fakeRunID + ")",
			Created:              result.FlowCreatedAt,
			State:                "enabled",
			SourceConnectionID:   "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
			SourceConnectionName: "Customer.io source connection (" + fakeRunID + ")",
			TargetConnectionID:   "8e7d6c5b-4a3f-4e2d-9c1b-0a9f8e7d6c5b",
			TargetConnectionName: "Customer.io target connection (" + fakeRunID + ")",
			DatasetID:            result.DatasetID,
			DatasetName:          "Customer.io events (" + fakeRunID + ")",
			SchemaID:             result.SchemaID,
			InletURL:             result.InletURL,
			WebhookURL:           result.WebhookURL,
		},
		{
			Sandbox:              result.Sandbox,
			FlowID:               older,
			FlowName:             "Customer.io dataflow (cio-7f3e9d)",
			Created:              fakeTime.AddDate(0, 0, -14),
			State:                "disabled",
			SourceConnectionID:   "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
			SourceConnectionName: "Customer.io source connection (cio-7f3e9d)",
			TargetConnectionID:   "6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c",
			TargetConnectionName: "Customer.io target connection (cio-7f3e9d)",
			DatasetID:            "64f0a1b2c3d4e5f601234567",
			DatasetName:          "Marketing events",
			SchemaID:             "https://ns.adobe.com/acmecorp/schemas/1f0c",
			InletURL:             olderInlet,
			WebhookURL:           olderInlet + "?x-adobe-flow-id=" + older,
		},
	}}
}

func (f *fakeSetups) List(ctx context.Context, sandbox string) ([]existing.Setup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()

	var listed []existing.Setup
	for _, s := range f.setups {
		if s.Sandbox == sandbox {
			listed = append(listed, s)
		}
	}
	return listed, nil
}

func (f *fakeSetups) Enable(ctx context.Context, s existing.Setup) (existing.Setup, error) {
	return f.setState(s, "enabled"), nil
}

func (f *fakeSetups) Disable(ctx context.Context, s existing.Setup) (existing.Setup, error) {
	return f.setState(s, "disabled"), nil
}

func (f *fakeSetups) setState(s existing.Setup, state string) existing.Setup {
	f.mu.Lock()
	defer f.mu.Unlock()

	s.State = state
	for i := range f.setups {
		if f.setups[i].FlowID == s.FlowID {
			f.setups[i].State = state
		}
	}
	return s
}

func (f *fakeSetups) DescribeDelete(s existing.Setup) existing.DeletePlan {
	return existing.New(nil, existing.Options{}).DescribeDelete(s)
}

func (f *fakeSetups) Delete(ctx context.Context, s existing.Setup) (existing.DeleteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()

	f.setups = slices.DeleteFunc(f.setups, func(listed existing.Setup) bool { return listed.FlowID == s.FlowID })
	plan := existing.New(nil, existing.Options{}).DescribeDelete(s)
	return existing.DeleteResult{Deleted: plan.Delete}, nil
}

// Health reports three hourly runs before now: five records, four ingested, one failed.
func (f *fakeSetups) Health(ctx context.Context, sandbox, flowID string, now time.Time) (existing.Health, error) {
	lastRun := now.Truncate(time.Hour)
	return existing.Health{
		Sandbox:    sandbox,
		FlowID:     flowID,
		Since:      now.Add(-existing.HealthWindow),
		Until:      now,
		Runs:       3,
		Received:   5,
		Ingested:   4,
		Failed:     1,
		LastEvent:  existing.Window{Start: lastRun, End: now},
		LastStatus: "partialSuccess",
		Errors: []existing.RunError{{
			Code:     "MAPPER-3700-400",
			Message:  "Required field _id has no value.",
			Count:    1,
			LastSeen: lastRun,
		}},
	}, nil
}

// fakeMissingPermission is the failure the fake Apply returns in rendered screens.
func fakeMissingPermission(runID string) error {
	return &setup.Error{
		Cause:   setup.CauseAdobe,
		RunID:   runID,
		Sandbox: "prod",
		Step:    setup.StepSchema,
		Created: []setup.Resource{{Kind: setup.KindFieldGroup, ID: "https://ns.adobe.com/acmecorp/mixins/7e1f", Name: "Customer.io events (" + runID + ")"}},
		Err: &aep.Error{
			Op: "CreateSchema", Cause: aep.CauseMissingPermission, Status: 403, Code: "FLOW-2118-403",
			Message: "The user does not have the required permission.", RequestID: "9f8e7d6c-5b4a-4321-8765-0fedcba98765",
			Sandbox: "prod", Permission: "Manage Schemas", Attempts: 1,
		},
	}
}

// fixPlanNames replaces the plan's random run ID with fakeRunID in its ID and resource names.
func fixPlanNames(plan *setup.Plan) {
	old := plan.RunID
	plan.RunID = fakeRunID
	for i, r := range plan.Resources {
		plan.Resources[i].Name = strings.ReplaceAll(r.Name, old, fakeRunID)
	}
}

// fakeDatasets returns n datasets for the search tests.
func fakeDatasets(n int) []DatasetChoice {
	datasets := make([]DatasetChoice, n)
	for i := range datasets {
		datasets[i] = DatasetChoice{
			Dataset:     aep.Dataset{ID: fmt.Sprintf("%024x", i), Name: fmt.Sprintf("Dataset %05d", i), SchemaRef: &aep.SchemaRef{ID: "schema"}},
			SchemaTitle: fmt.Sprintf("Schema %d", i%300),
		}
	}
	return datasets
}
