// Package ui is the wizard's user interface: one file per step, the wizard shell that moves
// between them, and the small widgets they share. It makes no HTTP calls itself: every call
// goes through the flows packages on a worker goroutine.
package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/existing"
)

// stepCount is the number of numbered steps, from credentials to done. Welcome, the
// existing-setups and health screens, and every step on the way to them carry no number.
const stepCount = 7

// screenID names a screen of the wizard.
type screenID int

const (
	screenWelcome screenID = iota
	screenCredentials
	screenSandbox
	screenData
	screenEvents
	screenReview
	screenCreate
	screenDone
	screenMapping // second page of the data step, for an existing dataset
	screenSetups  // existing setups, reached from Welcome
	screenHealth  // health of one existing setup's dataflow
)

// stepNumber returns the number shown in the header for a screen, or 0 for none.
func stepNumber(id screenID) int {
	switch {
	case id >= screenCredentials && id <= screenDone:
		return int(id)
	case id == screenMapping:
		return int(screenData)
	default:
		return 0
	}
}

// screen is one page of the wizard. Screens keep what the user enters in the wizard state,
// never only in widgets, because build runs again on every visit and language switch.
type screen interface {
	// title returns the translated name of the screen for the header.
	title() string

	// build creates the screen's widgets from the wizard state.
	build() fyne.CanvasObject

	// nav returns the state of the bottom bar for the screen as it is now.
	nav() navigation
}

// entered is implemented by screens that start work when they become the current screen,
// such as loading the sandbox list.
type entered interface {
	enter()
}

// navigation is the bottom bar of one screen.
type navigation struct {
	hidden bool   // no bottom bar at all, the screen has its own buttons
	back   func() // nil hides Back
	next   string // text of Next, empty hides it
	ready  bool   // Next is enabled, the screen's values are valid
	onNext func()

	// backText and backIcon replace Back's label and icon when the screen does not lead
	// to the previous step, such as Start over on the Done screen.
	backText string
	backIcon fyne.Resource
}

// Wizard is the window content: a demo banner when in demo mode, the step header, the current
// screen, and a bottom bar with Back and Next.
type Wizard struct {
	app    fyne.App
	window fyne.Window
	opts   Options
	log    *slog.Logger
	work   *worker
	state  *state

	lastSetup      *existing.LastSetupStore
	copiedFeedback time.Duration

	screens map[screenID]screen
	current screenID

	banner *fyne.Container
	step   *widget.Label
	header *widget.Label
	body   *fyne.Container
	back   *widget.Button
	next   *widget.Button
	bar    *fyne.Container
}

// New builds the wizard into window and shows the Welcome screen. The caller loads the
// translations first and calls Close when the window closes.
func New(a fyne.App, window fyne.Window, opts Options) *Wizard {
	opts.setDefaults()

	w := &Wizard{
		app:            a,
		window:         window,
		opts:           opts,
		log:            opts.Logger,
		work:           newWorker(opts.queueUI),
		state:          newState(opts),
		lastSetup:      existing.NewLastSetupStore(a.Preferences(), opts.Logger),
		copiedFeedback: copiedFeedback,
	}

	w.screens = map[screenID]screen{
		screenWelcome:     &welcome{w: w},
		screenCredentials: &credentialsStep{w: w},
		screenSandbox:     &sandboxStep{w: w},
		screenData:        &dataStep{w: w},
		screenMapping:     &mappingStep{w: w},
		screenEvents:      &eventsStep{w: w},
		screenReview:      &reviewStep{w: w},
		screenCreate:      &createStep{w: w},
		screenDone:        &doneStep{w: w},
		screenSetups:      &setupsScreen{w: w},
		screenHealth:      &healthScreen{w: w},
	}

	w.buildShell()
	w.show(screenWelcome)
	w.openStore()
	return w
}

// Close cancels every call in flight. The window calls it as it closes.
func (w *Wizard) Close() {
	w.work.close()
}

// Rebuild creates the whole window content again, in the language now loaded. The values
// entered so far stay because they live in the wizard state.
func (w *Wizard) Rebuild() {
	w.window.SetTitle(lang.L("app.title"))
	w.buildShell()
	w.show(w.current)
}

func (w *Wizard) buildShell() {
	w.step = widget.NewLabel("")
	styleNote(w.step)
	w.header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

	w.back = widget.NewButtonWithIcon(lang.L("nav.back"), theme.NavigateBackIcon(), w.onBack)
	w.next = widget.NewButtonWithIcon(lang.L("nav.next"), theme.NavigateNextIcon(), w.onNext)
	w.next.Importance = widget.HighImportance
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.bar = container.NewBorder(nil, nil, w.back, w.next)

	w.banner = container.NewVBox()
	if w.state.demo {
		w.banner.Add(demoBanner())
	}

	top := container.NewVBox(w.banner, container.NewBorder(nil, nil, nil, w.step, w.header))
	w.body = container.NewStack()
	root := container.NewBorder(container.NewPadded(top), container.NewPadded(w.bar), nil, nil, container.NewPadded(w.body))
	w.window.SetContent(root)
}

