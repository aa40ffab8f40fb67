package existing

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/cioaep/setup/flows/aep"
)

// List returns every Customer.io dataflow in the sandbox, newest first, with
// its connections, its target dataset and its webhook URL.
//
// It looks up the details of several dataflows at the same time, at most
// Options.Concurrency. A failed detail look-up does not fail the list,
// because the webhook URL alone is what most users come back for. The setup
// keeps what was found, and its DetailsErr names what is missing.
func (s *Service) List(ctx context.Context, sandbox string) ([]Setup, error) {
	client := s.open(sandbox)
	s.log.Info("listing Customer.io setups", "sandbox", sandbox)

	flows, err := client.ListCustomerIOFlows(ctx)
	if err != nil {
		s.log.Error("listing Customer.io dataflows failed", "sandbox", sandbox, "error", err)
		return nil, &Error{Op: "List", Cause: causeOf(err), Sandbox: sandbox, Err: err}
	}

	setups := make([]Setup, len(flows))
	slots := make(chan struct{}, s.concurrency)
	var wg sync.WaitGroup
	for i, flow := range flows {
		wg.Go(func() {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-slots }()

			setups[i] = s.describe(ctx, client, sandbox, flow)
		})
	}
	wg.Wait()

	// A cancelled context leaves some setups empty, so none of them is
	// returned.
	if err := ctx.Err(); err != nil {
		s.log.Info("listing Customer.io setups canceled", "sandbox", sandbox, "error", err)
		return nil, &Error{Op: "List", Cause: CauseCanceled, Sandbox: sandbox, Err: err}
	}

	slices.SortStableFunc(setups, func(a, b Setup) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return cmp.Compare(a.FlowID, b.FlowID)
	})

	s.log.Info("listed Customer.io setups", "sandbox", sandbox, "count", len(setups))
	return setups, nil
}

// describe turns a listed dataflow into a Setup and looks up what the list
// does not return: the inlet URL, the connections and the dataset.
func (s *Service) describe(ctx context.Context, client platform, sandbox string, flow aep.Flow) Setup {
	setup := Setup{
		Sandbox:  sandbox,
		FlowID:   flow.ID,
		FlowName: flow.Name,
		Created:  flow.CreatedAt,
		State:    flow.State,
		InletURL: flow.InletURL,
	}

	// A GenericStreamingAEP dataflow has exactly one source and one target
	// connection.
	if len(flow.SourceConnectionIDs) > 0 {
		setup.SourceConnectionID = flow.SourceConnectionIDs[0]
	}
	if len(flow.TargetConnectionIDs) > 0 {
		setup.TargetConnectionID = flow.TargetConnectionIDs[0]
	}
	if len(flow.SourceConnectionIDs) > 1 || len(flow.TargetConnectionIDs) > 1 {
		s.log.Warn("dataflow has more than one source or target connection, only the first of each is shown",
			"sandbox", sandbox, "flow_id", flow.ID,
			"source_connection_ids", flow.SourceConnectionIDs, "target_connection_ids", flow.TargetConnectionIDs)
	}

	var problems []error
	fail := func(kind ResourceKind, id string, err error) {
		s.log.Error("looking up setup details failed", "sandbox", sandbox, "flow_id", flow.ID,
			"kind", kind, "id", id, "error", err)
		problems = append(problems, &Error{
			Op: "List", Cause: causeOf(err), Sandbox: sandbox,
			Resource: Resource{Kind: kind, ID: id}, Err: err,
		})
	}

	// A list response may leave out options.inletUrl, and a new dataflow has
	// none until the service fills it in, so ask for the dataflow itself.
	if setup.InletURL == "" {
		full, err := client.GetFlow(ctx, flow.ID)
		if err != nil {
			fail(KindFlow, flow.ID, err)
		} else {
			setup.InletURL = full.InletURL
		}
	}
	if setup.InletURL != "" {
		setup.WebhookURL = aep.WebhookURL(setup.InletURL, flow.ID)
	}

	if getter, ok := client.(sourceConnectionGetter); ok && setup.SourceConnectionID != "" {
		conn, err := getter.GetSourceConnection(ctx, setup.SourceConnectionID)
		if err != nil {
			fail(KindSourceConnection, setup.SourceConnectionID, err)
		} else {
			setup.SourceConnectionName = conn.Name
		}
	}

	if getter, ok := client.(targetConnectionGetter); ok && setup.TargetConnectionID != "" {
		conn, err := getter.GetTargetConnection(ctx, setup.TargetConnectionID)
		if err != nil {
			fail(KindTargetConnection, setup.TargetConnectionID, err)
		} else {
			setup.TargetConnectionName = conn.Name
			setup.DatasetID = conn.DatasetID
		}
	}

	if setup.DatasetID != "" {
		dataset, err := client.GetDataset(ctx, setup.DatasetID)
		switch {
		case aep.IsNotFound(err):
			s.log.Warn("target dataset of a dataflow no longer exists", "sandbox", sandbox,
				"flow_id", flow.ID, "dataset_id", setup.DatasetID)
			setup.DatasetDeleted = true
		case err != nil:
			fail(KindDataset, setup.DatasetID, err)
		default:
			setup.DatasetName = dataset.Name
			if dataset.SchemaRef != nil {
				setup.SchemaID = dataset.SchemaRef.ID
			}
		}
	}

	setup.DetailsErr = errors.Join(problems...)
	return setup
}

// causeOf returns CauseCanceled for an error caused by the caller's context
// and CausePlatform for any other failed call.
func causeOf(err error) Cause {
	if aep.CauseOf(err) == aep.CauseCanceled || errors.Is(err, context.Canceled) {
		return CauseCanceled
	}
	return CausePlatform
}
