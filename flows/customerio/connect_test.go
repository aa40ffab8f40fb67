package customerio_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
)

func TestConnectWebhookCreatesTestsAndEnables(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	inlet.WebhookDisabled = func() bool {
		hooks := sim.Webhooks(usKey)
		return len(hooks) == 1 && hooks[0].Disabled
	}
	client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})

	spec := customerio.WebhookSpec{
		Endpoint: inlet.WebhookURL(flowID),
		FlowID:   flowID,
		Events:   customerio.AllEvents(),
	}
	spec.Events = slices.DeleteFunc(spec.Events, func(k string) bool { return k == "slack_undeliverable" })

	result, err := client.ConnectWebhook(t.Context(), spec, sender)
	if err != nil {
		t.Fatalf("ConnectWebhook: %v", err)
	}

	if !result.Created {
		t.Error("Created = false, want a new webhook")
	}
	if !result.Enabled {
		t.Error("Enabled = false, want the webhook enabled after the tests")
	}
	if result.RegionChange != nil {
		t.Errorf("RegionChange = %+v, want none", result.RegionChange)
	}

	hook := onlyWebhook(t, sim, usKey)
	if hook.Disabled {
		t.Error("webhook in Customer.io is disabled, want enabled")
	}
	if hook.Endpoint != spec.Endpoint {
		t.Errorf("endpoint = %q, want %q", hook.Endpoint, spec.Endpoint)
	}
	if !strings.Contains(hook.Name, flowID) {
		t.Errorf("name %q does not carry the dataflow ID", hook.Name)
	}
	if !slices.Equal(hook.Events, spec.Events) {
		t.Errorf("events = %v, want %v", hook.Events, spec.Events)
	}

	groups := customerio.GroupNames()
	if len(result.Tests) != len(groups) {
		t.Fatalf("got %d test rows, want one per group (%d)", len(result.Tests), len(groups))
	}
	for i, row := range result.Tests {
		if row.Group != groups[i] {
			t.Errorf("row %d group = %q, want %q", i, row.Group, groups[i])
		}
		if !row.Accepted() || row.Status != http.StatusOK {
			t.Errorf("row %s: accepted %v status %d err %v, want accepted with 200", row.Group, row.Accepted(), row.Status, row.Err)
		}
		if row.XactionID == "" {
			t.Errorf("row %s has no xactionId", row.Group)
		}
	}

	posts := inlet.Posts()
	if len(posts) != len(groups) {
		t.Fatalf("inlet got %d posts, want %d (one event per request)", len(posts), len(groups))
	}
	for i, post := range posts {
		if !post.WebhookDisabledOnPost {
			t.Errorf("post %d arrived while the webhook was enabled, want disabled during tests", i)
		}
		if post.FlowID != flowID {
			t.Errorf("post %d x-adobe-flow-id = %q, want %q", i, post.FlowID, flowID)
		}
		if post.ContentType != "application/json" {
			t.Errorf("post %d Content-Type = %q", i, post.ContentType)
		}
		if !ciosim.VerifySignature(signingKey, post.Timestamp, post.Signature, post.Body) {
			t.Errorf("post %d signature %q does not verify", i, post.Signature)
		}
		var event map[string]any
		if err := json.Unmarshal(post.Body, &event); err != nil {
			t.Errorf("post %d body is not one JSON object: %v", i, err)
		}
		if event["object_type"] != groups[i] {
			t.Errorf("post %d object_type = %v, want %s", i, event["object_type"], groups[i])
		}
	}
}

