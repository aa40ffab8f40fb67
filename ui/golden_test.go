package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/cioaep/setup/flows/aep"
)

// screenNames lists the captures of walkScreens in order.
var screenNames = []string{
	"welcome", "credentials", "credentials-error", "sandbox", "data", "data-existing", "mapping",
	"events", "review", "create-running", "create-failed", "done", "setups", "health",
}

// walkScreens walks a wizard on the fake backend through every screen and calls capture on
// each, with the same data on every run.
func walkScreens(t *testing.T, captureScreen func(name string, w *Wizard, window fyne.Window)) {
	t.Helper()

	// The GLFW driver lays out containers again after their content is shown or hidden, but
	// the test canvas does not. So each capture refreshes the whole window first.
	capture := func(name string, w *Wizard, window fyne.Window) {
		window.Content().Refresh()
		captureScreen(name, w, window)
	}

	backend := newFakeBackend()
	session := backend.session
	w, _, window := newTestWizard(t, Options{
		Backend:   backend,
		StartDemo: func(context.Context) (Demo, error) { return Demo{}, nil },
		Now:       func() time.Time { return fakeTime.Add(time.Minute) },
	})
	t.Cleanup(func() {
		select {
		case <-session.release:
		default:
			close(session.release)
		}
	})

	capture("welcome", w, window)

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	creds := w.screens[screenCredentials].(*credentialsStep)
	test.Type(creds.clientID, "0123456789abcdef0123456789abcdef")
	test.Type(creds.secret, "example-client-secret")
	test.Type(creds.orgID, "0123456789ABCDEF01234567@AdobeOrg")
	capture("credentials", w, window)

	backend.setConnectErr(&aep.Error{Op: "Connect", Cause: aep.CauseInvalidClient, Status: 401, Code: "invalid_client", Message: "invalid client_id parameter"})
	tap(t, w, w.next)
	capture("credentials-error", w, window)
	backend.setConnectErr(nil)

	tap(t, w, w.next)
	selectSandbox(t, w, "prod")
	capture("sandbox", w, window)

	tap(t, w, w.next)
	capture("data", w, window)

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	data.list.Select(0)
	capture("data-existing", w, window)

	tap(t, w, w.next)
	capture("mapping", w, window)

	tap(t, w, w.back)
	data = w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.readyMadeLabel())
	tap(t, w, w.next)
	capture("events", w, window)

	tap(t, w, w.next)
	fixPlanNames(w.state.plan)
	w.show(screenReview)
	capture("review", w, window)

	test.Tap(w.screens[screenReview].(*reviewStep).confirm)
	session.applyErr = fakeMissingPermission(fakeRunID)
	test.Tap(w.next)
	<-session.emitted
	w.work.flush()
	capture("create-running", w, window)

	close(session.release)
	w.work.wait()
	capture("create-failed", w, window)

	create := w.screens[screenCreate].(*createStep)
	tap(t, w, findButton(create.actions, lang.L("create.retry")))
	wantScreen(t, w, screenDone)
	capture("done", w, window)

	w.show(screenSetups)
	w.work.wait()
	capture("setups", w, window)

	setups := w.screens[screenSetups].(*setupsScreen)
	tap(t, w, setups.cards[0].health)
	wantScreen(t, w, screenHealth)
	capture("health", w, window)
}

func TestScreensRenderAsGolden(t *testing.T) {
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			seen := 0
			walkScreens(t, func(name string, w *Wizard, window fyne.Window) {
				seen++
				test.AssertRendersToMarkup(t, "screens/"+name+"-"+code+".xml", window.Canvas())
			})
			if seen != len(screenNames) {
				t.Errorf("captured %d screens, want %d", seen, len(screenNames))
			}
		})
	}
}
