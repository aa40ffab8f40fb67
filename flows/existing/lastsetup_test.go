package existing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// memoryPreferences is a Preferences kept in a map.
type memoryPreferences map[string]string

func (p memoryPreferences) String(key string) string    { return p[key] }
func (p memoryPreferences) SetString(key, value string) { p[key] = value }
func (p memoryPreferences) RemoveValue(key string)      { delete(p, key) }

func sampleLastSetup() LastSetup {
	return LastSetup{
		Sandbox:    "dev",
		FlowID:     "4982698b-6b1e-4c4e-9d8e-2f0c1a7b3e55",
		WebhookURL: "https://dcs.adobedc.net/collection/e75dcb52?x-adobe-flow-id=4982698b-6b1e-4c4e-9d8e-2f0c1a7b3e55",
		InletURL:   "https://dcs.adobedc.net/collection/e75dcb52",
		DatasetID:  "6571f2a9b1e0d21f3a8c4d10",
		SchemaID:   "https://ns.adobe.com/acmecorp/schemas/5c1b0e7d",
		Created:    time.Date(2026, 12, 4, 10, 30, 0, 0, time.UTC),
	}
}

func TestLastSetupRoundTrip(t *testing.T) {
	prefs := memoryPreferences{}
	want := sampleLastSetup()

	if err := NewLastSetupStore(prefs, nil).Save(want); err != nil {
		t.Fatalf("Save: %v", err)
	}

	// A new store over the same Preferences is the next launch.
	got, ok, err := NewLastSetupStore(prefs, nil).Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !ok {
		t.Fatal("Load found no last setup")
	}
	if got != want {
		t.Errorf("Load returned\n%+v\nexpected\n%+v", got, want)
	}
	if len(prefs) != 1 || prefs[LastSetupKey] == "" {
		t.Errorf("Preferences = %v, expected one value under %q", prefs, LastSetupKey)
	}
}

func TestLastSetupStoresNoSecret(t *testing.T) {
	prefs := memoryPreferences{}
	if err := NewLastSetupStore(prefs, nil).Save(sampleLastSetup()); err != nil {
		t.Fatalf("Save: %v", err)
	}

	stored := strings.ToLower(prefs[LastSetupKey])
	for _, word := range []string{"secret", "token", "apikey", "api_key", "password", "authorization", "bearer"} {
		if strings.Contains(stored, word) {
			t.Errorf("stored last setup contains %q: %s", word, stored)
		}
	}

	const wantKeys = `{"version":1,"sandbox":"dev","flowId":`
	if !strings.HasPrefix(prefs[LastSetupKey], wantKeys) {
		t.Errorf("stored last setup = %s, expected it to start with %s", prefs[LastSetupKey], wantKeys)
	}
}

func TestLastSetupEmpty(t *testing.T) {
	_, ok, err := NewLastSetupStore(memoryPreferences{}, nil).Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if ok {
		t.Error("Load found a last setup in empty Preferences")
	}
}

func TestLastSetupBuildsWebhookURL(t *testing.T) {
	prefs := memoryPreferences{}
	store := NewLastSetupStore(prefs, nil)
	last := sampleLastSetup()
	last.WebhookURL = ""

	if err := store.Save(last); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, _, err := store.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.WebhookURL != sampleLastSetup().WebhookURL {
		t.Errorf("WebhookURL = %q, expected %q", got.WebhookURL, sampleLastSetup().WebhookURL)
	}
}

func TestLastSetupSaveRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(*LastSetup)
	}{
		{"missing flow ID", func(l *LastSetup) { l.FlowID = "" }},
		{"missing webhook URL", func(l *LastSetup) { l.WebhookURL, l.InletURL = "", "" }},
		{"relative URL", func(l *LastSetup) { l.WebhookURL = "/collection/e75dcb52" }},
		{"other scheme", func(l *LastSetup) { l.WebhookURL = "ftp://dcs.adobedc.net/collection/e75dcb52" }},
		{"user information", func(l *LastSetup) { l.WebhookURL = "https://user:pass@dcs.adobedc.net/collection/e75dcb52" }},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			prefs := memoryPreferences{}
			last := sampleLastSetup()
			test.change(&last)

			err := NewLastSetupStore(prefs, nil).Save(last)

			var e *Error
			if !errors.As(err, &e) || e.Cause != CauseInvalidLastSetup {
				t.Errorf("Save returned %v, expected cause %s", err, CauseInvalidLastSetup)
			}
			if len(prefs) != 0 {
				t.Errorf("Save stored %v although it failed", prefs)
			}
		})
	}
}

func TestLastSetupLoadRejects(t *testing.T) {
	tests := []struct {
		name   string
		stored string
	}{
		{"invalid JSON", `{"version":1,`},
		{"newer version", `{"version":2,"flowId":"f","webhookUrl":"https://dcs.adobedc.net/collection/a"}`},
		{"missing webhook URL", `{"version":1,"flowId":"f"}`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			prefs := memoryPreferences{LastSetupKey: test.stored}

			_, ok, err := NewLastSetupStore(prefs, nil).Load()

			var e *Error
			if !errors.As(err, &e) || e.Cause != CauseInvalidLastSetup {
				t.Errorf("Load returned %v, expected cause %s", err, CauseInvalidLastSetup)
			}
			if ok {
				t.Error("Load reported a last setup although it failed")
			}
		})
	}
}

func TestLastSetupClear(t *testing.T) {
	prefs := memoryPreferences{}
	store := NewLastSetupStore(prefs, nil)
	if err := store.Save(sampleLastSetup()); err != nil {
		t.Fatalf("Save: %v", err)
	}

	store.Clear()

	if _, ok, _ := store.Load(); ok {
		t.Error("Load found a last setup after Clear")
	}
}

func TestLastSetupForgetFlow(t *testing.T) {
	prefs := memoryPreferences{}
	store := NewLastSetupStore(prefs, nil)
	last := sampleLastSetup()
	if err := store.Save(last); err != nil {
		t.Fatalf("Save: %v", err)
	}

	if store.ForgetFlow("another-flow") {
		t.Error("ForgetFlow removed the last setup of another dataflow")
	}
	if _, ok, _ := store.Load(); !ok {
		t.Fatal("last setup missing after ForgetFlow of another dataflow")
	}

	if !store.ForgetFlow(last.FlowID) {
		t.Error("ForgetFlow did not remove the last setup of its dataflow")
	}
	if _, ok, _ := store.Load(); ok {
		t.Error("Load found a last setup after ForgetFlow")
	}
}

// fyne.Preferences must satisfy Preferences, so the UI can pass
// app.Preferences() as it is.
var _ Preferences = fyne.Preferences(nil)
