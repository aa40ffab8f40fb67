package ui

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// testAppAPIKey is the App API key registered with the simulated Customer.io in these tests.
const testAppAPIKey = "test-app-api-key-5f0c9a7e21d4"

// startCustomerIO starts a simulated Customer.io with testAppAPIKey registered in region.
func startCustomerIO(t *testing.T, region ciosim.Region) *ciosim.Sim {
	t.Helper()

	cio, err := ciosim.Start(ciosim.Options{RateLimit: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cio.Close() })
	cio.AddKey(testAppAPIKey, region)
	return cio
}

// customerIOFor returns the wizard option that reaches cio, with the key filled in when
// appAPIKey is not empty.
func customerIOFor(cio *ciosim.Sim, appAPIKey string) func(bool) *CustomerIOConfig {
	return func(bool) *CustomerIOConfig {
		return &CustomerIOConfig{
			BaseURLs:  map[customerio.Region]string{customerio.RegionUS: cio.USURL, customerio.RegionEU: cio.EUURL},
			AppAPIKey: appAPIKey,
		}
	}
}

// lockedBuffer collects log output written from worker goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// demoDone runs a demo setup on the simulated platform up to the Done screen and returns the
// wizard, its window and the webhook panel. logs receives the wizard's log.
func demoDone(t *testing.T, platform *sim.Platform, cio *ciosim.Sim, logs *lockedBuffer) (*Wizard, fyne.Window, *webhookPanel) {
	t.Helper()

	opts := simOptions(t, platform, true)
	opts.CustomerIO = customerIOFor(cio, testAppAPIKey)
	if logs != nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	w, _, window := newTestWizard(t, opts)

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	done := walkToDone(t, w, "dev")
	if done.webhookPanel == nil {
		t.Fatal("the Done screen has no webhook panel")
	}
	return w, window, done.webhookPanel
}

// showGroups shows the Done screen again for the same dataflow with only the given event
// groups, as if the user had chosen them on the events step.
func showGroups(w *Wizard, groups ...string) *webhookPanel {
	result := *w.state.result
	result.EventGroups = groups
	w.showLastSetup(result)
	return w.screens[screenDone].(*doneStep).webhookPanel
}

// labelTexts returns the text of every label inside o.
func labelTexts(o fyne.CanvasObject) []string {
	var texts []string
	switch v := o.(type) {
	case *widget.Label:
		texts = append(texts, v.Text)
	case *widget.Card:
		texts = append(texts, v.Title, v.Subtitle)
		texts = append(texts, labelTexts(v.Content)...)
	case *widget.Form:
		for _, item := range v.Items {
			texts = append(texts, item.Text)
			texts = append(texts, labelTexts(item.Widget)...)
		}
	case *container.Scroll:
		texts = append(texts, labelTexts(v.Content)...)
	case *fyne.Container:
		for _, child := range v.Objects {
			texts = append(texts, labelTexts(child)...)
		}
	}
	return texts
}

// outcomeText returns the visible text of the panel's outcome, one label per line.
func outcomeText(p *webhookPanel) string {
	return strings.Join(labelTexts(p.outcome), "\n")
}

// countLabels returns how many labels inside o read exactly text.
func countLabels(o fyne.CanvasObject, text string) int {
	n := 0
	for _, t := range labelTexts(o) {
		if t == text {
			n++
		}
	}
	return n
}

// onlyWebhook returns the single webhook of the test key's workspace.
func onlyWebhook(t *testing.T, cio *ciosim.Sim) ciosim.Webhook {
	t.Helper()

	webhooks := cio.Webhooks(testAppAPIKey)
	if len(webhooks) != 1 {
		t.Fatalf("Customer.io has %d webhooks, want 1: %+v", len(webhooks), webhooks)
	}
	return webhooks[0]
}

