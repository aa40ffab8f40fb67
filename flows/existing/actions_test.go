package existing

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cioaep/setup/flows/aep"
)

// listOne lists the fake's setups and returns the one with flowID.
func listOne(t *testing.T, service *Service, flowID string) Setup {
	t.Helper()
	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, setup := range setups {
		if setup.FlowID == flowID {
			return setup
		}
	}
	t.Fatalf("List returned no setup %s", flowID)
	return Setup{}
}

func TestDisableEnable(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")

	disabled, err := service.Disable(context.Background(), setup)
	if err != nil {
		t.Fatalf("Disable: %v", err)
	}
	if disabled.State != "disabled" {
		t.Errorf("Disable returned state %q", disabled.State)
	}
	if disabled.Enabled() {
		t.Error("Enabled() = true after Disable")
	}
	if got := listOne(t, service, "flow-1").State; got != "disabled" {
		t.Errorf("listed state after Disable = %q", got)
	}

	enabled, err := service.Enable(context.Background(), disabled)
	if err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if enabled.State != "enabled" {
		t.Errorf("Enable returned state %q", enabled.State)
	}
	if got := listOne(t, service, "flow-1").State; got != "enabled" {
		t.Errorf("listed state after Enable = %q", got)
	}
}

func TestDisableError(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.failures["DisableFlow flow-1"] = &aep.Error{Op: "DisableFlow", Cause: aep.CauseMissingPermission, Status: 403}
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")

	got, err := service.Disable(context.Background(), setup)

	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Disable returned %v, expected an *Error", err)
	}
	if e.Op != "Disable" || e.Resource.ID != "flow-1" {
		t.Errorf("Disable error = %+v", e)
	}
	if got.State != "enabled" {
		t.Errorf("Disable changed the state to %q although it failed", got.State)
	}
}

func TestEnableMissingFlowID(t *testing.T) {
	service := newFakeService(newFakePlatform(), Options{})

	_, err := service.Enable(context.Background(), Setup{Sandbox: "dev"})

	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseMissingID {
		t.Errorf("Enable returned %v, expected cause %s", err, CauseMissingID)
	}
}

func TestDescribeDelete(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")
	callsBefore := len(fake.callLog())

	plan := service.DescribeDelete(setup)

	wantDelete := []Resource{
		{Kind: KindFlow, ID: "flow-1", Name: "Customer.io dataflow 1"},
		{Kind: KindSourceConnection, ID: "source-1", Name: "Customer.io source 1"},
		{Kind: KindTargetConnection, ID: "target-1", Name: "Data lake target 1"},
	}
	if !slices.Equal(plan.Delete, wantDelete) {
		t.Errorf("Delete = %+v\nexpected %+v", plan.Delete, wantDelete)
	}
	wantKeep := []Resource{
		{Kind: KindDataset, ID: "dataset-1", Name: "Customer.io events 1"},
		{Kind: KindSchema, ID: "https://ns.adobe.com/acmecorp/schemas/1"},
	}
	if !slices.Equal(plan.Keep, wantKeep) {
		t.Errorf("Keep = %+v\nexpected %+v", plan.Keep, wantKeep)
	}
	if plan.Sandbox != "dev" {
		t.Errorf("Sandbox = %q, expected dev", plan.Sandbox)
	}
	if len(fake.callLog()) != callsBefore {
		t.Error("DescribeDelete sent a request")
	}
}

func TestDeleteRemovesThree(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.addSetup(2, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")
	callsBefore := len(fake.callLog())

	result, err := service.Delete(context.Background(), setup)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}

	wantCalls := []string{
		"GetFlow flow-1",
		"DeleteFlow flow-1",
		"DeleteSourceConnection source-1",
		"DeleteTargetConnection target-1",
	}
	if calls := fake.callLog()[callsBefore:]; !slices.Equal(calls, wantCalls) {
		t.Errorf("Delete sent %v\nexpected %v", calls, wantCalls)
	}
	if !slices.Equal(result.Deleted, service.DescribeDelete(setup).Delete) {
		t.Errorf("Deleted = %+v, expected the planned resources", result.Deleted)
	}
	if len(result.AlreadyGone) != 0 {
		t.Errorf("AlreadyGone = %+v, expected none", result.AlreadyGone)
	}
	if _, ok := fake.datasets["dataset-1"]; !ok {
		t.Error("Delete removed the dataset")
	}
	if _, ok := fake.sources["source-2"]; !ok {
		t.Error("Delete removed the other setup's source connection")
	}
}