func TestConnectWebhookSecondRunUpdates(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})

	first := customerio.WebhookSpec{
		Endpoint: inlet.WebhookURL(flowID),
		FlowID:   flowID,
		Events:   []string{"email_sent", "email_opened"},
	}
	if _, err := client.ConnectWebhook(t.Context(), first, sender); err != nil {
		t.Fatalf("first ConnectWebhook: %v", err)
	}
	created := onlyWebhook(t, sim, usKey)

	second := first
	second.Events = []string{"email_sent", "sms_sent"}
	result, err := client.ConnectWebhook(t.Context(), second, sender)
	if err != nil {
		t.Fatalf("second ConnectWebhook: %v", err)
	}

	if result.Created {
		t.Error("second run Created = true, want an update")
	}
	hook := onlyWebhook(t, sim, usKey)
	if hook.ID != created.ID {
		t.Errorf("webhook ID = %d, want the first run's %d", hook.ID, created.ID)
	}
	if !slices.Equal(hook.Events, second.Events) {
		t.Errorf("events = %v, want %v", hook.Events, second.Events)
	}
	if hook.Disabled {
		t.Error("webhook is disabled after the second run")
	}
	if got := sim.Calls(ciosim.US, ciosim.RouteCreate); got != 1 {
		t.Errorf("create calls = %d, want 1", got)
	}
}

func TestConnectWebhookManyRunsLeaveOneActive(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"push_sent"}}

	// Two webhooks for the same endpoint already exist, both enabled.
	for _, name := range []string{"hand-made one", "hand-made two"} {
		if _, err := client.CreateWebhook(t.Context(), customerio.Webhook{Name: name, Endpoint: spec.Endpoint, Events: []string{"email_sent"}}); err != nil {
			t.Fatalf("CreateWebhook: %v", err)
		}
	}

	for run := range 3 {
		result, err := client.ConnectWebhook(t.Context(), spec, sender)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if run == 0 && len(result.DisabledDuplicates) != 1 {
			t.Errorf("run 0 disabled %d duplicates, want 1", len(result.DisabledDuplicates))
		}
	}

	active := 0
	for _, hook := range sim.Webhooks(usKey) {
		if !hook.Disabled {
			active++
		}
	}
	if active != 1 {
		t.Errorf("%d active webhooks for the endpoint, want 1", active)
	}
	if got := len(sim.Webhooks(usKey)); got != 2 {
		t.Errorf("%d webhooks, want the 2 that existed (no new ones)", got)
	}
}

func TestEnsureWebhookReturnsOlderFlows(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)

	older, err := client.CreateWebhook(t.Context(), customerio.Webhook{
		Name:     customerio.WebhookName(olderFlow),
		Endpoint: inlet.WebhookURL(olderFlow),
		Events:   []string{"email_sent"},
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	elsewhere, err := client.CreateWebhook(t.Context(), customerio.Webhook{
		Name:     "another receiver",
		Endpoint: "https://receiver.example.com/hook?x-adobe-flow-id=" + olderFlow,
		Events:   []string{"email_sent"},
	})
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}

	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"email_sent"}}
	result, err := client.EnsureWebhook(t.Context(), spec)
	if err != nil {
		t.Fatalf("EnsureWebhook: %v", err)
	}

	if len(result.OlderFlows) != 1 || result.OlderFlows[0].ID != older.ID {
		t.Fatalf("OlderFlows = %+v, want only webhook %d", result.OlderFlows, older.ID)
	}
	if !result.Webhook.Disabled {
		t.Error("ensured webhook is enabled, want disabled until tests pass")
	}
	for _, hook := range sim.Webhooks(usKey) {
		if (hook.ID == older.ID || hook.ID == elsewhere.ID) && hook.Disabled {
			t.Errorf("EnsureWebhook disabled webhook %d on its own", hook.ID)
		}
	}

	disabled, err := client.DisableWebhook(t.Context(), older.ID)
	if err != nil {
		t.Fatalf("DisableWebhook: %v", err)
	}
	if !disabled.Disabled {
		t.Error("DisableWebhook returned an enabled webhook")
	}
	if !slices.Equal(disabled.Events, older.Events) || disabled.Endpoint != older.Endpoint {
		t.Errorf("DisableWebhook changed more than the state: %+v", disabled)
	}
}

