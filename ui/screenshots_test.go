package ui

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// lightTheme is Fyne's default theme in its light variant, for screenshots that read well in
// documents.
type lightTheme struct{ fyne.Theme }

func (t lightTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(name, theme.VariantLight)
}

// TestRenderScreenshots writes every screen in English and Spanish to
// $SCREENSHOTS_DIR/<screen>-<language>.png, with the fake organization's data. It renders
// with Fyne's software painter, so it needs no display. Without SCREENSHOTS_DIR it is skipped.
func TestRenderScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS_DIR")
	if dir == "" {
		t.Skip("set SCREENSHOTS_DIR to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			themed := false
			walkScreens(t, func(name string, w *Wizard, window fyne.Window) {
				if !themed {
					w.app.Settings().SetTheme(lightTheme{theme.DefaultTheme()})
					w.Rebuild()
					themed = true
				}
				writePNG(t, filepath.Join(dir, name+"-"+code+".png"), window)
			})
		})
	}
}

func writePNG(t *testing.T, path string, window fyne.Window) {
	t.Helper()

	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := png.Encode(file, window.Canvas().Capture()); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}
