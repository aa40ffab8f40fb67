package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/setup"
)

// Options configures the wizard. Only Backend is needed for real work; every other field has
// a usable default.
type Options struct {
	// Demo starts the wizard in demo mode: Backend talks to the simulated platform the app has
	// started, and every screen shows the demo banner.
	Demo bool

	// DemoCredentials fills the credentials step in demo mode.
	DemoCredentials aep.Credentials

	// DemoJournalDir, in demo mode, replaces JournalDir; see Demo.JournalDir.
	DemoJournalDir string

	// Backend connects to Adobe, or to the simulated platform in demo mode.
	Backend Backend

	// StartDemo starts the simulated platform when the user chooses Try the demo. The wizard
	// calls it off the UI goroutine. Nil disables the button.
	StartDemo func(ctx context.Context) (Demo, error)

	// OpenStore opens the credential store. It may talk to the OS keyring over D-Bus, so the
	// wizard calls it off the UI goroutine. Nil keeps credentials for this session only.
	OpenStore func() (credentials.Store, *credentials.KeyringError)

	// JournalDir is the folder of the setup journals, listed by Open existing setups.
	JournalDir string

	// OpenURL opens a web page in the browser and blocks until the opener returns, so the
	// wizard calls it off the UI goroutine. It defaults to links.Open.
	OpenURL func(url string) error

	// Scrub removes secrets from text the user copies, such as the details of a failure.
	// It defaults to returning the text unchanged, because the flows packages keep secrets
	// out of their errors already.
	Scrub func(text string) string

	// DonePanel, when set, fills the slot at the bottom of the Done screen, for example with
	// a panel that creates the Customer.io webhook.
	DonePanel func(result setup.Result) fyne.CanvasObject

	// CustomerIO returns the settings the Done screen uses to create the webhook in
	// Customer.io for the user. Its argument is true once the wizard runs on the simulated
	// platform. The wizard calls it on the UI goroutine. Nil, or a nil result, leaves only
	// the manual instructions.
	CustomerIO func(demo bool) *CustomerIOConfig

	// Now defaults to time.Now. Tests pass a fixed clock so that rendered times are stable.
	Now func() time.Time

	// Logger receives starts, retries and caught errors. It defaults to discarding them.
	Logger *slog.Logger

	// queueUI makes results of background work wait until the test calls worker.wait, see
	// worker.queue.
	queueUI bool
}

// Demo is a simulated platform that the app started in this process.
type Demo struct {
	// Backend talks to the simulated platform.
	Backend Backend

	// Credentials is the simulator's seeded credential, filled into the credentials step.
	Credentials aep.Credentials

	// JournalDir keeps the journals of demo runs apart from real ones, because they cannot be
	// resumed once the simulated platform stops. Empty keeps Options.JournalDir.
	JournalDir string
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OpenURL == nil {
		o.OpenURL = defaultOpenURL
	}
	if o.Scrub == nil {
		o.Scrub = func(text string) string { return text }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}