func TestConnectWebhookEUKeyOnUSHost(t *testing.T) {
	for _, mode := range []ciosim.WrongRegionMode{ciosim.WrongRegionUnauthorized, ciosim.WrongRegionRedirect} {
		t.Run(map[ciosim.WrongRegionMode]string{0: "401", 1: "301"}[mode], func(t *testing.T) {
			sim, timers := startSim(t, ciosim.Options{WrongRegion: mode})
			inlet := startInlet(t)
			client, logs := testClient(t, sim, euKey, customerio.RegionUS, timers)
			sender := testSender(logs, customerio.SenderOptions{})
			spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"email_sent"}}

			result, err := client.ConnectWebhook(t.Context(), spec, sender)
			if err != nil {
				t.Fatalf("ConnectWebhook: %v", err)
			}

			want := customerio.RegionChange{From: customerio.RegionUS, To: customerio.RegionEU}
			if result.RegionChange == nil || *result.RegionChange != want {
				t.Errorf("RegionChange = %+v, want %+v", result.RegionChange, want)
			}
			if client.Region() != customerio.RegionEU {
				t.Errorf("client region = %s, want eu", client.Region())
			}
			if hook := onlyWebhook(t, sim, euKey); hook.Disabled {
				t.Error("EU webhook is disabled, want enabled")
			}
			if got := sim.Calls(ciosim.US, ciosim.RouteCreate); got != 0 {
				t.Errorf("US host got %d creates, want 0", got)
			}
		})
	}
}

func TestListWebhooksWrongRegionNamesKeyRegion(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	var changes []customerio.RegionChange
	client, err := customerio.NewClient(customerio.Options{
		Region:     customerio.RegionUS,
		APIKey:     euKey,
		BaseURLs:   map[customerio.Region]string{customerio.RegionUS: sim.USURL, customerio.RegionEU: sim.EUURL},
		RetryTimer: timers.New,
		OnRegionChange: func(from, to customerio.Region) {
			changes = append(changes, customerio.RegionChange{From: from, To: to})
		},
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}

	_, err = client.ListWebhooks(t.Context())

	var apiErr *customerio.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.Cause != customerio.CauseWrongRegion {
		t.Errorf("cause = %s, want %s", apiErr.Cause, customerio.CauseWrongRegion)
	}
	if apiErr.Region != customerio.RegionUS || apiErr.KeyRegion != customerio.RegionEU {
		t.Errorf("regions = %s/%s, want request us, key eu", apiErr.Region, apiErr.KeyRegion)
	}
	if !strings.Contains(err.Error(), "belongs to region eu") {
		t.Errorf("message %q does not name the key's region", err)
	}
	if len(changes) != 1 || changes[0].To != customerio.RegionEU {
		t.Errorf("OnRegionChange calls = %+v, want one to eu", changes)
	}

	region, err := client.VerifyKey(t.Context())
	if err != nil || region != customerio.RegionEU {
		t.Errorf("VerifyKey after the switch = %s, %v; want eu, nil", region, err)
	}
}

func TestClientKeyRejectedInBothRegions(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, _ := testClient(t, sim, "not-a-known-key-000000", customerio.RegionEU, timers)

	_, err := client.VerifyKey(t.Context())

	if cause := customerio.CauseOf(err); cause != customerio.CauseUnauthorized {
		t.Errorf("cause = %q, want %q (err %v)", cause, customerio.CauseUnauthorized, err)
	}
	if client.Region() != customerio.RegionEU {
		t.Errorf("region = %s, want unchanged eu", client.Region())
	}
}

func TestConnectWebhookSlowInletKeepsDisabled(t *testing.T) {
	t.Run("response after 6 s on the clock", func(t *testing.T) {
		sim, timers := startSim(t, ciosim.Options{})
		inlet := startInlet(t)
		clock := newFakeClock()
		inlet.BeforeResponse = func(*http.Request) { clock.Advance(6 * time.Second) }
		client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
		sender := testSender(logs, customerio.SenderOptions{Now: clock.Now})

		assertSlowInletResult(t, sim, client, sender, inlet, 6*time.Second)
	})

	t.Run("no response within the timeout", func(t *testing.T) {
		sim, timers := startSim(t, ciosim.Options{})
		inlet := startInlet(t)
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		inlet.BeforeResponse = func(r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}
		client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
		sender := testSender(logs, customerio.SenderOptions{Timeout: 50 * time.Millisecond})

		assertSlowInletResult(t, sim, client, sender, inlet, 0)
	})
}

func assertSlowInletResult(t *testing.T, sim *ciosim.Sim, client *customerio.Client, sender *customerio.Sender, inlet *fakeInlet, wantLatency time.Duration) {
	t.Helper()
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"email_sent"}}

	result, err := client.ConnectWebhook(t.Context(), spec, sender)

	var testsErr *customerio.TestEventsError
	if !errors.As(err, &testsErr) {
		t.Fatalf("err = %v, want *TestEventsError", err)
	}
	if result.Enabled {
		t.Error("Enabled = true, want the webhook left disabled")
	}
	if hook := onlyWebhook(t, sim, usKey); !hook.Disabled {
		t.Error("webhook in Customer.io is enabled, want disabled")
	}
	if len(result.Tests) != 1 {
		t.Fatalf("got %d test rows, want 1", len(result.Tests))
	}
	row := result.Tests[0]
	if cause := customerio.CauseOf(row.Err); cause != customerio.CauseTimeout {
		t.Errorf("row cause = %q, want %q (err %v)", cause, customerio.CauseTimeout, row.Err)
	}
	if wantLatency != 0 && row.Latency != wantLatency {
		t.Errorf("latency = %v, want %v", row.Latency, wantLatency)
	}
	if testsErr.WebhookID != onlyWebhook(t, sim, usKey).ID {
		t.Errorf("error names webhook %d", testsErr.WebhookID)
	}
}