// demoBanner is the strip that shows, on every screen, that nothing reaches Adobe.
func demoBanner() fyne.CanvasObject {
	background := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	text := widget.NewLabelWithStyle(lang.L("demo.banner"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	return container.NewStack(background, text)
}

// show builds screen id and makes it the current one.
func (w *Wizard) show(id screenID) {
	s := w.screens[id]
	w.current = id

	w.header.SetText(s.title())
	if n := stepNumber(id); n > 0 && !w.state.existingPath {
		w.step.SetText(lang.L("nav.step", map[string]int{"Step": n, "Count": stepCount}))
	} else {
		w.step.SetText("")
	}

	w.body.Objects = []fyne.CanvasObject{s.build()}
	w.body.Refresh()
	w.refreshNav()

	if e, ok := s.(entered); ok {
		e.enter()
	}
}

// refreshNav updates Back and Next from the current screen. Screens call it whenever their
// values change validity.
func (w *Wizard) refreshNav() {
	n := w.screens[w.current].nav()
	if n.hidden {
		w.bar.Hide()
		return
	}
	w.bar.Show()

	if n.back == nil {
		w.back.Hide()
	} else {
		text, icon := lang.L("nav.back"), theme.NavigateBackIcon()
		if n.backText != "" {
			text, icon = n.backText, n.backIcon
		}
		w.back.SetText(text)
		w.back.SetIcon(icon)
		w.back.Show()
	}

	if n.next == "" {
		w.next.Hide()
		return
	}
	w.next.SetText(n.next)
	w.next.Show()
	if n.ready {
		w.next.Enable()
	} else {
		w.next.Disable()
	}
}

func (w *Wizard) onBack() {
	if n := w.screens[w.current].nav(); n.back != nil {
		n.back()
	}
}

func (w *Wizard) onNext() {
	if n := w.screens[w.current].nav(); n.ready && n.onNext != nil {
		n.onNext()
	}
}

// switchLanguage loads the translations of code, remembers the choice and rebuilds the window.
func (w *Wizard) switchLanguage(code string) {
	if err := SetLanguage(code); err != nil {
		w.log.Error("switching language failed", "language", code, "err", err)
		return
	}
	w.app.Preferences().SetString(PrefLanguage, code)
	w.log.Info("language switched", "language", code)
	w.Rebuild()
}

// openStore opens the credential store off the UI goroutine, because probing the OS keyring
// may wait on D-Bus. Until it returns, the wizard keeps credentials for the session only.
func (w *Wizard) openStore() {
	if w.opts.OpenStore == nil {
		return
	}

	type opened struct {
		store   credentials.Store
		problem *credentials.KeyringError
	}
	start(w.work, func(context.Context) (opened, error) {
		store, problem := w.opts.OpenStore()
		return opened{store, problem}, nil
	}, func(o opened, _ error) {
		if o.store != nil {
			w.state.store = o.store
		}
		// OpenStore logs the keyring problem itself (credentials.Open does), so it is not
		// logged again here.
		w.state.storeProblem = o.problem
		w.state.remember = w.state.store.Persistent() && !w.state.demo

		// Welcome and credentials show what the store has, so they are built again.
		if w.current == screenWelcome || w.current == screenCredentials {
			w.show(w.current)
		}
	})
}

// startDemo starts the simulated platform off the UI goroutine and then opens the
// credentials step, filled in with the simulator's credential.
func (w *Wizard) startDemo() {
	if w.opts.StartDemo == nil {
		w.log.Error("demo mode is not available")
		return
	}

	w.log.Info("starting the demo")
	start(w.work, w.opts.StartDemo, func(demo Demo, err error) {
		if err != nil {
			w.log.Error("starting the demo failed", "err", err)
			p := explain(err)
			dialogError(w.window, p)
			return
		}
		w.enterDemo(demo)
		w.show(screenCredentials)
	})
}

// enterDemo switches to the simulated platform and shows the demo banner from now on.
func (w *Wizard) enterDemo(demo Demo) {
	w.state.demo = true
	w.state.backend = demo.Backend
	w.state.disconnect()
	w.state.creds = demo.Credentials
	w.state.demoCreds = demo.Credentials
	w.state.remember = false
	if demo.JournalDir != "" {
		w.state.journalDir = demo.JournalDir
	}
	if len(w.banner.Objects) == 0 {
		w.banner.Add(demoBanner())
	}
}
