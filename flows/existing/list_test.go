package existing

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

var created = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestListFillsDetails(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(setups) != 1 {
		t.Fatalf("List returned %d setups, expected 1", len(setups))
	}

	want := Setup{
		Sandbox:              "dev",
		FlowID:               "flow-1",
		FlowName:             "Customer.io dataflow 1",
		Created:              created,
		State:                "enabled",
		SourceConnectionID:   "source-1",
		SourceConnectionName: "Customer.io source 1",
		TargetConnectionID:   "target-1",
		TargetConnectionName: "Data lake target 1",
		DatasetID:            "dataset-1",
		DatasetName:          "Customer.io events 1",
		SchemaID:             "https://ns.adobe.com/acmecorp/schemas/1",
		InletURL:             "https://inlet.example/collection/1",
		WebhookURL:           "https://inlet.example/collection/1?x-adobe-flow-id=flow-1",
	}
	if setups[0] != want {
		t.Errorf("List returned\n%+v\nexpected\n%+v", setups[0], want)
	}
	if !setups[0].Enabled() {
		t.Error("Enabled() = false for an enabled dataflow")
	}
}

func TestListNewestFirst(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.addSetup(2, created.Add(time.Hour))
	fake.addSetup(3, created.Add(-time.Hour))
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	var ids []string
	for _, setup := range setups {
		ids = append(ids, setup.FlowID)
	}
	want := []string{"flow-2", "flow-1", "flow-3"}
	if len(ids) != len(want) {
		t.Fatalf("List returned %v, expected %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Errorf("List returned %v, expected %v", ids, want)
			break
		}
	}
}

func TestListReadsInletFromFlow(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.omitInletInList = true
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if got := setups[0].WebhookURL; got != "https://inlet.example/collection/1?x-adobe-flow-id=flow-1" {
		t.Errorf("WebhookURL = %q", got)
	}

	calls := fake.callLog()
	if !containsCall(calls, "GetFlow flow-1") {
		t.Errorf("calls %v lack GetFlow flow-1", calls)
	}
}

func TestListSkipsGetFlowWithInlet(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fake, Options{})

	if _, err := service.List(context.Background(), "dev"); err != nil {
		t.Fatalf("List: %v", err)
	}
	if calls := fake.callLog(); containsCall(calls, "GetFlow flow-1") {
		t.Errorf("calls %v contain GetFlow although the list had the inlet URL", calls)
	}
}

func TestListWithoutInletLeavesURLEmpty(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.flows[0].InletURL = ""
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if setups[0].WebhookURL != "" {
		t.Errorf("WebhookURL = %q, expected empty while the inlet URL is missing", setups[0].WebhookURL)
	}
	if setups[0].DetailsErr != nil {
		t.Errorf("DetailsErr = %v, expected nil", setups[0].DetailsErr)
	}
}

func TestListFlagsDeletedDataset(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	delete(fake.datasets, "dataset-1")
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if !setups[0].DatasetDeleted {
		t.Error("DatasetDeleted = false for a missing dataset")
	}
	if setups[0].DatasetID != "dataset-1" {
		t.Errorf("DatasetID = %q, expected dataset-1", setups[0].DatasetID)
	}
	if setups[0].DetailsErr != nil {
		t.Errorf("DetailsErr = %v, expected nil", setups[0].DetailsErr)
	}
}

func TestListKeepsSetupOnDetailError(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.failures["GetTargetConnection target-1"] = &aep.Error{Op: "GetTargetConnection", Cause: aep.CauseOther, Status: 500}
	service := newFakeService(fake, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}

	setup := setups[0]
	if setup.WebhookURL == "" {
		t.Error("WebhookURL is empty although only the target connection look-up failed")
	}
	if setup.DatasetID != "" {
		t.Errorf("DatasetID = %q, expected empty", setup.DatasetID)
	}

	var e *Error
	if !errors.As(setup.DetailsErr, &e) {
		t.Fatalf("DetailsErr = %v, expected an *Error", setup.DetailsErr)
	}
	if e.Resource != (Resource{Kind: KindTargetConnection, ID: "target-1"}) {
		t.Errorf("DetailsErr names %+v, expected the target connection", e.Resource)
	}
	if e.Cause != CausePlatform {
		t.Errorf("DetailsErr cause = %s, expected %s", e.Cause, CausePlatform)
	}
}

func TestListWithoutConnectionLookups(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	service := newFakeService(fakeNoConnections{fake}, Options{})

	setups, err := service.List(context.Background(), "dev")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if setups[0].DatasetID != "" {
		t.Errorf("DatasetID = %q without a target connection look-up", setups[0].DatasetID)
	}
	if setups[0].SourceConnectionName != "" {
		t.Errorf("SourceConnectionName = %q without a source connection look-up", setups[0].SourceConnectionName)
	}
	if setups[0].WebhookURL == "" {
		t.Error("WebhookURL is empty")
	}
}

func TestListError(t *testing.T) {
	fake := newFakePlatform()
	listErr := &aep.Error{Op: "ListCustomerIOFlows", Cause: aep.CauseMissingPermission, Status: 403}
	fake.failures["ListCustomerIOFlows"] = listErr
	service := newFakeService(fake, Options{})

	_, err := service.List(context.Background(), "dev")

	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("List returned %v, expected an *Error", err)
	}
	if e.Cause != CausePlatform || e.Sandbox != "dev" {
		t.Errorf("List error = %+v, expected cause platform in sandbox dev", e)
	}
	if aep.CauseOf(err) != aep.CauseMissingPermission {
		t.Errorf("aep.CauseOf = %s, expected %s", aep.CauseOf(err), aep.CauseMissingPermission)
	}
}

func TestListBoundsConcurrency(t *testing.T) {
	fake := newFakePlatform()
	for n := range 10 {
		fake.addSetup(n, created.Add(time.Duration(n)*time.Minute))
	}
	fake.release = make(chan struct{})
	service := newFakeService(fake, Options{Concurrency: 3})

	done := make(chan error)
	go func() {
		_, err := service.List(context.Background(), "dev")
		done <- err
	}()

	// Wait until three look-ups are held, then check that no fourth starts
	// before they are released.
	waitFor(t, func() bool {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return fake.inFlight == 3
	})
	close(fake.release)
	if err := <-done; err != nil {
		t.Fatalf("List: %v", err)
	}

	if fake.peak != 3 {
		t.Errorf("peak concurrent look-ups = %d, expected 3", fake.peak)
	}
}

func TestListCanceled(t *testing.T) {
	fake := newFakePlatform()
	fake.addSetup(1, created)
	fake.addSetup(2, created)
	fake.release = make(chan struct{})
	service := newFakeService(fake, Options{Concurrency: 1})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := service.List(ctx, "dev")
		done <- err
	}()

	waitFor(t, func() bool {
		fake.mu.Lock()
		defer fake.mu.Unlock()
		return fake.inFlight == 1
	})
	cancel()
	err := <-done

	var e *Error
	if !errors.As(err, &e) || e.Cause != CauseCanceled {
		t.Fatalf("List returned %v, expected an *Error with cause %s", err, CauseCanceled)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("List error %v does not wrap context.Canceled", err)
	}
}

func containsCall(calls []string, call string) bool {
	for _, c := range calls {
		if c == call {
			return true
		}
	}
	return false
}

// waitFor polls cond until it holds, failing the test after five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
