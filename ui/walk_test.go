package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// walkToDone goes from the credentials step to the Done screen with the given sandbox and the
// ready-made data, the way a user taps through, and returns the Done screen.
func walkToDone(t *testing.T, w *Wizard, sandbox string) *doneStep {
	t.Helper()

	wantScreen(t, w, screenCredentials)
	tap(t, w, w.next) // Connect
	wantScreen(t, w, screenSandbox)

	selectSandbox(t, w, sandbox)
	tap(t, w, w.next)
	wantScreen(t, w, screenData)
	if w.state.data != setup.ReadyMade {
		t.Fatalf("data choice = %v, want the ready-made dataset by default", w.state.data)
	}

	tap(t, w, w.next)
	wantScreen(t, w, screenEvents)
	if got := len(w.state.chosenEvents()); got != 7 {
		t.Fatalf("%d event groups chosen by default, want all 7", got)
	}

	tap(t, w, w.next)
	wantScreen(t, w, screenReview)

	tap(t, w, w.next) // Create
	wantScreen(t, w, screenDone)
	return w.screens[screenDone].(*doneStep)
}

// checkWebhook checks the Done screen against the simulator and copies the URL.
func checkWebhook(t *testing.T, w *Wizard, platform *sim.Platform, done *doneStep, sandbox string) {
	t.Helper()

	result := w.state.result
	if result == nil {
		t.Fatal("no result on the Done screen")
	}
	inv := platform.Inventory()[sandbox]
	if len(inv.Flows) != 1 || inv.Flows[0] != result.FlowID {
		t.Fatalf("simulator flows in %s = %v, want exactly the result's %s", sandbox, inv.Flows, result.FlowID)
	}
	if !strings.HasPrefix(result.InletURL, platform.InletURL+"/collection/") {
		t.Errorf("inlet URL %q is not on the simulator's inlet %s", result.InletURL, platform.InletURL)
	}

	want := result.InletURL + "?x-adobe-flow-id=" + result.FlowID
	shown := done.webhook.Text
	if shown != want {
		t.Errorf("webhook URL shown = %q, want %q", shown, want)
	}

	tap(t, w, done.copyWebhook)
	if got := w.app.Clipboard().Content(); got != want {
		t.Errorf("clipboard = %q, want %q", got, want)
	}
}

func TestDemoWalkEnglish(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w, _, _ := newTestWizard(t, Options{StartDemo: simDemo(t, platform)})

	// Try the demo starts the simulated platform and fills in its credential.
	tap(t, w, w.screens[screenWelcome].(*welcome).demo)
	wantScreen(t, w, screenCredentials)
	if len(w.banner.Objects) != 1 {
		t.Error("the demo banner is missing after Try the demo")
	}
	if got, want := w.header.Text, "Adobe credentials"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}

	done := walkToDone(t, w, "dev")
	if got, want := done.copyWebhook.Text, "Copy"; got != want {
		t.Errorf("copy button = %q, want %q", got, want)
	}
	checkWebhook(t, w, platform, done, "dev")
}

func TestDemoWalkSpanish(t *testing.T) {
	useLanguage(t, Spanish)
	platform := startSim(t)

	// As with --demo: the app started the simulator before the window.
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	if got, want := w.header.Text, "Credenciales de Adobe"; got != want {
		t.Errorf("header = %q, want %q", got, want)
	}
	if got, want := w.next.Text, "Conectar"; got != want {
		t.Errorf("next button = %q, want %q", got, want)
	}

	done := walkToDone(t, w, "stage")
	if got, want := done.copyWebhook.Text, "Copiar"; got != want {
		t.Errorf("copy button = %q, want %q", got, want)
	}
	checkWebhook(t, w, platform, done, "stage")
}

// TestReturningUserTapsToCopy walks the path of a user who saved the credential, chose a
// sandbox last time and takes the ready-made data: launch to Copy in at most six taps.
func TestReturningUserTapsToCopy(t *testing.T) {
	const maxTaps = 6
	useLanguage(t, English)
	platform := startSim(t)
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

	taps := 0
	press := func(button *widget.Button) {
		t.Helper()
		taps++
		tap(t, w, button)
	}

	press(w.screens[screenWelcome].(*welcome).resume) // Continue with the saved credential
	wantScreen(t, w, screenSandbox)
	if w.state.sandbox == nil || w.state.sandbox.Name != "dev" {
		t.Fatalf("sandbox %v is chosen, want the remembered dev", w.state.sandbox)
	}
	press(w.next) // sandbox
	press(w.next) // ready-made data
	press(w.next) // all events
	press(w.next) // Create
	wantScreen(t, w, screenDone)

	done := w.screens[screenDone].(*doneStep)
	press(done.copyWebhook)

	t.Logf("taps from launch to Copy: %d", taps)
	if taps > maxTaps {
		t.Errorf("%d taps from launch to Copy, want at most %d", taps, maxTaps)
	}
	if got := w.app.Clipboard().Content(); got != w.state.result.WebhookURL {
		t.Errorf("clipboard = %q, want the webhook URL %q", got, w.state.result.WebhookURL)
	}
}