func TestWebhookPanelDemoEnablesWebhook(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	logs := &lockedBuffer{}
	w, window, panel := demoDone(t, platform, cio, logs)
	result := *w.state.result

	// Demo mode fills everything in: the user only taps.
	if panel.key.Text != testAppAPIKey {
		t.Error("key entry is not filled with the demo key")
	}
	if !panel.key.Password {
		t.Error("key entry is not a password entry")
	}
	if got, want := panel.regionChoice.Selected, "United States (US)"; got != want {
		t.Errorf("region = %q, want %q", got, want)
	}
	if !panel.rememberCheck.Disabled() {
		t.Error("Remember is enabled in demo mode")
	}
	if got, want := panel.create.Text, "Create webhook and send test events"; got != want {
		t.Errorf("button = %q, want %q", got, want)
	}

	tap(t, w, panel.create)

	if panel.run == nil || panel.run.err != nil {
		t.Fatalf("run = %+v, want success", panel.run)
	}
	tests := panel.run.result.Tests
	if len(tests) != len(customerio.GroupNames()) {
		t.Fatalf("%d test events, want one per group (%d)", len(tests), len(customerio.GroupNames()))
	}
	for _, row := range tests {
		if !row.Accepted() || row.XactionID == "" {
			t.Errorf("test event %s = %+v, want accepted with a transaction ID", row.Group, row)
		}
	}

	text := outcomeText(panel)
	if !strings.Contains(text, "Adobe accepted all test events (7 of 7).") {
		t.Errorf("outcome does not say that every event was accepted:\n%s", text)
	}
	if got := countLabels(panel.outcome, "Accepted"); got != 7 {
		t.Errorf("%d rows read Accepted, want 7:\n%s", got, text)
	}
	if !strings.Contains(text, "Adobe transaction ID "+tests[0].XactionID) {
		t.Errorf("outcome does not show the transaction ID %s:\n%s", tests[0].XactionID, text)
	}
	if got, want := panel.create.Text, "Send test events again"; got != want {
		t.Errorf("button after the run = %q, want %q", got, want)
	}

	webhook := onlyWebhook(t, cio)
	if webhook.Disabled {
		t.Error("the webhook is disabled in Customer.io")
	}
	if webhook.Endpoint != result.WebhookURL {
		t.Errorf("webhook endpoint = %q, want the Done screen's URL %q", webhook.Endpoint, result.WebhookURL)
	}
	if webhook.Name != customerio.WebhookName(result.FlowID) {
		t.Errorf("webhook name = %q, want %q", webhook.Name, customerio.WebhookName(result.FlowID))
	}

	// The test events went to the exact webhook URL, so the simulated inlet has them.
	events := platform.InletEvents(result.FlowID)
	if len(events) != len(tests) {
		t.Fatalf("inlet received %d events, want %d", len(events), len(tests))
	}
	for i, event := range events {
		if !event.Accepted() {
			t.Errorf("inlet event %d rejected: %s", i, event.Reason)
		}
	}

	for _, label := range labelTexts(window.Content()) {
		if strings.Contains(label, testAppAPIKey) {
			t.Errorf("a label shows the App API key: %q", label)
		}
	}
	if strings.Contains(logs.String(), testAppAPIKey) {
		t.Error("the log contains the App API key")
	}
	if !strings.Contains(logs.String(), "Customer.io reporting webhook enabled") {
		t.Errorf("the log does not record the enabled webhook:\n%s", logs.String())
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if n := strings.Count(line, " flow_id="); n > 1 {
			t.Errorf("log record has flow_id %d times: %s", n, line)
		}
	}
}

func TestWebhookPanelNamesDroppedEvent(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	w, _, panel := demoDone(t, platform, cio, nil)
	if got := panel.events.Text; !strings.Contains(got, "Slack (6 events)") {
		t.Errorf("events before the run = %q, want Slack with its 6 events", got)
	}

	// The simulated Customer.io rejects slack_undeliverable, as the App API's documented
	// events list leaves it out.
	tap(t, w, panel.create)

	if got := panel.run.result.DroppedEvents; len(got) != 1 || got[0] != "slack_undeliverable" {
		t.Fatalf("dropped events = %v, want [slack_undeliverable]", got)
	}
	text := outcomeText(panel)
	if want := "saved without them: Slack: undeliverable (a message Customer.io did not send"; !strings.Contains(text, want) {
		t.Errorf("outcome does not contain %q:\n%s", want, text)
	}
	if want := "Adobe will not receive these events."; !strings.Contains(text, want) {
		t.Errorf("outcome does not say what the drop means (%q):\n%s", want, text)
	}
	if strings.Contains(text, "slack_undeliverable") {
		t.Errorf("outcome shows the raw event key:\n%s", text)
	}
	if got := panel.events.Text; !strings.Contains(got, "Slack (5 events)") || !strings.Contains(got, "Email (13 events)") {
		t.Errorf("events after the run = %q, want Slack with 5 events and Email with all 13", got)
	}

	// A language switch rebuilds the panel with the same counts.
	useLanguage(t, Spanish)
	w.Rebuild()
	panel = w.screens[screenDone].(*doneStep).webhookPanel
	if got := panel.events.Text; !strings.Contains(got, "Slack (5 eventos)") {
		t.Errorf("events after the language switch = %q, want Slack with 5 events", got)
	}
}

