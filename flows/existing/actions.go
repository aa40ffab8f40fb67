package existing

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/cioaep/setup/flows/aep"
)

// Enable enables the setup's dataflow and returns the setup with its new
// state. Enabling an enabled dataflow succeeds and changes nothing.
func (s *Service) Enable(ctx context.Context, setup Setup) (Setup, error) {
	return s.setState(ctx, setup, "Enable", stateEnabled)
}

// Disable disables the setup's dataflow and returns the setup with its new
// state.
// NOTE: Adobe does not document what the inlet returns for a disabled
// dataflow. If it rejects posts, Customer.io retries each one for up to seven
// days and holds back the later events behind it.
func (s *Service) Disable(ctx context.Context, setup Setup) (Setup, error) {
	return s.setState(ctx, setup, "Disable", stateDisabled)
}

func (s *Service) setState(ctx context.Context, setup Setup, op, state string) (Setup, error) {
	flow := Resource{Kind: KindFlow, ID: setup.FlowID, Name: setup.FlowName}
	if setup.FlowID == "" {
		return setup, &Error{Op: op, Cause: CauseMissingID, Sandbox: setup.Sandbox, Resource: flow}
	}

	client := s.open(setup.Sandbox)
	s.log.Info("changing dataflow state", "sandbox", setup.Sandbox, "flow_id", setup.FlowID, "state", state)

	var err error
	if state == stateEnabled {
		err = client.EnableFlow(ctx, setup.FlowID)
	} else {
		err = client.DisableFlow(ctx, setup.FlowID)
	}
	if err != nil {
		s.log.Error("changing dataflow state failed", "sandbox", setup.Sandbox, "flow_id", setup.FlowID,
			"state", state, "error", err)
		return setup, &Error{Op: op, Cause: causeOf(err), Sandbox: setup.Sandbox, Resource: flow, Err: err}
	}

	setup.State = state
	return setup, nil
}

// DeletePlan lists what Delete removes and what it keeps, for the
// confirmation dialog.
type DeletePlan struct {
	Sandbox string

	// Delete lists the dataflow, its source connection and its target
	// connection, in the order Delete removes them.
	Delete []Resource

	// Keep lists the target dataset and its schema, when known. Delete never
	// removes them, so the ingested data stays.
	Keep []Resource
}

// DescribeDelete returns what Delete would remove and keep for setup. It
// sends no request.
func (s *Service) DescribeDelete(setup Setup) DeletePlan {
	plan := DeletePlan{
		Sandbox: setup.Sandbox,
		Delete:  []Resource{{Kind: KindFlow, ID: setup.FlowID, Name: setup.FlowName}},
	}
	if setup.SourceConnectionID != "" {
		plan.Delete = append(plan.Delete, Resource{
			Kind: KindSourceConnection, ID: setup.SourceConnectionID, Name: setup.SourceConnectionName,
		})
	}
	if setup.TargetConnectionID != "" {
		plan.Delete = append(plan.Delete, Resource{
			Kind: KindTargetConnection, ID: setup.TargetConnectionID, Name: setup.TargetConnectionName,
		})
	}

	if setup.DatasetID != "" {
		plan.Keep = append(plan.Keep, Resource{Kind: KindDataset, ID: setup.DatasetID, Name: setup.DatasetName})
	}
	if setup.SchemaID != "" {
		plan.Keep = append(plan.Keep, Resource{Kind: KindSchema, ID: setup.SchemaID})
	}
	return plan
}

// DeleteResult is the outcome of Delete.
type DeleteResult struct {
	// Deleted lists the resources Delete removed, in order.
	Deleted []Resource

	// AlreadyGone lists the resources that did not exist any more, for
	// example because an earlier Delete stopped halfway.
	AlreadyGone []Resource
}

