package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/sim"
)

// Big sandbox of BenchmarkDatasetSearchKeystroke, the same size as the big-org listing
// benchmark in flows/benchmarks.
const (
	searchDatasets = 10_000
	searchSchemas  = 3_000
)

// searchQuery matches the ten datasets "Generated dataset 00420" to "00429". Its first key
// matches nearly every dataset, so the keys run from the full list down to a short one.
const searchQuery = "generated dataset 0042"

// BenchmarkDatasetSearchKeystroke types searchQuery into the dataset search of a sandbox with
// searchDatasets datasets, then deletes it with Backspace, one key at a time. Each key filters
// the list in memory and refreshes the list widget, whose visible rows Fyne's headless test
// driver lays out and fills again. Painting pixels is not included: the test driver has no
// GPU. ms/keystroke is the mean time per key.
func BenchmarkDatasetSearchKeystroke(b *testing.B) {
	if err := SetLanguage(English); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = SetLanguage("") })

	w, data := openBigDatasetList(b)

	keystrokes := 0
	for b.Loop() {
		for _, r := range searchQuery {
			test.Type(data.search, string(r))
			keystrokes++
		}
		if got := len(data.shown); got != 10 {
			b.Fatalf("%d datasets match %q, want 10", got, searchQuery)
		}

		for range searchQuery {
			data.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			keystrokes++
		}
		if data.search.Text != "" {
			b.Fatalf("search text = %q after deleting every key, want it empty", data.search.Text)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(keystrokes), "ms/keystroke")

	// The refresh reaches the rows on screen, not only the filtered indexes.
	test.Type(data.search, searchQuery)
	if !showsLabel(w.window.Canvas().Content(), "Generated dataset 0042") {
		b.Errorf("no row on screen shows a dataset matching %q after the search", searchQuery)
	}
}

// openBigDatasetList walks a demo wizard on a simulated sandbox with searchDatasets datasets
// to the dataset step and lists its datasets, as a marketer who chose an existing dataset.
func openBigDatasetList(b *testing.B) (*Wizard, *dataStep) {
	b.Helper()

	platform, err := sim.Start(sim.Options{Datasets: searchDatasets, Schemas: searchSchemas})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = platform.Close() })

	a := test.NewTempApp(b)
	window := test.NewTempWindow(b, nil)
	window.Resize(fyne.NewSize(820, 640))
	dir := b.TempDir()
	w := New(a, window, Options{
		Backend:         simBackend(platform, dir),
		JournalDir:      dir,
		Demo:            true,
		DemoCredentials: simCredentials(platform),
		queueUI:         true,
	})
	b.Cleanup(func() {
		w.Close()
		w.work.wait()
	})
	w.work.wait()

	press := func(button *widget.Button) {
		test.Tap(button)
		w.work.wait()
	}
	press(w.screens[screenWelcome].(*welcome).connect)
	press(w.next) // connect with the demo credential

	// The simulator puts the generated datasets in prod.
	sandboxes := w.screens[screenSandbox].(*sandboxStep)
	for i, index := range sandboxes.shown {
		if w.state.sandboxes[index].Name == "prod" {
			sandboxes.list.Select(i)
		}
	}
	press(w.next)
	if w.current != screenData {
		b.Fatalf("current screen = %q, want the dataset step", w.header.Text)
	}

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	if got := len(data.shown); got < searchDatasets {
		b.Fatalf("%d datasets listed, want at least %d", got, searchDatasets)
	}
	return w, data
}

// showsLabel reports whether a label inside o, as laid out on the canvas, contains text.
func showsLabel(o fyne.CanvasObject, text string) bool {
	for _, object := range test.LaidOutObjects(o) {
		if label, ok := object.(*widget.Label); ok && label.Visible() && strings.Contains(label.Text, text) {
			return true
		}
	}
	return false
}
