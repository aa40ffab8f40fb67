package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestDemoRestartRestoresCredential(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w, _, _ := newTestWizard(t, Options{StartDemo: simDemo(t, platform)})

	welcomeStep := w.screens[screenWelcome].(*welcome)
	if got, want := welcomeStep.demo.Text, "Try the demo"; got != want {
		t.Errorf("demo button before the demo = %q, want %q", got, want)
	}
	tap(t, w, welcomeStep.demo)

	// The user spoils the prefilled secret, then goes back to Welcome.
	creds := w.screens[screenCredentials].(*credentialsStep)
	creds.secret.SetText("")
	test.Type(creds.secret, "not-the-demo-secret")
	w.show(screenWelcome)

	welcomeStep = w.screens[screenWelcome].(*welcome)
	if got, want := welcomeStep.demo.Text, "Restart the demo with its sample credential"; got != want {
		t.Errorf("demo button in the demo = %q, want %q", got, want)
	}
	tap(t, w, welcomeStep.demo)

	creds = w.screens[screenCredentials].(*credentialsStep)
	if got, want := creds.secret.Text, platform.Credential().ClientSecret; got != want {
		t.Error("restarting the demo did not restore its client secret")
	}
}

func TestDemoFlagKeepsTryLabel(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)

	// As with --demo: the credential is the simulator's, so there is nothing to restore.
	opts := simOptions(t, platform, true)
	opts.StartDemo = simDemo(t, platform)
	w, _, _ := newTestWizard(t, opts)

	if got, want := w.screens[screenWelcome].(*welcome).demo.Text, "Try the demo"; got != want {
		t.Errorf("demo button with --demo = %q, want %q", got, want)
	}
}