func TestInvalidClientKeepsValues(t *testing.T) {
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			platform := startSim(t)
			creds := simCredentials(platform)
			w, _, _ := newTestWizard(t, simOptions(t, platform, false))

			tap(t, w, w.screens[screenWelcome].(*welcome).connect)
			s := w.screens[screenCredentials].(*credentialsStep)
			test.Type(s.clientID, creds.ClientID)
			test.Type(s.secret, "wrong-secret")
			test.Type(s.orgID, creds.OrgID)

			tap(t, w, w.next)

			wantScreen(t, w, screenCredentials)
			want := map[string]string{
				English: "Adobe did not accept the client secret.",
				Spanish: "Adobe no aceptó el secreto de cliente.",
			}[code]
			if got := problemText(s.problem); !strings.Contains(got, want) {
				t.Errorf("problem shown = %q, want it to contain %q", got, want)
			}
			if got := s.clientID.Text; got != creds.ClientID {
				t.Errorf("client ID after the failure = %q, want %q", got, creds.ClientID)
			}
			if got := s.secret.Text; got != "wrong-secret" {
				t.Errorf("client secret after the failure = %q, want the typed value", got)
			}
			if !s.secret.Password {
				t.Error("the client secret entry is not masked")
			}
			if strings.Contains(problemText(s.problem), "wrong-secret") {
				t.Error("the problem text shows the client secret")
			}
		})
	}
}

// problemText returns the text of every label inside a container, one per line.
func problemText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *widget.Card:
			walk(v.Content)
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestLastSetupShownAgain(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	creds := simCredentials(platform)
	w, _, _ := newTestWizard(t, simOptions(t, platform, false))

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)
	test.Type(s.clientID, creds.ClientID)
	test.Type(s.secret, creds.ClientSecret)
	test.Type(s.orgID, creds.OrgID)
	walkToDone(t, w, "dev")
	want := w.state.result.WebhookURL

	// A later launch would read the same Preferences; Welcome offers the URL again.
	w.state.result = nil
	w.show(screenWelcome)
	last := w.screens[screenWelcome].(*welcome).last
	if last == nil {
		t.Fatal("Welcome offers no last webhook URL after a finished setup")
	}
	tap(t, w, last)
	wantScreen(t, w, screenDone)
	if got := w.screens[screenDone].(*doneStep).webhook.Text; got != want {
		t.Errorf("last webhook URL = %q, want %q", got, want)
	}
}

func TestBackKeepsChoices(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	tap(t, w, w.next)

	selectSandbox(t, w, "stage")
	tap(t, w, w.next)
	tap(t, w, w.next)
	events := w.screens[screenEvents].(*eventsStep)
	test.Tap(events.checks["slack"])
	test.Tap(events.checks["webhook"])

	tap(t, w, w.back) // data
	tap(t, w, w.back) // sandbox
	wantScreen(t, w, screenSandbox)
	if w.state.sandbox == nil || w.state.sandbox.Name != "stage" {
		t.Fatalf("sandbox after Back = %v, want stage", w.state.sandbox)
	}
	tap(t, w, w.back) // credentials
	if got := w.screens[screenCredentials].(*credentialsStep).clientID.Text; got != simCredentials(platform).ClientID {
		t.Errorf("client ID after Back = %q, want the demo credential's", got)
	}

	tap(t, w, w.next) // same credential: no new connection needed
	tap(t, w, w.next)
	tap(t, w, w.next)
	wantScreen(t, w, screenEvents)
	events = w.screens[screenEvents].(*eventsStep)
	if events.checks["slack"].Checked || events.checks["webhook"].Checked {
		t.Error("unticked event groups are ticked again after Back and Next")
	}
	if got := len(w.state.chosenEvents()); got != 5 {
		t.Errorf("%d event groups chosen, want 5", got)
	}
}
