package ui

import (
	"context"
	"log/slog"

	"github.com/cioaep/setup/flows/aep"
)

// Options configures the wizard.
type Options struct {
	// Demo starts the wizard in demo mode: the app has started the simulated platform and
	// Backend talks to it.
	Demo bool

	// Logger receives starts, retries and caught errors. It defaults to discarding them.
	Logger *slog.Logger

	// StartDemo starts the simulated platform when the user chooses Try the demo. The wizard
	// calls it off the UI goroutine; nil hides nothing but makes the button only log.
	StartDemo func(ctx context.Context) (Demo, error)
}

// Demo is a simulated platform that the app started in this process.
type Demo struct {
	// Credentials is the simulator's seeded credential, filled into the credentials step.
	Credentials aep.Credentials
}

func (o *Options) setDefaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}
