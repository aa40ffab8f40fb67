package setup

import (
	"context"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// Rollback deletes what the run created, newest first, so nothing is
// deleted while something newer still uses it. It deletes only resources
// the journal lists, plus resources of steps that started without
// finishing, found by their run-specific names. A resource that is already
// gone counts as deleted. Each deletion is journaled; a failed deletion
// stops the rollback with an *Error listing what is left, and calling
// Rollback again continues. Rolling back a rolled-back run does nothing.
//
// Rollback must not run while Apply or Resume is running the same run.
func (r *Runner) Rollback(ctx context.Context, runID string, progress func(Event)) error {
	if err := r.check(); err != nil {
		return err
	}

	j, err := readJournal(r.JournalDir, runID)
	if err != nil {
		return err
	}
	x := r.newRun(j, progress)
	if j.Status == RunRolledBack {
		x.log.Info("rollback skipped, run already rolled back")
		return nil
	}
	x.log.Info("rollback started", "resources", len(j.remaining()))

	if err := x.adoptUnfinished(ctx); err != nil {
		return x.failRollback(err)
	}

	resources := read(x, func(j *journal) []Resource { return append([]Resource(nil), j.Resources...) })
	for i := len(resources) - 1; i >= 0; i-- {
		resource := resources[i]
		if resource.DeletedAt != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return x.failRollback(&Error{Cause: CauseCanceled, Err: err})
		}

		// Every event gets its own copy: the UI reads Resource on its own goroutine while
		// this loop keeps updating resource.
		x.emit(Event{Step: StepRollback, State: Running, Resource: resourceCopy(resource)})
		err := x.delete(aep.WithRetryObserver(ctx, x.retryReporter(StepRollback)), resource)
		if err != nil && !aep.IsNotFound(err) {
			x.log.Error("delete failed", "kind", resource.Kind, "id", resource.ID, "error", err)
			stepErr := x.failRollback(err)
			x.emit(Event{Step: StepRollback, State: Failed, Resource: resourceCopy(resource), Err: stepErr})
			return stepErr
		}

		deletedAt := x.r.now()
		if err := x.update(func(j *journal) { j.Resources[i].DeletedAt = &deletedAt }); err != nil {
			return x.failRollback(asError(err))
		}
		resource.DeletedAt = &deletedAt
		x.log.Info("resource deleted", "kind", resource.Kind, "id", resource.ID, "name", resource.Name)
		x.emit(Event{Step: StepRollback, State: Done, Resource: resourceCopy(resource)})
	}

	if err := x.update(func(j *journal) {
		j.Status = RunRolledBack
		j.LastError = nil
	}); err != nil {
		return x.failRollback(asError(err))
	}
	x.log.Info("rollback finished")
	return nil
}

// resourceCopy returns a pointer to a copy of resource, for an event that outlives the loop.
func resourceCopy(resource Resource) *Resource {
	return &resource
}

func (x *run) failRollback(err error) *Error {
	rollbackErr := asError(err)
	if rollbackErr.Cause == CauseAdobe {
		rollbackErr = &Error{Cause: CauseRollbackIncomplete, Err: err}
	}
	rollbackErr = x.fail(StepRollback, rollbackErr)

	_ = x.update(func(j *journal) {
		j.Status = RunRollbackFailed
		j.LastError = newErrorRecord(rollbackErr)
	})
	return rollbackErr
}

func (x *run) retryReporter(step StepID) func(aep.RetryEvent) {
	return func(e aep.RetryEvent) {
		x.log.Warn("call retrying", "step", step, "op", e.Op, "attempt", e.Attempt, "max_attempts", e.MaxAttempts, "wait", e.Wait, "error", e.Err)
		x.emit(Event{Step: step, State: Retrying, Attempt: e.Attempt, MaxAttempts: e.MaxAttempts, Wait: e.Wait, Err: e.Err})
	}
}