func TestWebhookPanelRevealsOutcome(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	w, _, panel := demoDone(t, platform, cio, nil)
	scroll := panel.scroll
	if scroll == nil {
		t.Fatal("the panel has no scroll container to move")
	}
	if scroll.Offset.Y != 0 {
		t.Fatalf("the Done screen starts scrolled to %v, want the top", scroll.Offset.Y)
	}

	// wantVisible fails unless o lies within the part of the Done screen on view.
	wantVisible := func(name string, o fyne.CanvasObject) {
		t.Helper()
		driver := w.app.Driver()
		origin := driver.AbsolutePositionForObject(scroll.Content).Y
		top := driver.AbsolutePositionForObject(o).Y - origin
		bottom := top + o.Size().Height
		first, last := scroll.Offset.Y, scroll.Offset.Y+scroll.Size().Height
		if top < first || bottom > last {
			t.Errorf("%s spans %v to %v, outside the visible %v to %v", name, top, bottom, first, last)
		}
	}

	// Customer.io answers the first call only after a while, so the spinner stays up.
	cio.InjectFaults(ciosim.US, ciosim.RouteList, ciosim.Fault{Status: http.StatusOK, Delay: time.Minute})
	test.Tap(panel.create)
	wantVisible("the button", panel.actions)
	wantVisible("the spinner", panel.busy.box)
	test.Tap(panel.busy.cancel)
	w.work.wait()

	scroll.ScrollToTop()
	tap(t, w, panel.create)
	if panel.run.err != nil {
		t.Fatalf("second run failed: %v", panel.run.err)
	}
	wantVisible("the button", panel.actions)
	wantVisible("the outcome's summary", panel.outcome.Objects[1])
}

