package app

import (
	"context"
	"log/slog"
	"sync"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
	"github.com/cioaep/setup/ui"
)

// demo starts the simulated platform at most once, for --demo or the Welcome screen's
// Try the demo, and stops it when the app quits.
type demo struct {
	log *slog.Logger

	mu       sync.Mutex
	platform *sim.Platform
}

func newDemo(logger *slog.Logger) *demo {
	return &demo{log: logger}
}

// start starts the simulated platform unless it runs already, and returns its credential.
func (d *demo) start(context.Context) (ui.Demo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.platform == nil {
		platform, err := sim.Start(sim.Options{Logger: d.log.With("component", "sim")})
		if err != nil {
			return ui.Demo{}, err
		}
		d.platform = platform
		d.log.Info("demo started", "ims", platform.IMSURL, "platform", platform.PlatformURL)
	}

	c := d.platform.Credential()
	return ui.Demo{Credentials: aep.Credentials{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		OrgID:        c.OrgID,
		Scopes:       c.Scopes,
	}}, nil
}

// close stops the simulated platform if it was started.
func (d *demo) close() {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.platform == nil {
		return
	}
	if err := d.platform.Close(); err != nil {
		d.log.Error("stopping the simulated platform failed", "err", err)
	}
	d.platform = nil
}