func TestDeleteFinishesHalfDone(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")

	// An earlier Delete removed the dataflow and the source connection, then
	// failed on the target connection.
	fake.flows = nil
	delete(fake.sources, "source-1")

	result, err := service.Delete(context.Background(), setup)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}

	wantGone := []Resource{
		{Kind: KindFlow, ID: "flow-1", Name: "Customer.io dataflow 1"},
		{Kind: KindSourceConnection, ID: "source-1", Name: "Customer.io source 1"},
	}
	if !slices.Equal(result.AlreadyGone, wantGone) {
		t.Errorf("AlreadyGone = %+v\nexpected %+v", result.AlreadyGone, wantGone)
	}
	wantDeleted := []Resource{{Kind: KindTargetConnection, ID: "target-1", Name: "Data lake target 1"}}
	if !slices.Equal(result.Deleted, wantDeleted) {
		t.Errorf("Deleted = %+v\nexpected %+v", result.Deleted, wantDeleted)
	}
	if _, ok := fake.targets["target-1"]; ok {
		t.Error("target connection still exists")
	}
}

func TestDeleteStopsWhenFlowFails(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.failures["DeleteFlow flow-1"] = &aep.Error{Op: "DeleteFlow", Cause: aep.CauseMissingPermission, Status: 403}
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")

	result, err := service.Delete(context.Background(), setup)

	var e *Error
	if !errors.As(err, &e) || e.Resource.Kind != KindFlow {
		t.Fatalf("Delete returned %v, expected an *Error for the flow", err)
	}
	if aep.CauseOf(err) != aep.CauseMissingPermission {
		t.Errorf("aep.CauseOf = %s, expected %s", aep.CauseOf(err), aep.CauseMissingPermission)
	}
	if len(result.Deleted) != 0 {
		t.Errorf("Deleted = %+v, expected none", result.Deleted)
	}
	if len(fake.sources) != 1 || len(fake.targets) != 1 {
		t.Error("Delete removed a connection although the dataflow still uses it")
	}
}

func TestDeleteContinuesAfterSourceFails(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.failures["DeleteSourceConnection source-1"] = &aep.Error{Op: "DeleteSourceConnection", Cause: aep.CauseOther, Status: 500}
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")

	result, err := service.Delete(context.Background(), setup)

	var e *Error
	if !errors.As(err, &e) || e.Resource.Kind != KindSourceConnection {
		t.Fatalf("Delete returned %v, expected an *Error for the source connection", err)
	}
	wantDeleted := []Resource{
		{Kind: KindFlow, ID: "flow-1", Name: "Customer.io dataflow 1"},
		{Kind: KindTargetConnection, ID: "target-1", Name: "Data lake target 1"},
	}
	if !slices.Equal(result.Deleted, wantDeleted) {
		t.Errorf("Deleted = %+v\nexpected %+v", result.Deleted, wantDeleted)
	}
}

func TestDeleteRejectsChangedSetup(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")
	fake.flows[0].TargetConnectionIDs = []string{"target-other"}

	result, err := service.Delete(context.Background(), setup)

	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseSetupChanged {
		t.Fatalf("Delete returned %v, expected cause %s", err, CauseSetupChanged)
	}
	if e.Expected != "target-1" || e.Actual != "target-other" {
		t.Errorf("Delete error compares %q with %q", e.Expected, e.Actual)
	}
	if len(result.Deleted) != 0 || len(fake.flows) != 1 {
		t.Error("Delete removed something from a changed setup")
	}
}

func TestDeleteRejectsOtherSource(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})
	setup := listOne(t, service, "flow-1")
	fake.flows[0].SourceConnectionSpecIDs = []string{"bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb"}

	_, err := service.Delete(context.Background(), setup)

	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseNotCustomerIO {
		t.Fatalf("Delete returned %v, expected cause %s", err, CauseNotCustomerIO)
	}
	if len(fake.flows) != 1 {
		t.Error("Delete removed a dataflow whose source is not Customer.io")
	}
}

func TestDeleteMissingFlowID(t *testing.T) {
	fake := newFakePlatform()
	service := newFakeService(fake, Options{})

	_, err := service.Delete(context.Background(), Setup{Sandbox: "dev", SourceConnectionID: "source-1"})

	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseMissingID {
		t.Fatalf("Delete returned %v, expected cause %s", err, CauseMissingID)
	}
	if calls := fake.callLog(); len(calls) != 0 {
		t.Errorf("Delete sent %v without a flow ID", calls)
	}
}