func TestConnectWebhookPartialRejection(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	const reason = "The message does not match the schema: data.recipient is not a string"
	inlet.Reject[customerio.GroupSMS] = reason
	client, logs := testClient(t, sim, usKey, customerio.RegionUS, timers)
	sender := testSender(logs, customerio.SenderOptions{})
	spec := customerio.WebhookSpec{
		Endpoint: inlet.WebhookURL(flowID),
		FlowID:   flowID,
		Events:   []string{"email_delivered", "sms_delivered", "push_delivered"},
	}

	result, err := client.ConnectWebhook(t.Context(), spec, sender)

	if customerio.CauseOf(err) != customerio.CauseTestEventsFailed {
		t.Fatalf("err = %v, want cause %s", err, customerio.CauseTestEventsFailed)
	}
	var accepted, rejected []customerio.TestResult
	for _, row := range result.Tests {
		if row.Accepted() {
			accepted = append(accepted, row)
		} else {
			rejected = append(rejected, row)
		}
	}
	if len(accepted) != 2 || len(rejected) != 1 {
		t.Fatalf("accepted %d, rejected %d; want 2 and 1", len(accepted), len(rejected))
	}

	row := rejected[0]
	if row.Group != customerio.GroupSMS {
		t.Errorf("rejected group = %q, want sms", row.Group)
	}
	if row.Status != http.StatusBadRequest {
		t.Errorf("rejected status = %d, want 400", row.Status)
	}
	var eventErr *customerio.TestEventError
	if !errors.As(row.Err, &eventErr) || eventErr.Cause != customerio.CauseRejected {
		t.Fatalf("row error = %v, want a rejected TestEventError", row.Err)
	}
	if eventErr.Detail != reason {
		t.Errorf("detail = %q, want Adobe's reason %q", eventErr.Detail, reason)
	}
	for _, row := range accepted {
		if row.XactionID == "" {
			t.Errorf("accepted row %s has no xactionId", row.Group)
		}
	}
	if result.Enabled || !onlyWebhook(t, sim, usKey).Disabled {
		t.Error("webhook was enabled although an event was rejected")
	}
}

func TestEnsureWebhookDropsUndocumentedKey(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	slack, _ := customerio.LookupGroup(customerio.GroupSlack)
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: slack.Events}

	result, err := client.EnsureWebhook(t.Context(), spec)
	if err != nil {
		t.Fatalf("EnsureWebhook: %v", err)
	}

	if !slices.Equal(result.DroppedEvents, []string{"slack_undeliverable"}) {
		t.Errorf("DroppedEvents = %v, want [slack_undeliverable]", result.DroppedEvents)
	}
	if hook := onlyWebhook(t, sim, usKey); slices.Contains(hook.Events, "slack_undeliverable") || len(hook.Events) != len(slack.Events)-1 {
		t.Errorf("saved events = %v", hook.Events)
	}
}

