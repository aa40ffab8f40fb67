package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minTextContrast is the contrast ratio WCAG 2 level AA requires of normal-sized text.
const minTextContrast = 4.5

// variantTheme is Fyne's default theme fixed to one variant, dark or light.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(name, t.variant)
}

// relativeLuminance returns the WCAG 2 relative luminance of c, from 0 for black to 1 for
// white.
func relativeLuminance(c color.Color) float64 {
	linear := func(channel uint32) float64 {
		v := float64(channel) / 0xffff
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	r, g, b, _ := c.RGBA()
	return 0.2126*linear(r) + 0.7152*linear(g) + 0.0722*linear(b)
}

// contrastRatio returns the WCAG 2 contrast ratio of two colours, from 1 to 21.
func contrastRatio(a, b color.Color) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// renderedTextColor renders label in a window and returns the colour its text is drawn in.
func renderedTextColor(t *testing.T, label *widget.Label) color.Color {
	t.Helper()

	window := test.NewTempWindow(t, label)
	window.Resize(fyne.NewSize(400, 100)) // wide enough that the text stays on one line
	for _, o := range test.LaidOutObjects(window.Content()) {
		if text, ok := o.(*canvas.Text); ok && text.Text == label.Text {
			return text.Color
		}
	}
	t.Fatalf("no text %q drawn", label.Text)
	return nil
}

func TestNoteContrast(t *testing.T) {
	variants := map[string]fyne.ThemeVariant{"dark": theme.VariantDark, "light": theme.VariantLight}
	for name, variant := range variants {
		t.Run(name, func(t *testing.T) {
			a := test.NewTempApp(t)
			th := variantTheme{theme.DefaultTheme(), variant}
			a.Settings().SetTheme(th)
			background := th.Color(theme.ColorNameBackground, variant)

			note := newNote("Step 1 of 7")
			if ratio := contrastRatio(renderedTextColor(t, note), background); ratio < minTextContrast {
				t.Errorf("note contrast = %.2f:1, want at least %.1f:1", ratio, minTextContrast)
			}

			// The measure itself must tell faint text apart: Fyne's low-importance colour,
			// which notes used before, is too faint.
			faint := widget.NewLabel("faint")
			faint.Importance = widget.LowImportance
			if ratio := contrastRatio(renderedTextColor(t, faint), background); ratio >= minTextContrast {
				t.Errorf("low-importance contrast = %.2f:1, want it below %.1f:1", ratio, minTextContrast)
			}
		})
	}
}

func TestNoteIsItalic(t *testing.T) {
	note := newNote("text")
	if !note.TextStyle.Italic {
		t.Error("a note is not in italics")
	}
	if note.Wrapping != fyne.TextWrapWord {
		t.Errorf("note wrapping = %v, want word wrapping", note.Wrapping)
	}
}

func TestWheelOverEntryScrollsPage(t *testing.T) {
	useLanguage(t, English)
	w, _, window := newTestWizard(t, Options{})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)

	// A short window makes the credentials page taller than its view.
	window.Resize(fyne.NewSize(820, 320))
	window.Content().Refresh()
	page, ok := w.body.Objects[0].(*container.Scroll)
	if !ok {
		t.Fatalf("the credentials step is a %T, want a scrolled page", w.body.Objects[0])
	}
	if page.Content.MinSize().Height <= page.Size().Height {
		t.Fatalf("page content is %v high in a %v view, want it taller", page.Content.MinSize().Height, page.Size().Height)
	}

	s := w.screens[screenCredentials].(*credentialsStep)
	driver := fyne.CurrentApp().Driver()
	over := driver.AbsolutePositionForObject(s.clientID).Add(fyne.NewPos(20, 10))
	test.Scroll(window.Canvas(), over, 0, -30)

	if page.Offset.Y <= 0 {
		t.Errorf("page offset after the wheel over the client ID = %v, want it scrolled down", page.Offset.Y)
	}

}

func TestWheelLayerLeavesPointerToEntry(t *testing.T) {
	// Fyne gives taps, clicks, hovers, drags and focus to the innermost object under the
	// pointer that takes them, so a layer that takes none leaves them all to the entry.
	var layer any = &wheelToPage{}
	if _, ok := layer.(fyne.Tappable); ok {
		t.Error("the wheel layer takes taps")
	}
	if _, ok := layer.(fyne.DoubleTappable); ok {
		t.Error("the wheel layer takes double taps")
	}
	if _, ok := layer.(fyne.SecondaryTappable); ok {
		t.Error("the wheel layer takes right clicks")
	}
	if _, ok := layer.(desktop.Mouseable); ok {
		t.Error("the wheel layer takes mouse buttons")
	}
	if _, ok := layer.(desktop.Hoverable); ok {
		t.Error("the wheel layer takes hovers, which set the text cursor")
	}
	if _, ok := layer.(fyne.Draggable); ok {
		t.Error("the wheel layer takes drags, which select text")
	}
	if _, ok := layer.(fyne.Focusable); ok {
		t.Error("the wheel layer takes the keyboard focus")
	}
}

func TestWheelOverAppAPIKeyScrollsDone(t *testing.T) {
	useLanguage(t, English)
	w, panel := fakeDone(t, Options{Demo: true, CustomerIO: func(bool) *CustomerIOConfig {
		return &CustomerIOConfig{AppAPIKey: testAppAPIKey}
	}})
	if panel == nil || panel.keyWheel == nil {
		t.Fatal("the Done screen has no webhook panel with a wheel layer over the App API key")
	}
	if panel.keyWheel.page != panel.scroll || panel.scroll == nil {
		t.Fatal("the wheel layer over the App API key does not scroll the Done screen")
	}

	window := w.window
	window.Resize(fyne.NewSize(820, 400))
	window.Content().Refresh()
	panel.scroll.ScrollToOffset(fyne.NewPos(0, 0))

	panel.keyWheel.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -30)})
	if panel.scroll.Offset.Y <= 0 {
		t.Errorf("Done offset after the wheel over the App API key = %v, want it scrolled down", panel.scroll.Offset.Y)
	}
}
