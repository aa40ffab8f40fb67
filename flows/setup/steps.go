package setup

import (
	"context"
	"fmt"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// createdBy is the description of every resource a setup creates.
const createdBy = "Created by cio-aep-setup for Customer.io reporting webhooks"

// mappingLookBack widens the window in which a resumed run looks for the
// mapping set it may have created. Mapping sets have no name, so they are
// matched by schema, mappings and creation time, and Adobe's clock may run
// behind this computer's.
const mappingLookBack = 2 * time.Minute

// do runs the work of one step. lookUp is set when an earlier attempt of the
// step started, so its resource may exist already.
func (x *run) do(ctx context.Context, id StepID, lookUp bool) (stepOutput, error) {
	switch id {
	case StepCheckSource:
		return x.checkSource(ctx)
	case StepFieldGroup:
		return x.createFieldGroup(ctx, lookUp)
	case StepSchema:
		return x.createSchema(ctx, lookUp)
	case StepDataset:
		return x.createDataset(ctx, lookUp)
	case StepReadDataset:
		return x.readDataset(ctx)
	case StepValidateMapping:
		return x.validateMapping(ctx)
	case StepMappingSet:
		return x.createMappingSet(ctx, lookUp)
	case StepSourceConnection:
		return x.createSourceConnection(ctx, lookUp)
	case StepTargetConnection:
		return x.createTargetConnection(ctx, lookUp)
	case StepFlow:
		return x.createFlow(ctx, lookUp)
	case StepInlet:
		return x.waitForInlet(ctx)
	default:
		return stepOutput{}, &Error{Cause: CauseInvalidInput, Value: fmt.Sprintf("step %s", id)}
	}
}

func (x *run) state() runState {
	return read(x, func(j *journal) runState { return j.State })
}

func (x *run) resource(kind ResourceKind, id, name string) *Resource {
	return &Resource{Kind: kind, ID: id, Name: name, CreatedAt: x.r.now()}
}

func (x *run) checkSource(ctx context.Context) (stepOutput, error) {
	_, err := x.sandbox.CheckCustomerIOSource(ctx)
	return stepOutput{}, err
}

func (x *run) createFieldGroup(ctx context.Context, lookUp bool) (stepOutput, error) {
	tenantID := x.state().TenantID
	if tenantID == "" {
		var err error
		if tenantID, err = x.sandbox.TenantID(ctx); err != nil {
			return stepOutput{}, err
		}
	}

	title := x.names.FieldGroup
	fieldGroup, found, err := lookUpBy(lookUp, func() (aep.FieldGroup, bool, error) {
		return x.sandbox.FindFieldGroupByTitle(ctx, title)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		if fieldGroup, err = x.sandbox.CreateFieldGroup(ctx, readyMadeFieldGroup(tenantID, title)); err != nil {
			return stepOutput{}, err
		}
	}

	return stepOutput{
		resource: x.resource(KindFieldGroup, fieldGroup.ID, title),
		apply: func(s *runState) {
			s.TenantID = tenantID
			s.FieldGroupID = fieldGroup.ID
		},
	}, nil
}

func (x *run) createSchema(ctx context.Context, lookUp bool) (stepOutput, error) {
	title := x.names.Schema
	schema, found, err := lookUpBy(lookUp, func() (aep.SchemaSummary, bool, error) {
		return x.sandbox.FindSchemaByTitle(ctx, title)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		spec := readyMadeSchema(title, x.state().FieldGroupID)
		if schema, err = x.sandbox.CreateSchema(ctx, spec); err != nil {
			return stepOutput{}, err
		}
	}

	return stepOutput{
		resource: x.resource(KindSchema, schema.ID, title),
		apply:    func(s *runState) { s.SchemaID = schema.ID },
	}, nil
}

func (x *run) createDataset(ctx context.Context, lookUp bool) (stepOutput, error) {
	name := x.names.Dataset
	schemaID := x.state().SchemaID

	dataset, found, err := lookUpBy(lookUp, func() (aep.Dataset, bool, error) {
		return x.sandbox.FindDatasetByName(ctx, name)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		spec := aep.DatasetSpec{Name: name, Description: createdBy, SchemaID: schemaID}
		if dataset, err = x.sandbox.CreateDataset(ctx, spec); err != nil {
			return stepOutput{}, err
		}
	}

	datasetSchemaID := schemaID
	if dataset.SchemaRef != nil && dataset.SchemaRef.ID != "" {
		datasetSchemaID = dataset.SchemaRef.ID
	}

	return stepOutput{
		resource: x.resource(KindDataset, dataset.ID, name),
		apply: func(s *runState) {
			s.DatasetID = dataset.ID
			s.DatasetSchemaID = datasetSchemaID
		},
	}, nil
}

// readDataset reads the chosen dataset and its schema, and checks the
// mapping against the schema, before anything is written.
func (x *run) readDataset(ctx context.Context) (stepOutput, error) {
	plan := read(x, func(j *journal) Plan { return j.plan() })

	dataset, err := x.sandbox.GetDataset(ctx, plan.DatasetID)
	if err != nil {
		return stepOutput{}, err
	}
	if dataset.SchemaRef == nil || dataset.SchemaRef.ID == "" {
		return stepOutput{}, &Error{Cause: CauseNoSchema, Value: dataset.ID}
	}

	schema, err := x.sandbox.GetSchema(ctx, dataset.SchemaRef.ID)
	if err != nil {
		return stepOutput{}, err
	}
	if err := CheckSchema(schema); err != nil {
		return stepOutput{}, err
	}
	if err := checkMappings(schema, plan.Mappings); err != nil {
		return stepOutput{}, err
	}

	return stepOutput{apply: func(s *runState) {
		s.DatasetID = dataset.ID
		s.DatasetSchemaID = dataset.SchemaRef.ID
		s.SchemaID = dataset.SchemaRef.ID
	}}, nil
}

// mappingSetSpec returns the mapping set of the run: the generated one for
// ready-made data, the user's one for an existing dataset.
func (x *run) mappingSetSpec() aep.MappingSetSpec {
	return read(x, func(j *journal) aep.MappingSetSpec {
		spec := aep.MappingSetSpec{SchemaID: j.State.SchemaID}
		if j.Plan.Data == ReadyMade {
			spec.Mappings = ReadyMadeMappings(j.State.TenantID)
		} else {
			spec.Mappings = j.plan().Mappings
		}
		return spec
	})
}

func (x *run) validateMapping(ctx context.Context) (stepOutput, error) {
	spec := x.mappingSetSpec()
	issues, err := x.sandbox.ValidateMappingSet(ctx, spec)
	if err != nil {
		return stepOutput{}, err
	}
	if len(issues) > 0 {
		return stepOutput{}, &Error{Cause: CauseMappingInvalid, Value: spec.SchemaID, Issues: issues}
	}
	return stepOutput{}, nil
}

func (x *run) createMappingSet(ctx context.Context, lookUp bool) (stepOutput, error) {
	spec := x.mappingSetSpec()
	since := read(x, func(j *journal) time.Time { return *j.step(StepMappingSet).StartedAt }).Add(-mappingLookBack)

	mappingSet, found, err := lookUpBy(lookUp, func() (aep.MappingSet, bool, error) {
		return x.sandbox.FindMappingSet(ctx, spec, since)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		if mappingSet, err = x.sandbox.CreateMappingSet(ctx, spec); err != nil {
			return stepOutput{}, err
		}
	}

	resource := x.resource(KindMappingSet, mappingSet.ID, x.names.MappingSet)
	resource.Version = mappingSet.Version
	return stepOutput{
		resource: resource,
		apply: func(s *runState) {
			s.MappingSetID = mappingSet.ID
			s.MappingVersion = mappingSet.Version
		},
	}, nil
}

func (x *run) createSourceConnection(ctx context.Context, lookUp bool) (stepOutput, error) {
	name := x.names.SourceConnection
	connection, found, err := lookUpBy(lookUp, func() (aep.Connection, bool, error) {
		return x.sandbox.FindSourceConnectionByName(ctx, name)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		if connection, err = x.sandbox.CreateSourceConnection(ctx, name, createdBy); err != nil {
			return stepOutput{}, err
		}
	}

	return stepOutput{
		resource: x.resource(KindSourceConnection, connection.ID, name),
		apply:    func(s *runState) { s.SourceConnectionID = connection.ID },
	}, nil
}

func (x *run) createTargetConnection(ctx context.Context, lookUp bool) (stepOutput, error) {
	name := x.names.TargetConnection
	state := x.state()

	connection, found, err := lookUpBy(lookUp, func() (aep.Connection, bool, error) {
		return x.sandbox.FindTargetConnectionByName(ctx, name)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		spec := aep.TargetConnectionSpec{
			Name:        name,
			Description: createdBy,
			DatasetID:   state.DatasetID,
			SchemaID:    state.DatasetSchemaID,
		}
		if connection, err = x.sandbox.CreateTargetConnection(ctx, spec); err != nil {
			return stepOutput{}, err
		}
	}

	return stepOutput{
		resource: x.resource(KindTargetConnection, connection.ID, name),
		apply:    func(s *runState) { s.TargetConnectionID = connection.ID },
	}, nil
}

func (x *run) createFlow(ctx context.Context, lookUp bool) (stepOutput, error) {
	name := x.names.Flow
	state := x.state()

	// Adobe rejects a dataflow whose mapping set was written for another
	// schema than the dataset's (Flow Service error 1425-400); checking here
	// names both schemas.
	if state.SchemaID != state.DatasetSchemaID {
		return stepOutput{}, &Error{Cause: CauseSchemaMismatch, Value: state.SchemaID + " != " + state.DatasetSchemaID}
	}

	flow, found, err := lookUpBy(lookUp, func() (aep.Flow, bool, error) {
		return x.sandbox.FindFlowByName(ctx, name)
	})
	if err != nil {
		return stepOutput{}, err
	}
	if !found {
		spec := aep.FlowSpec{
			Name:               name,
			Description:        createdBy,
			SourceConnectionID: state.SourceConnectionID,
			TargetConnectionID: state.TargetConnectionID,
			MappingID:          state.MappingSetID,
			MappingVersion:     state.MappingVersion,
		}
		if flow, err = x.sandbox.CreateFlow(ctx, spec); err != nil {
			return stepOutput{}, err
		}
	}

	createdAt := flow.CreatedAt.Round(0)
	if createdAt.IsZero() {
		createdAt = x.r.now()
	}

	return stepOutput{
		resource: x.resource(KindFlow, flow.ID, name),
		apply: func(s *runState) {
			s.FlowID = flow.ID
			s.FlowCreatedAt = createdAt
			s.InletURL = flow.InletURL
		},
	}, nil
}

// waitForInlet reads the dataflow until Adobe has filled in its inlet URL.
// The waits between reads start at PollInterval and double up to eight
// times that; their sum stays within PollTimeout.
func (x *run) waitForInlet(ctx context.Context) (stepOutput, error) {
	flowID := x.state().FlowID

	interval := x.r.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	timeout := x.r.PollTimeout
	if timeout <= 0 {
		timeout = DefaultPollTimeout
	}

	wait, waited := interval, time.Duration(0)
	for {
		flow, err := x.sandbox.GetFlow(ctx, flowID)
		if err != nil {
			return stepOutput{}, err
		}
		if flow.InletURL != "" {
			return stepOutput{apply: func(s *runState) { s.InletURL = flow.InletURL }}, nil
		}

		if waited >= timeout {
			return stepOutput{}, &Error{Cause: CauseInletTimeout, Value: flowID}
		}
		wait = min(wait, timeout-waited)
		x.log.Debug("inlet URL not ready", "flow", flowID, "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return stepOutput{}, err
		}
		waited += wait
		wait = min(2*wait, 8*interval)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()

	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// lookUpBy calls find when lookUp is set and reports found=false otherwise.
func lookUpBy[T any](lookUp bool, find func() (T, bool, error)) (T, bool, error) {
	if !lookUp {
		var zero T
		return zero, false, nil
	}
	return find()
}