func (x *run) delete(ctx context.Context, r Resource) error {
	switch r.Kind {
	case KindFlow:
		return x.sandbox.DeleteFlow(ctx, r.ID)
	case KindTargetConnection:
		return x.sandbox.DeleteTargetConnection(ctx, r.ID)
	case KindSourceConnection:
		return x.sandbox.DeleteSourceConnection(ctx, r.ID)
	case KindMappingSet:
		return x.sandbox.DeleteMappingSet(ctx, r.ID)
	case KindDataset:
		return x.sandbox.DeleteDataset(ctx, r.ID)
	case KindSchema:
		return x.sandbox.DeleteSchema(ctx, r.ID)
	case KindFieldGroup:
		return x.sandbox.DeleteFieldGroup(ctx, r.ID)
	}
	return &Error{Cause: CauseInvalidInput, Value: "resource kind " + string(r.Kind)}
}

// adoptUnfinished adds to the journal the resources of steps that started
// but did not finish: a crash or a lost response may have left them in
// Adobe without their IDs in the journal. They are added in step order, so
// the rollback, going newest first, deletes the later ones first.
func (x *run) adoptUnfinished(ctx context.Context) error {
	plan := read(x, func(j *journal) Plan { return j.plan() })

	for _, id := range plan.Steps() {
		record := read(x, func(j *journal) stepRecord { return *j.step(id) })
		if record.StartedAt == nil || record.State == Done {
			continue
		}

		resource, err := x.findUnfinished(ctx, id, *record.StartedAt)
		if err != nil {
			return err
		}
		if resource == nil {
			continue
		}

		x.log.Info("unfinished step left a resource", "step", id, "kind", resource.Kind, "id", resource.ID)
		if err := x.update(func(j *journal) {
			if !j.hasResource(resource.Kind, resource.ID) {
				j.Resources = append(j.Resources, *resource)
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

// findUnfinished looks up by name the resource an unfinished step may have
// created, and returns nil when there is none.
func (x *run) findUnfinished(ctx context.Context, id StepID, startedAt time.Time) (*Resource, error) {
	found := func(kind ResourceKind, resourceID, name string, ok bool, err error) (*Resource, error) {
		if err != nil || !ok {
			return nil, err
		}
		return x.resource(kind, resourceID, name), nil
	}

	switch id {
	case StepFieldGroup:
		fieldGroup, ok, err := x.sandbox.FindFieldGroupByTitle(ctx, x.names.FieldGroup)
		return found(KindFieldGroup, fieldGroup.ID, x.names.FieldGroup, ok, err)
	case StepSchema:
		schema, ok, err := x.sandbox.FindSchemaByTitle(ctx, x.names.Schema)
		return found(KindSchema, schema.ID, x.names.Schema, ok, err)
	case StepDataset:
		dataset, ok, err := x.sandbox.FindDatasetByName(ctx, x.names.Dataset)
		return found(KindDataset, dataset.ID, x.names.Dataset, ok, err)
	case StepMappingSet:
		spec := x.mappingSetSpec()
		if spec.SchemaID == "" {
			return nil, nil
		}
		mappingSet, ok, err := x.sandbox.FindMappingSet(ctx, spec, startedAt.Add(-mappingLookBack))
		return found(KindMappingSet, mappingSet.ID, x.names.MappingSet, ok, err)
	case StepSourceConnection:
		connection, ok, err := x.sandbox.FindSourceConnectionByName(ctx, x.names.SourceConnection)
		return found(KindSourceConnection, connection.ID, x.names.SourceConnection, ok, err)
	case StepTargetConnection:
		connection, ok, err := x.sandbox.FindTargetConnectionByName(ctx, x.names.TargetConnection)
		return found(KindTargetConnection, connection.ID, x.names.TargetConnection, ok, err)
	case StepFlow:
		flow, ok, err := x.sandbox.FindFlowByName(ctx, x.names.Flow)
		return found(KindFlow, flow.ID, x.names.Flow, ok, err)
	}
	return nil, nil
}
