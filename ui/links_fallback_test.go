package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/links"
)

// TestHelpLinkWithoutOpenerOnPath runs the real opener, links.Open through pkg/browser, on a
// machine without xdg-open, x-www-browser or www-browser, as on a minimal Linux install.
func TestHelpLinkWithoutOpenerOnPath(t *testing.T) {
	useLanguage(t, English)
	t.Setenv("PATH", t.TempDir())

	// No OpenURL option, so the wizard uses its default opener.
	w, a, _ := newTestWizard(t, Options{Backend: newFakeBackend()})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)
	if got, want := s.helpButton.Text, "Where do I find these?"; got != want {
		t.Fatalf("help button = %q, want %q", got, want)
	}

	tap(t, w, s.helpButton)

	shown := problemText(s.fallback)
	if !strings.Contains(shown, "browser") {
		t.Errorf("fallback = %q, want it to say that no browser opened", shown)
	}
	field := findObject(s.fallback, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == links.DeveloperConsoleURL
	})
	if field == nil {
		t.Fatalf("fallback = %q, want the URL %s in a field of its own", shown, links.DeveloperConsoleURL)
	}
	if !field.(*widget.Label).Selectable {
		t.Error("the URL field is not selectable")
	}

	copyButton := buttonIn(s.fallback, "Copy")
	if copyButton == nil {
		t.Fatal("no Copy button next to the URL")
	}
	tap(t, w, copyButton)
	if got := a.Clipboard().Content(); got != links.DeveloperConsoleURL {
		t.Errorf("clipboard = %q, want exactly %q", got, links.DeveloperConsoleURL)
	}
}
