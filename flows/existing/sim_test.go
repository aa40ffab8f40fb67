package existing

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// devSandbox is a development sandbox the simulator seeds.
var devSandbox = aep.Sandbox{Name: "dev", Title: "Development", Type: "development", State: "active"}

// fakeClock is a clock that only moves when a test advances it.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// simEnv is a simulated platform with an Adobe client and a Service on it.
type simEnv struct {
	platform *sim.Platform
	client   *aep.Client
	clock    *fakeClock
	service  *Service
	runner   *setup.Runner
}

func newSimEnv(t *testing.T) *simEnv {
	t.Helper()

	clock := &fakeClock{now: time.Date(2026, 12, 4, 10, 20, 0, 0, time.UTC)}
	simulated, err := sim.Start(sim.Options{Now: clock.Now})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = simulated.Close() })

	client, err := aep.New(aep.Config{
		IMSURL:      simulated.IMSURL,
		PlatformURL: simulated.PlatformURL,
		Credentials: aep.Credentials(simulated.Credential()),
		Now:         clock.Now,
	})
	if err != nil {
		t.Fatalf("aep.New: %v", err)
	}

	stand := &connectionStandIn{platform: simulated}
	open := func(sandbox string) platform {
		sandboxClient := client.Sandbox(sandbox)
		if _, ok := any(sandboxClient).(targetConnectionGetter); ok {
			return sandboxClient
		}
		return &withConnections{SandboxClient: sandboxClient, standIn: stand, sandbox: sandbox}
	}

	return &simEnv{
		platform: simulated,
		client:   client,
		clock:    clock,
		service:  newService(open, Options{}),
		runner: &setup.Runner{
			Client:       client,
			JournalDir:   t.TempDir(),
			Now:          clock.Now,
			PollInterval: time.Millisecond,
			PollTimeout:  time.Second,
		},
	}
}

// createSetup runs a ready-made setup in the dev sandbox, one minute after
// the previous one, so setups differ in creation time.
func (e *simEnv) createSetup(t *testing.T) setup.Result {
	t.Helper()
	e.clock.Advance(time.Minute)

	plan, err := setup.NewPlan(setup.Input{Sandbox: devSandbox, Data: setup.ReadyMade, EventGroups: []string{"email"}})
	if err != nil {
		t.Fatalf("setup.NewPlan: %v", err)
	}
	result, err := e.runner.Apply(context.Background(), plan, nil)
	if err != nil {
		t.Fatalf("setup.Runner.Apply: %v", err)
	}
	return result
}

func (e *simEnv) list(t *testing.T) []Setup {
	t.Helper()
	setups, err := e.service.List(context.Background(), devSandbox.Name)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	return setups
}

