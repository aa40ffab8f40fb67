package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// createSimSetups runs n ready-made setups in a sandbox of the simulated platform with
// setup.Runner, outside the wizard, as earlier launches would have.
func createSimSetups(t *testing.T, platform *sim.Platform, sandbox string, n int) []setup.Result {
	t.Helper()

	client, err := aep.New(aep.Config{
		IMSURL:      platform.IMSURL,
		PlatformURL: platform.PlatformURL,
		Credentials: simCredentials(platform),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := client.Connect(ctx); err != nil {
		t.Fatal(err)
	}

	sandboxes, err := client.ListSandboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(sandboxes, func(sb aep.Sandbox) bool { return sb.Name == sandbox })
	if i < 0 {
		t.Fatalf("the simulator has no sandbox %q", sandbox)
	}

	runner := &setup.Runner{Client: client, JournalDir: t.TempDir(), PollInterval: 5 * time.Millisecond}
	results := make([]setup.Result, n)
	for k := range results {
		plan, err := setup.NewPlan(setup.Input{Sandbox: sandboxes[i], Data: setup.ReadyMade, EventGroups: customerio.GroupNames()})
		if err != nil {
			t.Fatal(err)
		}
		results[k], err = runner.Apply(ctx, plan, nil)
		if err != nil {
			t.Fatalf("setup %d: %v", k+1, err)
		}
	}
	return results
}

// openExistingSetups walks from Welcome to the existing setups of sandbox: Open existing
// setups, Connect with the filled-in credential, the sandbox, Next.
func openExistingSetups(t *testing.T, w *Wizard, sandbox string) *setupsScreen {
	t.Helper()

	tap(t, w, w.screens[screenWelcome].(*welcome).existing)
	wantScreen(t, w, screenCredentials)
	tap(t, w, w.next) // Connect
	wantScreen(t, w, screenSandbox)
	selectSandbox(t, w, sandbox)
	tap(t, w, w.next)
	wantScreen(t, w, screenSetups)
	return w.screens[screenSetups].(*setupsScreen)
}

// cardOf returns the card of the dataflow flowID on the existing-setups screen.
func cardOf(t *testing.T, s *setupsScreen, flowID string) *setupCard {
	t.Helper()

	for _, c := range s.cards {
		if c.setup.FlowID == flowID {
			return c
		}
	}
	listed := make([]string, len(s.cards))
	for i, c := range s.cards {
		listed[i] = c.setup.FlowID
	}
	t.Fatalf("dataflow %s is not listed; listed: %v; problem: %q", flowID, listed, problemText(s.problem))
	return nil
}

func TestExistingSetupsListAndCopy(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 2)
	w, a, _ := newTestWizard(t, simOptions(t, platform, true))

	s := openExistingSetups(t, w, "dev")

	if len(s.cards) != 2 {
		t.Fatalf("%d setups listed, want 2: %s", len(s.cards), problemText(w.body))
	}
	for _, result := range results {
		card := cardOf(t, s, result.FlowID)
		if card.webhook == nil {
			t.Fatalf("dataflow %s shows no webhook URL", result.FlowID)
		}
		if got := card.webhook.Text; got != result.WebhookURL {
			t.Errorf("webhook URL of %s = %q, want %q", result.FlowID, got, result.WebhookURL)
		}
		if !card.webhook.Selectable {
			t.Errorf("webhook URL of %s is not selectable", result.FlowID)
		}
		if got := card.state.Text; got != "Enabled" {
			t.Errorf("state of %s = %q, want Enabled", result.FlowID, got)
		}
	}

	second := cardOf(t, s, results[1].FlowID)
	if got := second.copyWebhook.Text; got != "Copy" {
		t.Errorf("copy button = %q, want Copy", got)
	}
	tap(t, w, second.copyWebhook)
	if got := a.Clipboard().Content(); got != results[1].WebhookURL {
		t.Errorf("clipboard = %q, want exactly the second URL %q", got, results[1].WebhookURL)
	}
}

func TestExistingSetupsPathNavigation(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))

	tap(t, w, w.screens[screenWelcome].(*welcome).existing)
	wantScreen(t, w, screenCredentials)
	if got := w.step.Text; got != "" {
		t.Errorf("step label on the existing-setups path = %q, want none", got)
	}
	tap(t, w, w.next)
	wantScreen(t, w, screenSandbox)
	if got := w.step.Text; got != "" {
		t.Errorf("step label on the sandbox step = %q, want none", got)
	}
	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	wantScreen(t, w, screenSetups)
	s := w.screens[screenSetups].(*setupsScreen)
	if got := problemText(s.list); !strings.Contains(got, "has no Customer.io dataflow") {
		t.Errorf("empty sandbox shows %q, want it to say there is no dataflow", got)
	}

	tap(t, w, w.back)
	wantScreen(t, w, screenSandbox)
	tap(t, w, w.back)
	wantScreen(t, w, screenCredentials)
	tap(t, w, w.back)
	wantScreen(t, w, screenWelcome)

	// Connected already: Open existing setups goes straight to the sandbox.
	tap(t, w, w.screens[screenWelcome].(*welcome).existing)
	wantScreen(t, w, screenSandbox)

	// Connect from Welcome is the numbered setup path again, and Next leads to the data step.
	tap(t, w, w.back)
	tap(t, w, w.back)
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	if got, want := w.step.Text, "Step 1 of 7"; got != want {
		t.Errorf("step label after Connect = %q, want %q", got, want)
	}
	tap(t, w, w.next)
	tap(t, w, w.next)
	wantScreen(t, w, screenData)
}