func TestWebhookPanelRejectedEventKeepsDisabled(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	w, _, _ := demoDone(t, platform, cio, nil)
	panel := showGroups(w, customerio.GroupEmail, customerio.GroupSMS, customerio.GroupPush)

	// The first test event goes through, the second gets a 400 from the inlet.
	platform.InjectFaults(sim.RouteCollect, sim.Fault{}, sim.Fault{Status: http.StatusBadRequest, Message: "payload does not match the mapping"})
	tap(t, w, panel.create)

	if got := customerio.CauseOf(panel.run.err); got != customerio.CauseTestEventsFailed {
		t.Fatalf("run error cause = %q (%v), want %q", got, panel.run.err, customerio.CauseTestEventsFailed)
	}
	if panel.run.result.Enabled {
		t.Error("the result says enabled after a rejected test event")
	}
	if !onlyWebhook(t, cio).Disabled {
		t.Error("the webhook is enabled in Customer.io after a rejected test event")
	}

	text := outcomeText(panel)
	if got := countLabels(panel.outcome, "Accepted"); got != 2 {
		t.Errorf("%d rows read Accepted, want 2:\n%s", got, text)
	}
	if got := countLabels(panel.outcome, "Rejected"); got != 1 {
		t.Errorf("%d rows read Rejected, want 1:\n%s", got, text)
	}
	for _, want := range []string{
		"Test events accepted: 2 of 3. Not accepted: 1.",
		"stays disabled",
		"fix the dataflow or its mapping",
		"The webhook URL answered HTTP 400",
		"payload does not match the mapping",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("outcome does not contain %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "accepted all test events") {
		t.Errorf("a partial failure reads as success:\n%s", text)
	}
	if got, want := panel.create.Text, "Send test events again"; got != want {
		t.Errorf("button = %q, want %q", got, want)
	}

	// Once the inlet accepts again, a second run updates the same webhook and enables it.
	tap(t, w, panel.create)

	if panel.run.err != nil || !panel.run.result.Enabled {
		t.Fatalf("second run = %+v, want enabled", panel.run)
	}
	if panel.run.result.Created {
		t.Error("the second run created another webhook")
	}
	if onlyWebhook(t, cio).Disabled {
		t.Error("the webhook is still disabled after every test event was accepted")
	}
	if text := outcomeText(panel); !strings.Contains(text, "Updated the existing webhook") {
		t.Errorf("outcome does not say the webhook was updated:\n%s", text)
	}
}

func TestWebhookPanelNamesKeyRegion(t *testing.T) {
	tests := map[string]struct {
		language string
		changed  string
		regionEU string
	}{
		"english": {language: English, changed: "Your App API key belongs to Customer.io's Europe (EU) region, not the United States (US) region you chose.", regionEU: "Europe (EU)"},
		"spanish": {language: Spanish, changed: "Su clave de la App API pertenece a la región Europa (EU) de Customer.io, no a la región Estados Unidos (US) que eligió.", regionEU: "Europa (EU)"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			useLanguage(t, tt.language)
			platform := startSim(t)
			cio := startCustomerIO(t, ciosim.EU)
			w, _, _ := demoDone(t, platform, cio, nil)
			panel := showGroups(w, customerio.GroupEmail)

			tap(t, w, panel.create)

			if panel.run.err != nil {
				t.Fatalf("run failed: %v", panel.run.err)
			}
			change := panel.run.result.RegionChange
			if change == nil || change.From != customerio.RegionUS || change.To != customerio.RegionEU {
				t.Fatalf("region change = %+v, want us to eu", change)
			}
			if text := outcomeText(panel); !strings.Contains(text, tt.changed) {
				t.Errorf("outcome does not name the region:\n%s", text)
			}
			if panel.region != customerio.RegionEU {
				t.Errorf("panel region = %q, want %q", panel.region, customerio.RegionEU)
			}
			if panel.regionChoice.Selected != tt.regionEU {
				t.Errorf("region choice = %q, want %q", panel.regionChoice.Selected, tt.regionEU)
			}
			if onlyWebhook(t, cio).Disabled {
				t.Error("the webhook in the EU region is not enabled")
			}
		})
	}
}

