package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/setup"
)

// doneText returns every label of the window, one per line, after the Done screen shows
// result.
func doneText(w *Wizard, result setup.Result) string {
	w.showLastSetup(result)
	return strings.Join(labelTexts(w.window.Content()), "\n")
}

func TestDoneSaveStepNamesWaitTime(t *testing.T) {
	useLanguage(t, English)
	result := newFakeSession().result
	enableAt := result.SendAfter.Local().Format(timeLayout)

	early, _, _ := newTestWizard(t, Options{Backend: newFakeBackend(), Now: func() time.Time { return fakeTime }})
	text := doneText(early, result)
	if want := "Enable the webhook after " + enableAt + "."; !strings.Contains(text, want) {
		t.Errorf("Done screen does not contain the wait notice %q:\n%s", want, text)
	}
	if want := "Save the webhook. Enable it after " + enableAt + "."; !strings.Contains(text, want) {
		t.Errorf("Done screen does not contain the save step %q:\n%s", want, text)
	}
	if strings.Contains(text, "Save the webhook and enable it.") {
		t.Errorf("the save step asks to enable the webhook before %s:\n%s", enableAt, text)
	}

	later, _, _ := newTestWizard(t, Options{Backend: newFakeBackend(), Now: func() time.Time { return result.SendAfter.Add(time.Minute) }})
	if text := doneText(later, result); !strings.Contains(text, "Save the webhook and enable it.") {
		t.Errorf("after the waiting time the save step does not say to enable the webhook:\n%s", text)
	}
}

func TestDoneNamesEventsAsCustomerIO(t *testing.T) {
	want := map[string]string{
		English: "Tick the events you chose: Customer, Email, SMS, Push, In-App, Slack, Webhook.",
		Spanish: "Marque los eventos que eligió: Customer (Cliente), Email (Correo electrónico), SMS, Push, In-App, Slack, Webhook.",
	}
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, _, _ := newTestWizard(t, Options{Backend: newFakeBackend(), Now: func() time.Time { return fakeTime }})

			if text := doneText(w, newFakeSession().result); !strings.Contains(text, want[code]) {
				t.Errorf("Done screen does not contain %q:\n%s", want[code], text)
			}
		})
	}
}

func TestDoneBackReadsStartOver(t *testing.T) {
	want := map[string]string{English: "Start over", Spanish: "Empezar de nuevo"}
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, _, _ := newTestWizard(t, Options{Backend: newFakeBackend(), Now: func() time.Time { return fakeTime }})
			w.showLastSetup(newFakeSession().result)

			if got := w.back.Text; got != want[code] {
				t.Errorf("Back on the Done screen = %q, want %q", got, want[code])
			}
			tap(t, w, w.back)
			wantScreen(t, w, screenWelcome)

			// The other screens keep their plain Back.
			tap(t, w, w.screens[screenWelcome].(*welcome).connect)
			if got, plain := w.back.Text, map[string]string{English: "Back", Spanish: "Atrás"}[code]; got != plain {
				t.Errorf("Back on the credentials step = %q, want %q", got, plain)
			}
		})
	}
}

func TestDoneDemoOpensNoAdobePage(t *testing.T) {
	useLanguage(t, English)
	opened := 0
	w, _, _ := newTestWizard(t, Options{
		Backend: newFakeBackend(),
		Demo:    true,
		Now:     func() time.Time { return fakeTime },
		OpenURL: func(string) error { opened++; return nil },
	})
	text := doneText(w, newFakeSession().result)

	done := w.screens[screenDone].(*doneStep)
	if !done.openAEP.Disabled() {
		t.Error("Open in Adobe Experience Platform is enabled for a simulated dataflow")
	}
	if want := "exists only in the simulated platform"; !strings.Contains(text, want) {
		t.Errorf("Done screen does not say %q:\n%s", want, text)
	}
	if opened != 0 {
		t.Errorf("the demo Done screen opened %d pages", opened)
	}
}

func TestDoneOpensAdobePageOutsideDemo(t *testing.T) {
	useLanguage(t, English)
	var opened []string
	w, _, _ := newTestWizard(t, Options{
		Backend: newFakeBackend(),
		Now:     func() time.Time { return fakeTime },
		OpenURL: func(url string) error { opened = append(opened, url); return nil },
	})
	doneText(w, newFakeSession().result)

	tap(t, w, w.screens[screenDone].(*doneStep).openAEP)
	if len(opened) != 1 || !strings.HasPrefix(opened[0], "https://experience.adobe.com/") {
		t.Errorf("opened %q, want one Adobe Experience Platform page", opened)
	}
}