func TestExistingSetupsWithSavedProfile(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 1)
	creds := simCredentials(platform)

	store := credentials.NewSessionStore()
	err := store.SaveProfile(credentials.Profile{
		ClientID:    creds.ClientID,
		OrgID:       creds.OrgID,
		Scopes:      strings.Split(creds.Scopes, ","),
		LastSandbox: "dev",
	}, credentials.Secrets{ClientSecret: creds.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	opts := simOptions(t, platform, false)
	opts.OpenStore = func() (credentials.Store, *credentials.KeyringError) { return store, nil }
	w, _, _ := newTestWizard(t, opts)

	// The saved credential connects, the remembered sandbox is chosen: two taps to the URL.
	tap(t, w, w.screens[screenWelcome].(*welcome).existing)
	wantScreen(t, w, screenSandbox)
	tap(t, w, w.next)
	wantScreen(t, w, screenSetups)

	s := w.screens[screenSetups].(*setupsScreen)
	if got := cardOf(t, s, results[0].FlowID).webhook.Text; got != results[0].WebhookURL {
		t.Errorf("webhook URL = %q, want %q", got, results[0].WebhookURL)
	}
}

func TestExistingSetupDelete(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 2)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	s := openExistingSetups(t, w, "dev")

	target := cardOf(t, s, results[1].FlowID).setup
	err := w.lastSetup.Save(existing.LastSetup{Sandbox: "dev", FlowID: target.FlowID, WebhookURL: target.WebhookURL})
	if err != nil {
		t.Fatal(err)
	}
	before := platform.Inventory()["dev"]
	if !slices.Contains(before.SourceConnections, target.SourceConnectionID) || !slices.Contains(before.TargetConnections, target.TargetConnectionID) {
		t.Fatalf("listed connections %s and %s are not in the simulator's inventory %+v",
			target.SourceConnectionID, target.TargetConnectionID, before)
	}

	tap(t, w, cardOf(t, s, target.FlowID).remove)
	if s.confirmDelete == nil {
		t.Fatal("Delete shows no confirmation")
	}
	message := s.confirmText.Text
	for _, want := range []string{
		target.FlowName, target.SourceConnectionName, target.TargetConnectionName,
		"The dataset and its schema are kept", target.DatasetName,
	} {
		if !strings.Contains(message, want) {
			t.Errorf("confirmation = %q, want it to name %q", message, want)
		}
	}
	if len(platform.Inventory()["dev"].Flows) != 2 {
		t.Fatal("the dataflow was deleted before the confirmation")
	}

	s.confirmDelete.Confirm()
	w.work.wait()

	if got := problemText(s.problem); got != "" {
		t.Fatalf("Delete failed: %s", got)
	}
	after := platform.Inventory()["dev"]
	checkIDs := func(kind string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s after Delete = %v, want %v", kind, got, want)
		}
	}
	without := func(ids []string, id string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x == id })
	}
	checkIDs("dataflows", after.Flows, without(before.Flows, target.FlowID))
	checkIDs("source connections", after.SourceConnections, without(before.SourceConnections, target.SourceConnectionID))
	checkIDs("target connections", after.TargetConnections, without(before.TargetConnections, target.TargetConnectionID))
	checkIDs("datasets", after.Datasets, before.Datasets)
	checkIDs("schemas", after.Schemas, before.Schemas)
	checkIDs("field groups", after.FieldGroups, before.FieldGroups)
	checkIDs("mapping sets", after.MappingSets, before.MappingSets)

	if len(s.cards) != 1 || s.cards[0].setup.FlowID != results[0].FlowID {
		t.Errorf("after Delete the list shows %d setups, want only %s", len(s.cards), results[0].FlowID)
	}
	if !s.notice.Visible() {
		t.Error("no notice after Delete")
	}
	if !strings.Contains(s.notice.Text, target.FlowName) {
		t.Errorf("notice after Delete = %q, want it to name %q", s.notice.Text, target.FlowName)
	}
	if _, ok, _ := w.lastSetup.Load(); ok {
		t.Error("the deleted setup is still the last setup")
	}
}

