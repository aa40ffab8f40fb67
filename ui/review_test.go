package ui

import (
	"testing"
)

func TestReviewHeadingPlural(t *testing.T) {
	for code, want := range map[string]string{
		English: "Will be created in Development:",
		Spanish: "Se crearán en Development:",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w := connectDemo(t, startSim(t))
			selectSandbox(t, w, "dev")
			tap(t, w, w.next) // sandbox
			tap(t, w, w.next) // data
			tap(t, w, w.next) // events
			wantScreen(t, w, screenReview)

			if !showsLabel(w.window.Canvas().Content(), want) {
				t.Errorf("the review does not show %q", want)
			}
		})
	}
}
