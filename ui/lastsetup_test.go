//go:build ci

package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/existing"
)

// TestRelaunchCopiesLastSetupURL finishes a setup outside demo mode on the simulated platform,
// then starts a new app, which reads the preferences.json the first one wrote, with a new
// wizard in it. Its Welcome screen offers the last setup, whose Copy puts exactly the webhook
// URL on the clipboard.
func TestRelaunchCopiesLastSetupURL(t *testing.T) {
	useLanguage(t, English)
	useConfigRoot(t)
	platform := startSim(t)

	first, prefsPath := newRealApp(t)
	w, _ := newWizardOn(t, first, simOptions(t, platform, false))
	creds := simCredentials(platform)
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)
	test.Type(s.clientID, creds.ClientID)
	test.Type(s.secret, creds.ClientSecret)
	test.Type(s.orgID, creds.OrgID)
	walkToDone(t, w, "dev")
	result := *w.state.result
	want := aep.WebhookURL(result.InletURL, result.FlowID)
	if result.WebhookURL != want {
		t.Fatalf("webhook URL = %q, want %q", result.WebhookURL, want)
	}
	waitForSavedPreferences(t, prefsPath, first.Preferences(), existing.LastSetupKey)

	// The relaunch: a new app on the same config folder, and no state shared with the first
	// wizard but the file.
	relaunched, _ := newRealApp(t)
	if relaunched.Preferences().String(existing.LastSetupKey) == "" {
		t.Fatalf("the new app did not read the last setup from %s", prefsPath)
	}
	again, _ := newWizardOn(t, relaunched, simOptions(t, platform, false))

	last := again.screens[screenWelcome].(*welcome).last
	if last == nil {
		t.Fatal("Welcome offers no last setup after a relaunch")
	}
	if got := last.Text; got != "Show the last webhook URL" {
		t.Errorf("last setup button = %q, want %q", got, "Show the last webhook URL")
	}
	tap(t, again, last)
	wantScreen(t, again, screenDone)

	done := again.screens[screenDone].(*doneStep)
	if got := done.webhook.Text; got != want {
		t.Errorf("webhook URL shown = %q, want %q", got, want)
	}
	if !done.webhook.Selectable {
		t.Error("the webhook URL is not selectable")
	}
	tap(t, again, done.copyWebhook)
	if got := relaunched.Clipboard().Content(); got != want {
		t.Errorf("clipboard = %q, want exactly %q", got, want)
	}
}
