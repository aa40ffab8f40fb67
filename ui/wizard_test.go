package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

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
	w := New(a, window, opts)
	t.Cleanup(func() {
		w.Close()
		w.work.wait()
	})
	window.Resize(fyne.NewSize(820, 640))
	return w, a, window
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

func TestSetLanguageRejectsUnknown(t *testing.T) {
	if err := SetLanguage("fr"); err == nil {
		t.Error("SetLanguage(\"fr\") succeeded, want an error")
	}
}

func TestDemoBannerOnDemand(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{Demo: true})

	if len(w.banner.Objects) != 1 {
		t.Fatalf("demo wizard shows %d banners, want 1", len(w.banner.Objects))
	}

	plain, _, _ := newTestWizard(t, Options{})
	if len(plain.banner.Objects) != 0 {
		t.Errorf("wizard outside demo mode shows %d banners, want 0", len(plain.banner.Objects))
	}
}
