package customerio_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/assets"
	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// simulatedDataflow runs the ready-made setup for every event group on the
// simulated Adobe platform and returns the platform, the setup result and a client
// for the sandbox it used.
func simulatedDataflow(t *testing.T) (*sim.Platform, setup.Result, *aep.SandboxClient) {
	t.Helper()

	platform, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = platform.Close() })

	credential := platform.Credential()
	client, err := aep.New(aep.Config{
		IMSURL:      platform.IMSURL,
		PlatformURL: platform.PlatformURL,
		Credentials: aep.Credentials{
			ClientID:     credential.ClientID,
			ClientSecret: credential.ClientSecret,
			OrgID:        credential.OrgID,
			Scopes:       credential.Scopes,
		},
	})
	if err != nil {
		t.Fatalf("aep.New: %v", err)
	}

	sandboxes, err := client.ListSandboxes(t.Context())
	if err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	var dev aep.Sandbox
	for _, s := range sandboxes {
		if s.Name == "dev" {
			dev = s
		}
	}
	if dev.Name == "" {
		t.Fatalf("no dev sandbox in %v", sandboxes)
	}

	plan, err := setup.NewPlan(setup.Input{Sandbox: dev, EventGroups: customerio.GroupNames()})
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	runner := &setup.Runner{
		Client:       client,
		JournalDir:   t.TempDir(),
		PollInterval: time.Millisecond,
		PollTimeout:  time.Second,
	}
	result, err := runner.Apply(t.Context(), plan, nil)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return platform, result, client.Sandbox(dev.Name)
}

func TestConnectWebhookSimulatedPlatform(t *testing.T) {
	platform, dataflow, _ := simulatedDataflow(t)
	cio, timers := startSim(t, ciosim.Options{})
	client, logs := testClient(t, cio, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})
	spec := customerio.WebhookSpec{Endpoint: dataflow.WebhookURL, FlowID: dataflow.FlowID, Events: customerio.AllEvents()}

	result, err := client.ConnectWebhook(t.Context(), spec, sender)
	if err != nil {
		t.Fatalf("ConnectWebhook: %v", err)
	}

	if !result.Enabled || onlyWebhook(t, cio, usKey).Disabled {
		t.Error("webhook is not enabled")
	}
	for _, row := range result.Tests {
		if !row.Accepted() || row.XactionID == "" {
			t.Errorf("row %s = %+v, want accepted with an xactionId", row.Group, row)
		}
	}
	events := platform.InletEvents(dataflow.FlowID)
	if len(events) != len(customerio.GroupNames()) {
		t.Fatalf("inlet recorded %d events, want %d", len(events), len(customerio.GroupNames()))
	}
	for i, event := range events {
		if !event.Accepted() {
			t.Errorf("event %d rejected: %s", i, event.Reason)
		}
		if len(event.MappingErrors) != 0 {
			t.Errorf("event %d (%s) does not fit the ready-made mapping: %+v", i, result.Tests[i].Group, event.MappingErrors)
		}
	}
}

func TestSendFixturesReachSimulatedInlet(t *testing.T) {
	platform, dataflow, _ := simulatedDataflow(t)
	cio, _ := startSim(t, ciosim.Options{})

	var events [][]byte
	for _, group := range assets.SampleEventGroups() {
		body, err := assets.SampleEvent(group)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, body)
	}

	deliveries, err := cio.SendFixtures(t.Context(), dataflow.WebhookURL, signingKey, events)
	if err != nil {
		t.Fatalf("SendFixtures: %v", err)
	}

	for i, d := range deliveries {
		if d.Err != nil || d.Status != 200 {
			t.Errorf("delivery %d = %+v, want 200", i, d)
		}
	}
	if got := len(platform.InletEvents(dataflow.FlowID)); got != len(events) {
		t.Errorf("inlet recorded %d events, want %d", got, len(events))
	}
}

func TestConnectWebhookDisabledDataflow(t *testing.T) {
	_, dataflow, sandbox := simulatedDataflow(t)
	if err := sandbox.DisableFlow(t.Context(), dataflow.FlowID); err != nil {
		t.Fatalf("DisableFlow: %v", err)
	}
	cio, timers := startSim(t, ciosim.Options{})
	client, logs := testClient(t, cio, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})
	spec := customerio.WebhookSpec{Endpoint: dataflow.WebhookURL, FlowID: dataflow.FlowID, Events: []string{"email_sent", "push_sent"}}

	result, err := client.ConnectWebhook(t.Context(), spec, sender)

	if customerio.CauseOf(err) != customerio.CauseTestEventsFailed {
		t.Fatalf("err = %v, want cause %s", err, customerio.CauseTestEventsFailed)
	}
	if result.Enabled || !onlyWebhook(t, cio, usKey).Disabled {
		t.Error("webhook was enabled for a disabled dataflow")
	}
	for _, row := range result.Tests {
		var detail string
		if eventErr, ok := row.Err.(*customerio.TestEventError); ok {
			detail = eventErr.Detail
		}
		if row.Status != 400 || !strings.Contains(detail, "disabled") {
			t.Errorf("row %s: status %d detail %q, want 400 naming the disabled flow", row.Group, row.Status, detail)
		}
	}
}