// post sends body to the webhook URL as Customer.io would and returns the
// HTTP status.
func post(t *testing.T, webhookURL, contentType, body string) int {
	t.Helper()
	resp, err := http.Post(webhookURL, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatalf("posting to the webhook URL: %v", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// customerIOEvent returns a Customer.io reporting event. An empty eventID
// leaves event_id out.
func customerIOEvent(eventID string) string {
	event := map[string]any{
		"object_type": "email",
		"metric":      "delivered",
		"timestamp":   1764843600,
		"data": map[string]any{
			"customer_id": "42",
			"identifiers": map[string]any{"id": "42", "email": "person@example.com"},
		},
	}
	if eventID != "" {
		event["event_id"] = eventID
	}
	data, _ := json.Marshal(event)
	return string(data)
}

func TestSimListTwoSetups(t *testing.T) {
	env := newSimEnv(t)
	first := env.createSetup(t)
	second := env.createSetup(t)

	setups := env.list(t)
	if len(setups) != 2 {
		t.Fatalf("List returned %d setups, expected 2", len(setups))
	}

	// Newest first.
	for i, result := range []setup.Result{second, first} {
		got := setups[i]
		if got.FlowID != result.FlowID {
			t.Errorf("setup %d: FlowID = %s, expected %s", i, got.FlowID, result.FlowID)
		}
		if got.WebhookURL != result.WebhookURL {
			t.Errorf("setup %d: WebhookURL = %s, expected %s", i, got.WebhookURL, result.WebhookURL)
		}
		if got.InletURL != result.InletURL {
			t.Errorf("setup %d: InletURL = %s, expected %s", i, got.InletURL, result.InletURL)
		}
		if want := result.InletURL + "?x-adobe-flow-id=" + result.FlowID; got.WebhookURL != want {
			t.Errorf("setup %d: WebhookURL = %s, expected %s", i, got.WebhookURL, want)
		}
		if got.DatasetID != result.DatasetID {
			t.Errorf("setup %d: DatasetID = %s, expected %s", i, got.DatasetID, result.DatasetID)
		}
		if got.SchemaID != result.SchemaID {
			t.Errorf("setup %d: SchemaID = %s, expected %s", i, got.SchemaID, result.SchemaID)
		}
		if got.State != "enabled" {
			t.Errorf("setup %d: State = %s, expected enabled", i, got.State)
		}
		if got.DetailsErr != nil {
			t.Errorf("setup %d: DetailsErr = %v", i, got.DetailsErr)
		}

		dataset, err := env.client.Sandbox(devSandbox.Name).GetDataset(context.Background(), result.DatasetID)
		if err != nil {
			t.Fatalf("GetDataset: %v", err)
		}
		if got.DatasetName == "" || got.DatasetName != dataset.Name {
			t.Errorf("setup %d: DatasetName = %q, expected %q", i, got.DatasetName, dataset.Name)
		}
	}

	created := env.platform.Inventory()[devSandbox.Name]
	for _, got := range setups {
		if !slices.Contains(created.SourceConnections, got.SourceConnectionID) {
			t.Errorf("SourceConnectionID %s is not among the created %v", got.SourceConnectionID, created.SourceConnections)
		}
		if !slices.Contains(created.TargetConnections, got.TargetConnectionID) {
			t.Errorf("TargetConnectionID %s is not among the created %v", got.TargetConnectionID, created.TargetConnections)
		}
	}
	if setups[0].Created.Compare(setups[1].Created) <= 0 {
		t.Errorf("Created %v is not after %v", setups[0].Created, setups[1].Created)
	}
}

func TestSimListWithRealClient(t *testing.T) {
	env := newSimEnv(t)
	result := env.createSetup(t)

	// New is the wiring the app uses, with the Adobe client as it is.
	setups, err := New(env.client, Options{}).List(context.Background(), devSandbox.Name)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(setups) != 1 {
		t.Fatalf("List returned %d setups, expected 1", len(setups))
	}
	if setups[0].WebhookURL != result.WebhookURL {
		t.Errorf("WebhookURL = %s, expected %s", setups[0].WebhookURL, result.WebhookURL)
	}
	if setups[0].DatasetID != result.DatasetID {
		t.Errorf("DatasetID = %q, expected %q", setups[0].DatasetID, result.DatasetID)
	}
}

func TestSimDeleteRemovesThree(t *testing.T) {
	env := newSimEnv(t)
	remaining := env.createSetup(t)
	deleted := env.createSetup(t)

	var target Setup
	for _, s := range env.list(t) {
		if s.FlowID == deleted.FlowID {
			target = s
		}
	}
	before := env.platform.Inventory()[devSandbox.Name]

	result, err := env.service.Delete(context.Background(), target)
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}

	after := env.platform.Inventory()[devSandbox.Name]
	want := before
	want.Flows = without(before.Flows, target.FlowID)
	want.SourceConnections = without(before.SourceConnections, target.SourceConnectionID)
	want.TargetConnections = without(before.TargetConnections, target.TargetConnectionID)
	if len(want.Flows) != len(before.Flows)-1 ||
		len(want.SourceConnections) != len(before.SourceConnections)-1 ||
		len(want.TargetConnections) != len(before.TargetConnections)-1 {
		t.Fatalf("the listed setup %+v names resources missing from the inventory %+v", target, before)
	}
	compareResources(t, after, want)

	wantDeleted := []Resource{
		{Kind: KindFlow, ID: target.FlowID, Name: target.FlowName},
		{Kind: KindSourceConnection, ID: target.SourceConnectionID, Name: target.SourceConnectionName},
		{Kind: KindTargetConnection, ID: target.TargetConnectionID, Name: target.TargetConnectionName},
	}
	if !slices.Equal(result.Deleted, wantDeleted) {
		t.Errorf("Deleted = %+v\nexpected %+v", result.Deleted, wantDeleted)
	}

	setups := env.list(t)
	if len(setups) != 1 || setups[0].FlowID != remaining.FlowID {
		t.Errorf("List after Delete returned %+v, expected only %s", setups, remaining.FlowID)
	}

	// A second Delete finds everything gone and removes nothing else.
	again, err := env.service.Delete(context.Background(), target)
	if err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if len(again.Deleted) != 0 {
		t.Errorf("second Delete removed %+v", again.Deleted)
	}
	if !slices.Equal(again.AlreadyGone, wantDeleted) {
		t.Errorf("AlreadyGone = %+v\nexpected %+v", again.AlreadyGone, wantDeleted)
	}
	compareResources(t, env.platform.Inventory()[devSandbox.Name], want)
}

func TestSimDisableEnable(t *testing.T) {
	env := newSimEnv(t)
	env.createSetup(t)
	listed := env.list(t)[0]

	disabled, err := env.service.Disable(context.Background(), listed)
	if err != nil {
		t.Fatalf("Disable: %v", err)
	}
	if disabled.State != "disabled" {
		t.Errorf("Disable returned state %s, expected disabled", disabled.State)
	}
	if got := env.list(t)[0].State; got != "disabled" {
		t.Errorf("listed state after Disable = %s, expected disabled", got)
	}
	if status := post(t, listed.WebhookURL, "application/json", customerIOEvent("01KFDBCH98W2F34D024Q6EMN85")); status != http.StatusBadRequest {
		t.Errorf("inlet of a disabled dataflow returned %d, expected 400", status)
	}

	enabled, err := env.service.Enable(context.Background(), disabled)
	if err != nil {
		t.Fatalf("Enable: %v", err)
	}
	if enabled.State != "enabled" {
		t.Errorf("Enable returned state %s, expected enabled", enabled.State)
	}
	if got := env.list(t)[0].State; got != "enabled" {
		t.Errorf("listed state after Enable = %s, expected enabled", got)
	}
	if status := post(t, listed.WebhookURL, "application/json", customerIOEvent("01KFDBCH98W2F34D024Q6EMN86")); status != http.StatusOK {
		t.Errorf("inlet of an enabled dataflow returned %d, expected 200", status)
	}
}

func TestSimHealthCounts(t *testing.T) {
	env := newSimEnv(t)
	result := env.createSetup(t)
	other := env.createSetup(t)
	env.clock.Advance(setup.SendDelay)
	firstPost := env.clock.Now()

	accepted := []string{
		customerIOEvent("01KFDBCH98W2F34D024Q6EMN01"),
		customerIOEvent("01KFDBCH98W2F34D024Q6EMN02"),
		customerIOEvent("01KFDBCH98W2F34D024Q6EMN03"),
		customerIOEvent(""), // accepted, but _id gets no value, so the record fails
	}
	for _, body := range accepted {
		if status := post(t, result.WebhookURL, "application/json", body); status != http.StatusOK {
			t.Fatalf("accepted post returned %d", status)
		}
		env.clock.Advance(time.Minute)
	}
	rejected := []struct{ contentType, body string }{
		{"application/json", `{"event_id": "01KFDBCH98W2F34D024Q6EMN04",`},
		{"text/plain", customerIOEvent("01KFDBCH98W2F34D024Q6EMN05")},
	}
	for _, r := range rejected {
		if status := post(t, result.WebhookURL, r.contentType, r.body); status != http.StatusBadRequest {
			t.Fatalf("rejected post returned %d, expected 400", status)
		}
	}
	if status := post(t, other.WebhookURL, "application/json", customerIOEvent("01KFDBCH98W2F34D024Q6EMN06")); status != http.StatusOK {
		t.Fatalf("post to the other setup returned %d", status)
	}
	if events := env.platform.InletEvents(result.FlowID); len(events) != 6 {
		t.Fatalf("the inlet recorded %d posts, expected 6", len(events))
	}

	now := env.clock.Now()
	health, err := env.service.Health(context.Background(), devSandbox.Name, result.FlowID, now)
	if err != nil {
		t.Fatalf("Health: %v", err)
	}

	if health.Received != 4 {
		t.Errorf("Received = %d, expected 4", health.Received)
	}
	if health.Ingested != 3 {
		t.Errorf("Ingested = %d, expected 3", health.Ingested)
	}
	if health.Failed != 1 {
		t.Errorf("Failed = %d, expected 1", health.Failed)
	}
	if len(health.Errors) != 1 || health.Errors[0].Code != "MAPPER-3700-400" {
		t.Errorf("Errors = %+v, expected one MAPPER-3700-400", health.Errors)
	}
	if health.LastStatus != "partialSuccess" {
		t.Errorf("LastStatus = %q, expected partialSuccess", health.LastStatus)
	}
	lastPost := now.Add(-time.Minute)
	if health.LastEvent.Start.After(firstPost) {
		t.Errorf("LastEvent starts at %v, after the first post at %v", health.LastEvent.Start, firstPost)
	}
	if health.LastEvent.End.Before(lastPost) {
		t.Errorf("LastEvent ends at %v, before the last accepted post at %v", health.LastEvent.End, lastPost)
	}

	// A refresh a day later counts nothing.
	later, err := env.service.Health(context.Background(), devSandbox.Name, result.FlowID, now.Add(25*time.Hour))
	if err != nil {
		t.Fatalf("Health a day later: %v", err)
	}
	if later.Runs != 0 {
		t.Errorf("Health a day later counts %d runs, expected none", later.Runs)
	}
	if later.Received != 0 {
		t.Errorf("Health a day later counts %d records, expected none", later.Received)
	}
}

func TestSimLastSetupFromResult(t *testing.T) {
	env := newSimEnv(t)
	result := env.createSetup(t)
	prefs := memoryPreferences{}

	err := NewLastSetupStore(prefs, nil).Save(LastSetup{
		Sandbox:    result.Sandbox,
		FlowID:     result.FlowID,
		WebhookURL: result.WebhookURL,
		InletURL:   result.InletURL,
		DatasetID:  result.DatasetID,
		SchemaID:   result.SchemaID,
		Created:    result.FlowCreatedAt,
	})
	if err != nil {
		t.Fatalf("Save: %v", err)
	}

	last, ok, err := NewLastSetupStore(prefs, nil).Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !ok {
		t.Fatal("Load found no last setup")
	}
	if listed := env.list(t)[0]; last.WebhookURL != listed.WebhookURL {
		t.Errorf("stored WebhookURL = %s, listed %s", last.WebhookURL, listed.WebhookURL)
	}

	stored := prefs[LastSetupKey]
	credential := env.platform.Credential()
	for _, secret := range []string{credential.ClientSecret, credential.ClientID} {
		if strings.Contains(stored, secret) {
			t.Errorf("stored last setup contains a credential value: %s", stored)
		}
	}
}

func without(ids []string, id string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id })
}