func TestExistingSetupDisableEnable(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 1)
	flowID := results[0].FlowID
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	s := openExistingSetups(t, w, "dev")

	card := cardOf(t, s, flowID)
	if got := card.toggle.Text; got != "Disable" {
		t.Fatalf("action on an enabled dataflow = %q, want Disable", got)
	}
	tap(t, w, card.toggle)
	if s.confirmDisable == nil {
		t.Fatal("Disable acted without asking for a confirmation")
	}
	if got := cardOf(t, s, flowID).state.Text; got != "Enabled" {
		t.Errorf("state before the confirmation = %q, want Enabled", got)
	}
	s.confirmDisable.Confirm()
	w.work.wait()
	if got := cardOf(t, s, flowID).state.Text; got != "Disabled" {
		t.Errorf("state after Disable = %q, want Disabled", got)
	}

	// Refresh reads the state back from Adobe.
	tap(t, w, s.refresh)
	card = cardOf(t, s, flowID)
	if got := card.state.Text; got != "Disabled" {
		t.Errorf("state read back after Disable = %q, want Disabled", got)
	}
	if got := card.toggle.Text; got != "Enable" {
		t.Fatalf("action on a disabled dataflow = %q, want Enable", got)
	}

	tap(t, w, card.toggle)
	tap(t, w, s.refresh)
	if got := cardOf(t, s, flowID).state.Text; got != "Enabled" {
		t.Errorf("state read back after Enable = %q, want Enabled", got)
	}
}

// reportingEvent returns a Customer.io email event. An empty eventID leaves event_id out, so
// the dataflow's mapping finds no value for the required _id.
func reportingEvent(t *testing.T, eventID string) string {
	t.Helper()

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
	data, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestExistingSetupHealthCounts(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 1)
	result := results[0]

	bodies := []string{
		reportingEvent(t, "01KFDBCH98W2F34D024Q6EMN01"),
		reportingEvent(t, "01KFDBCH98W2F34D024Q6EMN02"),
		reportingEvent(t, "01KFDBCH98W2F34D024Q6EMN03"),
		reportingEvent(t, ""),
	}
	for _, body := range bodies {
		resp, err := http.Post(result.WebhookURL, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the inlet returned %d for %s", resp.StatusCode, body)
		}
	}
	events := platform.InletEvents(result.FlowID)
	if len(events) != 4 || len(events[3].MappingErrors) == 0 {
		t.Fatalf("the inlet recorded %+v, want 4 posts with a mapping error on the last", events)
	}
	wantCode := events[3].MappingErrors[0].Code

	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	s := openExistingSetups(t, w, "dev")
	tap(t, w, cardOf(t, s, result.FlowID).health)
	wantScreen(t, w, screenHealth)

	h := w.screens[screenHealth].(*healthScreen)
	if got := problemText(h.problem); got != "" {
		t.Fatalf("Health failed: %s", got)
	}
	counts := []struct {
		name  string
		label string
		want  string
	}{
		{"received", h.received.Text, "4"},
		{"ingested", h.ingested.Text, "3"},
		{"failed", h.failed.Text, "1"},
	}
	for _, c := range counts {
		if c.label != c.want {
			t.Errorf("records %s = %q, want %s", c.name, c.label, c.want)
		}
	}
	if got := h.summary.Text; !strings.HasPrefix(got, "3 of 4 records ingested; 1 failed: ") {
		t.Errorf("summary = %q, want 3 of 4 records ingested and 1 failed", got)
	}
	if got := h.summary.Text; !strings.Contains(got, wantCode) {
		t.Errorf("summary = %q, want the reason with the code %s", got, wantCode)
	}
	if got := problemText(h.errors); !strings.Contains(got, wantCode) {
		t.Errorf("errors = %q, want the code %s", got, wantCode)
	}
	if got := h.lastEvent.Text; !strings.HasPrefix(got, "Between ") {
		t.Errorf("last event = %q, want a time window", got)
	}

	// Refresh reads the runs again, and Back returns to the list.
	tap(t, w, h.refresh)
	if got := h.received.Text; got != "4" {
		t.Errorf("records received after Refresh = %q, want 4", got)
	}
	tap(t, w, w.back)
	wantScreen(t, w, screenSetups)
}