// Delete removes the setup's dataflow, then its source connection and its
// target connection: exactly the resources DescribeDelete lists under
// Delete. It never removes the dataset or the schema.
//
// Before deleting anything it reads the dataflow back and returns an *Error
// with CauseSetupChanged when the dataflow now uses other connections than
// setup names, or CauseNotCustomerIO when its source is not Customer.io.
// A resource that no longer exists counts as already gone, so calling Delete
// again finishes a delete that failed halfway. When the dataflow cannot be
// deleted, Delete stops there, because the connections are still in use.
func (s *Service) Delete(ctx context.Context, setup Setup) (DeleteResult, error) {
	var result DeleteResult
	plan := s.DescribeDelete(setup)
	flow := plan.Delete[0]
	if setup.FlowID == "" {
		return result, &Error{Op: "Delete", Cause: CauseMissingID, Sandbox: setup.Sandbox, Resource: flow}
	}

	client := s.open(setup.Sandbox)
	s.log.Info("deleting setup", "sandbox", setup.Sandbox, "flow_id", setup.FlowID,
		"source_connection_id", setup.SourceConnectionID, "target_connection_id", setup.TargetConnectionID)

	current, err := client.GetFlow(ctx, setup.FlowID)
	switch {
	case aep.IsNotFound(err):
		s.log.Info("dataflow already deleted, deleting its connections", "sandbox", setup.Sandbox,
			"flow_id", setup.FlowID)
	case err != nil:
		s.log.Error("reading dataflow before delete failed", "sandbox", setup.Sandbox, "flow_id", setup.FlowID,
			"error", err)
		return result, &Error{Op: "Delete", Cause: causeOf(err), Sandbox: setup.Sandbox, Resource: flow, Err: err}
	default:
		if err := checkUnchanged(setup, current); err != nil {
			s.log.Error("dataflow differs from the listed setup, nothing deleted", "sandbox", setup.Sandbox,
				"flow_id", setup.FlowID, "error", err)
			return result, err
		}
	}

	var errs []error
	for _, resource := range plan.Delete {
		err := deleteResource(ctx, client, resource)
		switch {
		case aep.IsNotFound(err):
			s.log.Info("resource already deleted", "sandbox", setup.Sandbox, "kind", resource.Kind, "id", resource.ID)
			result.AlreadyGone = append(result.AlreadyGone, resource)
		case err != nil:
			s.log.Error("deleting resource failed", "sandbox", setup.Sandbox, "kind", resource.Kind,
				"id", resource.ID, "error", err)
			errs = append(errs, &Error{
				Op: "Delete", Cause: causeOf(err), Sandbox: setup.Sandbox, Resource: resource, Err: err,
			})
			if resource.Kind == KindFlow {
				return result, errors.Join(errs...)
			}
		default:
			s.log.Info("resource deleted", "sandbox", setup.Sandbox, "kind", resource.Kind, "id", resource.ID)
			result.Deleted = append(result.Deleted, resource)
		}
	}
	return result, errors.Join(errs...)
}

func deleteResource(ctx context.Context, client platform, resource Resource) error {
	switch resource.Kind {
	case KindFlow:
		return client.DeleteFlow(ctx, resource.ID)
	case KindSourceConnection:
		return client.DeleteSourceConnection(ctx, resource.ID)
	case KindTargetConnection:
		return client.DeleteTargetConnection(ctx, resource.ID)
	}
	panic("existing: Delete never removes a " + string(resource.Kind))
}

// checkUnchanged returns an *Error when the dataflow read back before a delete
// is not the Customer.io dataflow with the connections that setup names.
func checkUnchanged(setup Setup, flow aep.Flow) error {
	specs := flow.SourceConnectionSpecIDs
	if len(specs) > 0 && !slices.Contains(specs, aep.CustomerIOConnectionSpecID) {
		return &Error{
			Op: "Delete", Cause: CauseNotCustomerIO, Sandbox: setup.Sandbox,
			Resource: Resource{Kind: KindFlow, ID: setup.FlowID, Name: setup.FlowName},
			Expected: aep.CustomerIOConnectionSpecID, Actual: strings.Join(specs, ","),
		}
	}

	checks := []struct {
		kind     ResourceKind
		expected string
		actual   []string
	}{
		{KindSourceConnection, setup.SourceConnectionID, flow.SourceConnectionIDs},
		{KindTargetConnection, setup.TargetConnectionID, flow.TargetConnectionIDs},
	}
	for _, check := range checks {
		if slices.Equal(check.actual, nonEmpty(check.expected)) {
			continue
		}
		return &Error{
			Op: "Delete", Cause: CauseSetupChanged, Sandbox: setup.Sandbox,
			Resource: Resource{Kind: check.kind, ID: check.expected},
			Expected: check.expected, Actual: strings.Join(check.actual, ","),
		}
	}
	return nil
}

// nonEmpty returns id as a one-element slice, or nil when id is empty.
func nonEmpty(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}