func compareResources(t *testing.T, got, want sim.Resources) {
	t.Helper()
	kinds := []struct {
		name      string
		got, want []string
	}{
		{"field groups", got.FieldGroups, want.FieldGroups},
		{"schemas", got.Schemas, want.Schemas},
		{"datasets", got.Datasets, want.Datasets},
		{"mapping sets", got.MappingSets, want.MappingSets},
		{"source connections", got.SourceConnections, want.SourceConnections},
		{"target connections", got.TargetConnections, want.TargetConnections},
		{"flows", got.Flows, want.Flows},
	}
	for _, kind := range kinds {
		if !slices.Equal(kind.got, kind.want) {
			t.Errorf("%s after Delete = %v, expected %v", kind.name, kind.got, kind.want)
		}
	}
}

// withConnections adds the source and target connection look-ups that
// *aep.SandboxClient does not publish yet, served by connectionStandIn.
type withConnections struct {
	*aep.SandboxClient
	standIn *connectionStandIn
	sandbox string
}

func (w *withConnections) GetSourceConnection(ctx context.Context, id string) (aep.Connection, error) {
	return w.standIn.get(ctx, w.sandbox, "sourceConnections", id)
}

func (w *withConnections) GetTargetConnection(ctx context.Context, id string) (aep.Connection, error) {
	return w.standIn.get(ctx, w.sandbox, "targetConnections", id)
}