func TestWebhookPanelDisablesOlderFlows(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	w, _, _ := demoDone(t, platform, cio, nil)
	panel := showGroups(w, customerio.GroupEmail)
	result := *w.state.result

	// An earlier dataflow on the same inlet still has an enabled webhook.
	client, err := customerio.NewClient(customerio.Options{
		APIKey:   testAppAPIKey,
		BaseURLs: map[customerio.Region]string{customerio.RegionUS: cio.USURL, customerio.RegionEU: cio.EUURL},
	})
	if err != nil {
		t.Fatal(err)
	}
	old, err := client.CreateWebhook(t.Context(), customerio.Webhook{
		Name:     "Earlier dataflow",
		Endpoint: result.InletURL + "?x-adobe-flow-id=0b7e2c4a-1d3f-4e5a-8b9c-0d1e2f3a4b5c",
		Events:   []string{"email_sent"},
	})
	if err != nil {
		t.Fatal(err)
	}

	tap(t, w, panel.create)

	if older := panel.run.result.OlderFlows; len(older) != 1 || older[0].ID != old.ID {
		t.Fatalf("older flows = %+v, want the earlier webhook %d", older, old.ID)
	}
	text := outcomeText(panel)
	if !strings.Contains(text, "Other webhooks still send to the same streaming endpoint") || !strings.Contains(text, "Earlier dataflow") {
		t.Errorf("outcome does not offer to disable the earlier webhook:\n%s", text)
	}

	disable := findButton(panel.outcome, "Disable older webhooks")
	tap(t, w, disable)
	if panel.confirm == nil {
		t.Fatal("no confirmation before disabling older webhooks")
	}
	if webhook, _ := client.GetWebhook(t.Context(), old.ID); webhook.Disabled {
		t.Fatal("the older webhook was disabled before the confirmation")
	}
	panel.confirm.Confirm()
	w.work.wait()

	webhook, err := client.GetWebhook(t.Context(), old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !webhook.Disabled {
		t.Error("the older webhook is still enabled")
	}
	if text := outcomeText(panel); !strings.Contains(text, "Disabled the webhooks of older dataflows: Earlier dataflow") {
		t.Errorf("outcome does not confirm the disabled webhook:\n%s", text)
	}
}

// persistentStore is a session store that claims to survive a restart, in place of the OS
// keyring.
type persistentStore struct {
	*credentials.SessionStore
}

func (persistentStore) Persistent() bool { return true }

func TestWebhookPanelRemembersKey(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	cio := startCustomerIO(t, ciosim.US)
	store := persistentStore{credentials.NewSessionStore()}

	opts := simOptions(t, platform, false)
	opts.CustomerIO = customerIOFor(cio, "")
	opts.OpenStore = func() (credentials.Store, *credentials.KeyringError) { return store, nil }
	w, _, _ := newTestWizard(t, opts)
	w.state.creds = simCredentials(platform)
	w.show(screenCredentials)
	done := walkToDone(t, w, "dev")
	panel := done.webhookPanel

	if panel.key.Text != "" {
		t.Errorf("key entry is filled in outside demo mode")
	}
	if panel.rememberCheck.Disabled() {
		t.Error("Remember is disabled with a persistent store")
	}
	if !panel.rememberCheck.Checked {
		t.Error("Remember is not ticked by default with a persistent store")
	}
	test.Type(panel.key, testAppAPIKey)

	// The dataflow is minutes old, so the wizard shows a confirmation before sending.
	tap(t, w, panel.create)
	if panel.confirm == nil {
		t.Fatal("no confirmation before sending test events to a new dataflow")
	}
	if panel.run != nil {
		t.Fatal("the run started before the confirmation")
	}
	panel.confirm.Confirm()
	w.work.wait()

	if panel.run == nil || panel.run.err != nil || panel.run.saveErr != nil {
		t.Fatalf("run = %+v, want success", panel.run)
	}
	key := profileKey(w.state.sessionCreds)
	profile, secrets, err := store.LoadProfile(key)
	if err != nil {
		t.Fatal(err)
	}
	if secrets.AppAPIKey != testAppAPIKey {
		t.Error("the App API key was not remembered")
	}
	if profile.CIORegion != string(customerio.RegionUS) {
		t.Errorf("remembered region = %q, want %q", profile.CIORegion, customerio.RegionUS)
	}

	// A new panel, as after a restart, fills the key in from the store.
	done.webhookPanel = nil
	w.showLastSetup(*w.state.result)
	w.work.wait()
	if got := done.webhookPanel.key.Text; got != testAppAPIKey {
		t.Error("the remembered App API key was not filled in")
	}
}

// fakeDone opens the Done screen of a wizard on the fake backend with a result whose webhook
// URL points at a closed local port, so no test event can leave the machine.
func fakeDone(t *testing.T, opts Options) (*Wizard, *webhookPanel) {
	t.Helper()

	if opts.Backend == nil {
		opts.Backend = newFakeBackend()
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return fakeTime.Add(time.Hour) }
	}
	w, _, _ := newTestWizard(t, opts)
	w.showLastSetup(localResult())
	return w, w.screens[screenDone].(*doneStep).webhookPanel
}

// localResult returns the fake result with its inlet on a closed port of 127.0.0.1.
func localResult() setup.Result {
	result := newFakeSession().result
	result.InletURL = "http://127.0.0.1:1/collection/4f1c0a9e0b6d4c2f"
	result.WebhookURL = result.InletURL + "?x-adobe-flow-id=" + result.FlowID
	result.EventGroups = []string{customerio.GroupEmail, customerio.GroupSMS, customerio.GroupPush}
	return result
}

