package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// openMapping walks a demo wizard on the simulator to the mapping page of an
// ExperienceEvent dataset.
func openMapping(t *testing.T) (*Wizard, *mappingStep) {
	t.Helper()

	w := connectDemo(t, startSim(t))
	chooseExistingDataset(t, w)
	tap(t, w, w.next)
	wantScreen(t, w, screenMapping)
	return w, w.screens[screenMapping].(*mappingStep)
}

func TestMappingMissingNamesFieldTitle(t *testing.T) {
	for code, want := range map[string]string{
		English: "Required fields without a source: Identifier (_id).",
		Spanish: "Campos obligatorios sin origen: Identifier (_id).",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			_, mapping := openMapping(t)

			mapping.onSourceChanged("_id", lang.L("mapping.not_mapped"))

			if got := mapping.status.Text; got != want {
				t.Errorf("status = %q, want %q", got, want)
			}
		})
	}
}

func TestMappingSourcesDescribed(t *testing.T) {
	useLanguage(t, English)
	w, mapping := openMapping(t)

	want := "Delivery ID: one message to one person (data.delivery_id)"
	if !slices.Contains(mapping.sources, want) {
		t.Fatalf("source options %q do not offer %q", mapping.sources, want)
	}
	for _, option := range mapping.sources {
		if !strings.HasSuffix(option, ")") {
			t.Errorf("source option %q has no description", option)
		}
	}

	// Choosing a described option maps the field's path.
	mapping.onSourceChanged("_id", want)
	if got, _ := w.state.mapping.Mapping("_id"); got.Source != "data.delivery_id" {
		t.Errorf("_id source = %q, want data.delivery_id", got.Source)
	}
}

func TestMappingExplainsConvertedValue(t *testing.T) {
	useLanguage(t, English)
	w, _ := openMapping(t)

	if !showsLabel(w.window.Canvas().Content(), "“(converted value)” fills the field with a Data Prep expression") {
		t.Error("the mapping screen does not explain (converted value)")
	}
	if got, ok := w.state.mapping.Mapping("timestamp"); !ok || got.Source == "" {
		t.Fatalf("timestamp has no suggested expression: %+v", got)
	}
	expression, _ := w.state.mapping.Mapping("timestamp")
	if !showsLabel(w.window.Canvas().Content(), expression.Source) {
		t.Errorf("no row shows the expression %q of timestamp", expression.Source)
	}
}