func TestExistingSetupsListFailureExplained(t *testing.T) {
	want := map[string]string{
		English: "The credential lacks the permission View Sources in sandbox dev.",
		Spanish: "A la credencial le falta el permiso View Sources en la zona protegida dev.",
	}
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			platform := startSim(t)
			platform.InjectFaults(sim.RouteFlows, sim.Fault{Status: 403, Code: "2118", Message: "The user does not have the required permission."})
			w, _, _ := newTestWizard(t, simOptions(t, platform, true))

			s := openExistingSetups(t, w, "dev")

			if got := problemText(s.problem); !strings.Contains(got, want[code]) {
				t.Errorf("problem = %q, want it to contain %q", got, want[code])
			}
			if len(s.cards) != 0 {
				t.Errorf("%d setups listed after a failed list", len(s.cards))
			}

			// The fault is used up, so Refresh lists the sandbox.
			tap(t, w, s.refresh)
			if got := problemText(s.problem); got != "" {
				t.Errorf("problem after Refresh = %q, want none", got)
			}
		})
	}
}

func TestExplainSetupsCauses(t *testing.T) {
	useLanguage(t, English)
	changed := &existing.Error{
		Op: "Delete", Cause: existing.CauseSetupChanged, Sandbox: "dev",
		Resource: existing.Resource{Kind: existing.KindSourceConnection, ID: "src-1"},
		Expected: "src-1", Actual: "src-2",
	}
	p := explainSetups(changed)
	if want := "Source connection: expected src-1, found src-2."; !strings.Contains(p.What, want) {
		t.Errorf("setup changed = %q, want it to contain %q", p.What, want)
	}
	if p.Next != "Refresh the list and try again." {
		t.Errorf("next step = %q, want Refresh the list and try again.", p.Next)
	}

	platformErr := &existing.Error{
		Op: "Disable", Cause: existing.CausePlatform, Sandbox: "dev",
		Err: &aep.Error{Op: "DisableFlow", Cause: aep.CauseNetwork},
	}
	if got, want := explainSetups(platformErr).What, "Adobe could not be reached."; got != want {
		t.Errorf("platform error = %q, want the Adobe cause %q", got, want)
	}
}

func TestExistingSetupOpenFallsBackToCopy(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 1)
	// Outside demo mode, because a demo dataflow has no Adobe page to open.
	opts := simOptions(t, platform, false)
	opts.OpenURL = func(url string) error {
		return &links.OpenError{Cause: links.CauseNoOpener, URL: url, ExitCode: -1}
	}
	w, a, _ := newTestWizard(t, opts)
	w.state.creds = simCredentials(platform)
	s := openExistingSetups(t, w, "dev")

	card := cardOf(t, s, results[0].FlowID)
	tap(t, w, card.open)

	want := links.DataflowPage("dev", results[0].FlowID)
	field := findObject(card.fallback, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == want
	})
	if field == nil {
		t.Fatalf("fallback = %q, want the URL %s in a field of its own", problemText(card.fallback), want)
	}
	copyButton := buttonIn(card.fallback, "Copy")
	if copyButton == nil {
		t.Fatal("no Copy button next to the Adobe Experience Platform URL")
	}
	tap(t, w, copyButton)
	if got := a.Clipboard().Content(); got != want {
		t.Errorf("clipboard = %q, want %q", got, want)
	}
}

func TestExistingSetupDeleteCancelled(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	createSimSetups(t, platform, "dev", 1)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	s := openExistingSetups(t, w, "dev")
	before := platform.Inventory()["dev"]

	tap(t, w, s.cards[0].remove)
	if s.confirmDelete == nil {
		t.Fatal("Delete shows no confirmation")
	}
	s.confirmDelete.Dismiss()
	w.work.wait()

	after := platform.Inventory()["dev"]
	if !slices.Equal(after.Flows, before.Flows) {
		t.Errorf("dataflows after Cancel = %v, want %v", after.Flows, before.Flows)
	}
	if !slices.Equal(after.SourceConnections, before.SourceConnections) {
		t.Errorf("source connections after Cancel = %v, want %v", after.SourceConnections, before.SourceConnections)
	}
	if len(s.cards) != 1 {
		t.Errorf("%d setups listed after Cancel, want 1", len(s.cards))
	}
}

func TestExistingSetupDemoHidesOpen(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	results := createSimSetups(t, platform, "dev", 1)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	s := openExistingSetups(t, w, "dev")

	if cardOf(t, s, results[0].FlowID).open.Visible() {
		t.Error("Open in Adobe Experience Platform is offered for a simulated dataflow")
	}
}

func TestExistingPathSandboxIntro(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))

	tap(t, w, w.screens[screenWelcome].(*welcome).existing)
	tap(t, w, w.next) // Connect
	wantScreen(t, w, screenSandbox)

	want := "Choose the sandbox whose Customer.io setups you want to see. Nothing is created."
	intro := findObject(w.body, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == want
	})
	if intro == nil {
		t.Errorf("the sandbox step on the existing-setups path lacks the intro %q", want)
	}
}