func TestWebhookPanelKeyringUnavailable(t *testing.T) {
	useLanguage(t, English)
	problem := &credentials.KeyringError{Op: credentials.OpProbe, Cause: credentials.CauseNoSecretService}
	cio := startCustomerIO(t, ciosim.US)
	_, panel := fakeDone(t, Options{
		CustomerIO: customerIOFor(cio, ""),
		OpenStore: func() (credentials.Store, *credentials.KeyringError) {
			return credentials.NewSessionStore(), problem
		},
	})

	if !panel.rememberCheck.Disabled() {
		t.Error("Remember is enabled although the keyring is unavailable")
	}
	if panel.rememberCheck.Checked {
		t.Error("Remember is ticked although the keyring is unavailable")
	}
	why := explain(problem)
	if !strings.Contains(panel.rememberNote.Text, why.What) {
		t.Errorf("remember note = %q, want the keyring message %q", panel.rememberNote.Text, why.What)
	}
	if !strings.Contains(panel.rememberNote.Text, "kept only until you close the app") {
		t.Errorf("remember note = %q, want it to say the key is kept for the session", panel.rememberNote.Text)
	}
}

func TestWebhookPanelUnauthorizedKey(t *testing.T) {
	useLanguage(t, English)
	cio := startCustomerIO(t, ciosim.US)
	w, panel := fakeDone(t, Options{Demo: true, CustomerIO: customerIOFor(cio, "unknown-app-api-key-7d1e")})

	tap(t, w, panel.create)

	if got := customerio.CauseOf(panel.run.err); got != customerio.CauseUnauthorized {
		t.Fatalf("cause = %q (%v), want %q", got, panel.run.err, customerio.CauseUnauthorized)
	}
	text := outcomeText(panel)
	if !strings.Contains(text, "Customer.io rejected the App API key in both the United States (US) and the Europe (EU) region.") {
		t.Errorf("outcome does not explain the rejected key:\n%s", text)
	}
	if strings.Contains(text, "unknown-app-api-key-7d1e") {
		t.Errorf("outcome shows the App API key:\n%s", text)
	}
	if len(cio.Webhooks(testAppAPIKey)) != 0 {
		t.Error("a webhook was created with a rejected key")
	}
	if got, want := panel.create.Text, "Create webhook and send test events"; got != want {
		t.Errorf("button after the rejected key = %q, want %q because no webhook exists", got, want)
	}
}

func TestWebhookPanelCancel(t *testing.T) {
	useLanguage(t, English)
	cio := startCustomerIO(t, ciosim.US)
	cio.InjectFaults(ciosim.US, ciosim.RouteList, ciosim.Fault{Status: http.StatusOK, Delay: time.Minute})
	w, panel := fakeDone(t, Options{Demo: true, CustomerIO: customerIOFor(cio, testAppAPIKey)})

	test.Tap(panel.create)
	if !panel.busy.running() {
		t.Fatal("no spinner while the webhook is created")
	}
	if !panel.create.Disabled() {
		t.Error("the button stays enabled while the webhook is created")
	}
	test.Tap(panel.busy.cancel)
	w.work.wait()

	if !isCanceled(panel.run.err) {
		t.Fatalf("run error = %v, want cancelled", panel.run.err)
	}
	if panel.busy.running() {
		t.Error("the spinner still runs after Cancel")
	}
	if text := outcomeText(panel); !strings.Contains(text, "Cancelled.") {
		t.Errorf("outcome does not say cancelled:\n%s", text)
	}
	if len(cio.Webhooks(testAppAPIKey)) != 0 {
		t.Error("a webhook was created after Cancel")
	}
}

func TestWebhookPanelHiddenWithoutConfig(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{Backend: newFakeBackend(), Now: func() time.Time { return fakeTime }})
	w.showLastSetup(localResult())

	done := w.screens[screenDone].(*doneStep)
	if done.webhookPanel != nil || len(done.slot.Objects) != 0 {
		t.Error("the webhook panel is shown without a way to reach Customer.io")
	}
	if len(labelTexts(done.build())) == 0 {
		t.Error("the Done screen is empty")
	}
}

