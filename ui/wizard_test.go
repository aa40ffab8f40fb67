package ui

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

func TestMain(m *testing.M) {
	// Rendered times (the Done screen's "enable after") must not depend on the machine's zone.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// useLanguage loads code for the test and the OS language again afterwards, because lang is
// process-global.
func useLanguage(t *testing.T, code string) {
	t.Helper()

	t.Cleanup(func() {
		if err := SetLanguage(""); err != nil {
			t.Error(err)
		}
	})
	if err := SetLanguage(code); err != nil {
		t.Fatal(err)
	}
}

// newTestWizard builds a wizard in a headless window of a fixed size.
func newTestWizard(t *testing.T, opts Options) (*Wizard, fyne.App, fyne.Window) {
	t.Helper()

	a := test.NewTempApp(t)
	window := test.NewTempWindow(t, nil)
	window.Resize(fyne.NewSize(820, 640))
	opts.queueUI = true
	if opts.JournalDir == "" {
		opts.JournalDir = t.TempDir()
	}
	w := New(a, window, opts)
	w.copiedFeedback = time.Millisecond
	t.Cleanup(func() {
		w.Close()
		w.work.wait()
	})
	w.work.wait()
	return w, a, window
}

// startSim starts a simulated platform for the test.
func startSim(t *testing.T) *sim.Platform {
	t.Helper()

	platform, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = platform.Close() })
	return platform
}

// simBackend returns a backend that talks to the simulated platform, keeps its journals in
// journalDir and polls quickly.
func simBackend(platform *sim.Platform, journalDir string) Backend {
	return NewBackend(BackendConfig{
		IMSURL:       platform.IMSURL,
		PlatformURL:  platform.PlatformURL,
		JournalDir:   journalDir,
		PollInterval: 5 * time.Millisecond,
	})
}

// simOptions returns options for a wizard on the simulated platform, in demo mode or not,
// with the journals in a temporary folder that the backend and the wizard share.
func simOptions(t *testing.T, platform *sim.Platform, demo bool) Options {
	t.Helper()

	dir := t.TempDir()
	opts := Options{Backend: simBackend(platform, dir), JournalDir: dir}
	if demo {
		opts.Demo = true
		opts.DemoCredentials = simCredentials(platform)
	}
	return opts
}

// simCredentials returns the simulator's seeded credential.
func simCredentials(platform *sim.Platform) aep.Credentials {
	c := platform.Credential()
	return aep.Credentials{ClientID: c.ClientID, ClientSecret: c.ClientSecret, OrgID: c.OrgID, Scopes: c.Scopes}
}

// simDemo returns a StartDemo function that hands out the simulated platform.
func simDemo(t *testing.T, platform *sim.Platform) func(context.Context) (Demo, error) {
	dir := t.TempDir()
	backend := simBackend(platform, dir)
	return func(context.Context) (Demo, error) {
		return Demo{Backend: backend, Credentials: simCredentials(platform), JournalDir: dir}, nil
	}
}

// findButton returns the first button with the given text inside o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if v.Text == text {
			return v
		}
	case *widget.Card:
		return findButton(v.Content, text)
	case *fyne.Container:
		for _, child := range v.Objects {
			if b := findButton(child, text); b != nil {
				return b
			}
		}
	}
	return nil
}

// tap taps a button and waits for the work it started, as a user waits for the spinner.
func tap(t *testing.T, w *Wizard, button *widget.Button) {
	t.Helper()

	if button == nil {
		t.Fatal("tapping a button that does not exist")
	}
	if button.Disabled() {
		t.Fatalf("button %q is disabled", button.Text)
	}
	if !button.Visible() {
		t.Fatalf("button %q is hidden", button.Text)
	}
	test.Tap(button)
	w.work.wait()
}

// wantScreen fails the test unless the wizard shows screen id.
func wantScreen(t *testing.T, w *Wizard, id screenID) {
	t.Helper()

	if w.current != id {
		t.Fatalf("current screen = %d (%q), want %d", w.current, w.header.Text, id)
	}
}

// selectSandbox selects the sandbox named name in the sandbox step's list.
func selectSandbox(t *testing.T, w *Wizard, name string) {
	t.Helper()

	s := w.screens[screenSandbox].(*sandboxStep)
	for i, index := range s.shown {
		if w.state.sandboxes[index].Name == name {
			s.list.Select(i)
			return
		}
	}
	t.Fatalf("sandbox %q is not listed", name)
}

func TestWelcomeSwitchesLanguage(t *testing.T) {
	useLanguage(t, English)
	w, a, window := newTestWizard(t, Options{})

	welcome := w.screens[screenWelcome].(*welcome)
	if got, want := welcome.connect.Text, "Connect Adobe account"; got != want {
		t.Fatalf("English connect button = %q, want %q", got, want)
	}

	welcome.language.SetSelected("Español")

	if got, want := welcome.connect.Text, "Conectar cuenta de Adobe"; got != want {
		t.Errorf("Spanish connect button = %q, want %q", got, want)
	}
	if got, want := window.Title(), "Customer.io AEP Setup"; got != want {
		t.Errorf("window title = %q, want %q", got, want)
	}
	if got := a.Preferences().String(PrefLanguage); got != Spanish {
		t.Errorf("saved language = %q, want %q", got, Spanish)
	}
	if got := CurrentLanguage(); got != Spanish {
		t.Errorf("CurrentLanguage() = %q, want %q", got, Spanish)
	}
}