// connectionStandIn reads Flow Service connections from the simulator with
// plain HTTP requests, standing in for client calls flows/aep lacks.
type connectionStandIn struct {
	platform *sim.Platform

	mu    sync.Mutex
	token string
}

func (s *connectionStandIn) accessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" {
		return s.token, nil
	}

	credential := s.platform.Credential()
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {credential.ClientID},
		"client_secret": {credential.ClientSecret},
		"scope":         {credential.Scopes},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.platform.IMSURL+"/ims/token/v3", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")

	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(req, &body); err != nil {
		return "", err
	}
	s.token = body.AccessToken
	return s.token, nil
}

func (s *connectionStandIn) get(ctx context.Context, sandbox, kind, id string) (aep.Connection, error) {
	token, err := s.accessToken(ctx)
	if err != nil {
		return aep.Connection{}, err
	}

	credential := s.platform.Credential()
	address := s.platform.PlatformURL + "/data/foundation/flowservice/" + kind + "/" + url.PathEscape(id)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, address, nil)
	if err != nil {
		return aep.Connection{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-api-key", credential.ClientID)
	req.Header.Set("x-gw-ims-org-id", credential.OrgID)
	req.Header.Set("x-sandbox-name", sandbox)
	req.Header.Set("Accept", "application/json")

	var body struct {
		Items []struct {
			ID             string `json:"id"`
			Name           string `json:"name"`
			ConnectionSpec struct {
				ID string `json:"id"`
			} `json:"connectionSpec"`
			Params struct {
				DataSetID string `json:"dataSetId"`
			} `json:"params"`
		} `json:"items"`
	}
	if err := doJSON(req, &body); err != nil {
		return aep.Connection{}, err
	}
	if len(body.Items) == 0 {
		return aep.Connection{}, &aep.Error{Op: "Get " + kind, Cause: aep.CauseNotFound, Status: http.StatusOK}
	}

	item := body.Items[0]
	return aep.Connection{ID: item.ID, Name: item.Name, ConnectionSpecID: item.ConnectionSpec.ID, DatasetID: item.Params.DataSetID}, nil
}

func doJSON(req *http.Request, out any) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusNotFound:
		return &aep.Error{Op: req.URL.Path, Cause: aep.CauseNotFound, Status: resp.StatusCode}
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("%s %s returned %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