// partialRun is a fixed outcome with one rejected test event, for the golden files.
func partialRun() *webhookRun {
	webhook := customerio.Webhook{ID: 41, Name: customerio.WebhookName("2c1f0a8e-6b4d-4e2f-9a7c-1d3e5f7a9b0c"), Disabled: true}
	tests := []customerio.TestResult{
		{Group: customerio.GroupEmail, Status: 200, Latency: 38 * time.Millisecond, XactionID: "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8"},
		{Group: customerio.GroupSMS, Status: 400, Latency: 21 * time.Millisecond,
			Err: &customerio.TestEventError{Cause: customerio.CauseRejected, Status: 400, Detail: "payload does not match the mapping"}},
		{Group: customerio.GroupPush, Status: 200, Latency: 27 * time.Millisecond, XactionID: "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"},
	}
	return &webhookRun{
		result: customerio.ConnectResult{
			EnsureResult: customerio.EnsureResult{
				Webhook:      webhook,
				Created:      true,
				RegionChange: &customerio.RegionChange{From: customerio.RegionUS, To: customerio.RegionEU},
			},
			Tests: tests,
		},
		err:    &customerio.TestEventsError{WebhookID: webhook.ID, Failed: tests[1:2], Total: len(tests)},
		region: customerio.RegionEU,
	}
}

func TestWebhookPanelRendersAsGolden(t *testing.T) {
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			_, panel := fakeDone(t, Options{Demo: true, CustomerIO: func(bool) *CustomerIOConfig {
				return &CustomerIOConfig{AppAPIKey: testAppAPIKey}
			}})
			result := localResult()

			ready := test.NewTempWindow(t, panel.build(result))
			ready.Resize(fyne.NewSize(780, 640))
			test.AssertRendersToMarkup(t, "webhook/ready-"+code+".xml", ready.Canvas())

			panel.run = partialRun()
			panel.webhookSaved = true
			panel.region = customerio.RegionEU
			partial := test.NewTempWindow(t, panel.build(result))
			partial.Resize(fyne.NewSize(780, 1100))
			test.AssertRendersToMarkup(t, "webhook/partial-"+code+".xml", partial.Canvas())

			// make screenshots sets SCREENSHOTS_DIR, and the panel sits below the Done
			// screen's fold, so it gets pictures of its own.
			if dir := os.Getenv("SCREENSHOTS_DIR"); dir != "" {
				partial.Canvas().SetContent(partial.Canvas().Content())
				writePNG(t, filepath.Join(dir, "webhook-"+code+".png"), partial)
			}
		})
	}
}

func TestExplainCustomerIO(t *testing.T) {
	useLanguage(t, English)
	tests := map[string]struct {
		err  error
		what string
	}{
		"wrong region": {
			err:  &customerio.APIError{Cause: customerio.CauseWrongRegion, Region: customerio.RegionUS, KeyRegion: customerio.RegionEU, Status: 401},
			what: "The App API key belongs to the Europe (EU) region, not the United States (US) region.",
		},
		"server error": {
			err:  &customerio.APIError{Cause: customerio.CauseServerError, Region: customerio.RegionEU, Status: 503, Operation: "list_webhooks"},
			what: "Customer.io's App API failed with HTTP 503 in the Europe (EU) region.",
		},
		"network": {
			err:  &customerio.APIError{Cause: customerio.CauseNetwork, Region: customerio.RegionUS, Err: errors.New("connection refused")},
			what: "Customer.io's App API in the United States (US) region could not be reached.",
		},
		"cancelled": {
			err:  context.Canceled,
			what: "Cancelled.",
		},
		"invalid input": {
			err:  &customerio.InputError{Field: "events", Reason: "at least one event is required"},
			what: "The webhook cannot be created: events is invalid (at least one event is required).",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := explainCustomerIO(tt.err); got.What != tt.what {
				t.Errorf("What = %q, want %q", got.What, tt.what)
			}
		})
	}
}

func TestTestEventReason(t *testing.T) {
	useLanguage(t, English)
	tests := map[string]struct {
		err  error
		want string
	}{
		"timeout":  {&customerio.TestEventError{Cause: customerio.CauseTimeout}, "No 2xx response within 4 seconds, Customer.io's limit."},
		"rejected": {&customerio.TestEventError{Cause: customerio.CauseRejected, Status: 503}, "The webhook URL answered HTTP 503: no reason given"},
		"network":  {&customerio.TestEventError{Cause: customerio.CauseNetwork, Err: errors.New("connection refused")}, "The webhook URL could not be reached: connection refused"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := testEventReason(tt.err); got != tt.want {
				t.Errorf("testEventReason = %q, want %q", got, tt.want)
			}
		})
	}
}