func TestLanguageSwitchKeepsValues(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{})

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	creds := w.screens[screenCredentials].(*credentialsStep)
	test.Type(creds.clientID, "abc123")
	test.Type(creds.secret, "typed-secret")

	w.switchLanguage(Spanish)

	creds = w.screens[screenCredentials].(*credentialsStep)
	if got := creds.clientID.Text; got != "abc123" {
		t.Errorf("client ID after the switch = %q, want %q", got, "abc123")
	}
	if got := creds.secret.Text; got != "typed-secret" {
		t.Errorf("client secret after the switch = %q, want the typed value", got)
	}
	if got, want := w.header.Text, "Credenciales de Adobe"; got != want {
		t.Errorf("header after the switch = %q, want %q", got, want)
	}
}

func TestSetLanguageRejectsUnknown(t *testing.T) {
	if err := SetLanguage("fr"); err == nil {
		t.Error("SetLanguage(\"fr\") succeeded, want an error")
	}
}

func TestSetLanguageWithCLocale(t *testing.T) {
	t.Cleanup(func() {
		if err := SetLanguage(""); err != nil {
			t.Error(err)
		}
	})
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C")
	t.Setenv("LANGUAGE", "")

	if err := SetLanguage(Spanish); err != nil {
		t.Fatal(err)
	}
	if got := CurrentLanguage(); got != Spanish {
		t.Errorf("with LANG=C, CurrentLanguage() = %q, want %q", got, Spanish)
	}
}

func TestDemoBannerOnEveryScreen(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{Demo: true})

	for _, id := range []screenID{screenWelcome, screenCredentials, screenEvents, screenDone} {
		w.show(id)
		if len(w.banner.Objects) != 1 {
			t.Errorf("screen %d shows %d demo banners, want 1", id, len(w.banner.Objects))
		}
	}

	plain, _, _ := newTestWizard(t, Options{})
	if len(plain.banner.Objects) != 0 {
		t.Errorf("wizard outside demo mode shows %d banners, want 0", len(plain.banner.Objects))
	}
}

func TestCheckCredentials(t *testing.T) {
	valid := aep.Credentials{ClientID: "0123456789abcdef0123456789abcdef", ClientSecret: "s", OrgID: "0123456789ABCDEF01234567@AdobeOrg", Scopes: "openid"}
	tests := map[string]struct {
		change     func(c *aep.Credentials)
		ready      bool
		offerFix   bool
		messageKey string
		missing    []string
	}{
		"valid":           {change: func(*aep.Credentials) {}, ready: true},
		"empty secret":    {change: func(c *aep.Credentials) { c.ClientSecret = "" }, missing: []string{"creds.client_secret"}},
		"empty scopes":    {change: func(c *aep.Credentials) { c.Scopes = " , " }, missing: []string{"creds.scopes"}},
		"empty client":    {change: func(c *aep.Credentials) { c.ClientID = ""; c.OrgID = "" }, missing: []string{"creds.client_id", "creds.org_id"}},
		"bare org":        {change: func(c *aep.Credentials) { c.OrgID = "0123456789ABCDEF01234567" }, offerFix: true, messageKey: "creds.check.org_suffix_missing"},
		"wrong org":       {change: func(c *aep.Credentials) { c.OrgID = "acme" }, messageKey: "creds.check.org_invalid"},
		"spaced client":   {change: func(c *aep.Credentials) { c.ClientID = "0123 abcd" }, messageKey: "creds.check.client_id_spaces"},
		"short client":    {change: func(c *aep.Credentials) { c.ClientID = "abc" }, messageKey: "creds.check.client_id_length"},
		"long client":     {change: func(c *aep.Credentials) { c.ClientID += "0" }, messageKey: "creds.check.client_id_length"},
		"only the suffix": {change: func(c *aep.Credentials) { c.OrgID = "@AdobeOrg" }, messageKey: "creds.check.org_invalid"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			c := valid
			tt.change(&c)
			got := checkCredentials(c)
			if got.ready != tt.ready {
				t.Errorf("ready = %v, want %v", got.ready, tt.ready)
			}
			if got.offerOrgSuffix != tt.offerFix {
				t.Errorf("offerOrgSuffix = %v, want %v", got.offerOrgSuffix, tt.offerFix)
			}
			if tt.messageKey != "" && (len(got.messages) != 1 || got.messages[0].key != tt.messageKey) {
				t.Errorf("messages = %v, want [%s]", got.messages, tt.messageKey)
			}
			if tt.messageKey == "" && len(got.messages) != 0 {
				t.Errorf("messages = %v, want none", got.messages)
			}
			if !slices.Equal(got.missing, tt.missing) {
				t.Errorf("missing = %v, want %v", got.missing, tt.missing)
			}
		})
	}
}

func TestCredentialsTrimAndOfferOrgSuffix(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)

	test.Type(s.clientID, "  0123456789abcdef0123456789abcdef  ")
	test.Type(s.secret, "secret\n")
	test.Type(s.orgID, " 0123456789ABCDEF01234567 ")

	if got := w.state.creds.ClientID; got != "0123456789abcdef0123456789abcdef" {
		t.Errorf("stored client ID = %q, want it trimmed", got)
	}
	if !s.orgFix.Visible() {
		t.Fatal("Add @AdobeOrg is hidden for a bare organization ID")
	}
	if !w.next.Disabled() {
		t.Error("Connect is enabled with an organization ID missing @AdobeOrg")
	}

	tap(t, w, s.orgFix)

	if got, want := w.state.creds.OrgID, "0123456789ABCDEF01234567@AdobeOrg"; got != want {
		t.Errorf("organization ID = %q, want %q", got, want)
	}
	if s.orgFix.Visible() {
		t.Error("Add @AdobeOrg still shown after adding it")
	}
	if w.next.Disabled() {
		t.Error("Connect is disabled with every value valid")
	}
}

// flush runs the UI work queued so far without waiting for jobs in flight, for screens that
// are captured while a job still runs.
func (w *worker) flush() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		fn := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		fn()
	}
}