func TestEnsureWebhookRejectsInvalidSpec(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	const inletURL = "https://dcs.adobedc.net/collection/abc"

	tests := map[string]customerio.WebhookSpec{
		"relative URL":         {Endpoint: "/collection/abc?x-adobe-flow-id=" + flowID, FlowID: flowID, Events: []string{"email_sent"}},
		"no flow ID parameter": {Endpoint: inletURL, FlowID: flowID, Events: []string{"email_sent"}},
		"other flow ID":        {Endpoint: inletURL + "?x-adobe-flow-id=" + olderFlow, FlowID: flowID, Events: []string{"email_sent"}},
		"missing flow ID":      {Endpoint: inletURL + "?x-adobe-flow-id=" + flowID, Events: []string{"email_sent"}},
		"no events":            {Endpoint: inletURL + "?x-adobe-flow-id=" + flowID, FlowID: flowID},
		"unknown event":        {Endpoint: inletURL + "?x-adobe-flow-id=" + flowID, FlowID: flowID, Events: []string{"whatsapp_sent"}},
	}
	for name, spec := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := client.EnsureWebhook(t.Context(), spec)
			if customerio.CauseOf(err) != customerio.CauseInvalidInput {
				t.Errorf("err = %v, want cause %s", err, customerio.CauseInvalidInput)
			}
		})
	}
	if got := sim.Calls(ciosim.US, ciosim.RouteList); got != 0 {
		t.Errorf("invalid specs sent %d requests, want 0", got)
	}
}

func TestConnectWebhookCancelledKeepsDisabled(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	client, _ := testClient(t, sim, usKey, customerio.RegionUS, timers)
	ctx, cancel := context.WithCancel(t.Context())
	inlet.BeforeResponse = func(*http.Request) { cancel() }
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: []string{"email_sent", "sms_sent"}}

	result, err := client.ConnectWebhook(ctx, spec, nil)

	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if result.Enabled || !onlyWebhook(t, sim, usKey).Disabled {
		t.Error("webhook was enabled after the run was cancelled")
	}
}

// TestConnectWebhookLogsEachAttributeOnce runs ConnectWebhook the way the wizard does, with
// a logger that carries the dataflow ID and the default sender, and checks that no record
// repeats an attribute.
func TestConnectWebhookLogsEachAttributeOnce(t *testing.T) {
	sim, timers := startSim(t, ciosim.Options{})
	inlet := startInlet(t)
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("flow_id", flowID)
	client, err := customerio.NewClient(customerio.Options{
		APIKey:     usKey,
		BaseURLs:   map[customerio.Region]string{customerio.RegionUS: sim.USURL, customerio.RegionEU: sim.EUURL},
		Logger:     logger,
		RetryTimer: timers.New,
	})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	slack, _ := customerio.LookupGroup(customerio.GroupSlack)
	spec := customerio.WebhookSpec{Endpoint: inlet.WebhookURL(flowID), FlowID: flowID, Events: slack.Events}

	// The signing key of the default sender is random, so the fake inlet may reject the
	// test event; the records are what this test reads.
	_, _ = client.ConnectWebhook(t.Context(), spec, nil)

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) < 3 {
		t.Fatalf("got %d log records, want the ensure, create and test-event records:\n%s", len(lines), logs.String())
	}
	for _, line := range lines {
		for _, key := range []string{"flow_id=", "component="} {
			if n := strings.Count(line, " "+key); n > 1 {
				t.Errorf("record has %s %d times: %s", strings.TrimSuffix(key, "="), n, line)
			}
		}
	}
	if !strings.Contains(logs.String(), "flow_id="+flowID) {
		t.Errorf("no record carries the dataflow ID:\n%s", logs.String())
	}
}
