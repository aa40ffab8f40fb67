package app

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/flows/sim"
	"github.com/cioaep/setup/ui"
)

// demoPollInterval is how often a demo run polls the simulator for the inlet URL. The
// simulator fills it at once, so the real default of seconds would only slow the demo down.
const demoPollInterval = 100 * time.Millisecond

// demoLatency delays every call to the simulated platform in demo mode. Without it a
// whole setup takes a fraction of a second, so the Creating screen and its Cancel button
// flash by unseen. Every setup step makes at least one call, so each step shows.
const demoLatency = 200 * time.Millisecond

// demoAppAPIKey is the App API key registered with the simulated Customer.io and filled into
// the Done screen's webhook panel. No real Customer.io account has it.
const demoAppAPIKey = "demo-app-api-key-0123456789abcdef"

// demo is the simulated platform of demo mode. It is started at most once, for --demo or the
// Welcome screen's Try the demo, and stopped when the app quits.
type demo struct {
	log     *slog.Logger
	secrets *redact.Secrets

	mu       sync.Mutex
	platform *sim.Platform
	// customerIO is the simulated Customer.io App API, started with the platform, so the
	// Done screen can create the webhook and its test events reach the simulated inlet.
	customerIO *ciosim.Sim
	// journalDir is a temporary folder for the journals of demo runs, removed by close,
	// because a demo run cannot be resumed once the simulated platform stops.
	journalDir string
}

func newDemo(logger *slog.Logger, secrets *redact.Secrets) *demo {
	return &demo{log: logger, secrets: secrets}
}

// start starts the simulated platform unless it runs already, and returns a backend that
// talks to it with its seeded credential.
func (d *demo) start(context.Context) (ui.Demo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.platform == nil {
		dir, err := os.MkdirTemp("", "cio-aep-setup-demo-")
		if err != nil {
			return ui.Demo{}, err
		}
		platform, err := sim.Start(sim.Options{Logger: d.log.With("component", "sim")})
		if err != nil {
			_ = os.RemoveAll(dir)
			return ui.Demo{}, err
		}
		platform.SetLatency(demoLatency)
		customerIO, err := ciosim.Start(ciosim.Options{Logger: d.log})
		if err != nil {
			_ = platform.Close()
			_ = os.RemoveAll(dir)
			return ui.Demo{}, err
		}
		customerIO.AddKey(demoAppAPIKey, ciosim.US)
		d.platform, d.customerIO, d.journalDir = platform, customerIO, dir
		d.log.Info("demo started", "ims", platform.IMSURL, "platform", platform.PlatformURL, "inlet", platform.InletURL,
			"customerio_us", customerIO.USURL, "customerio_eu", customerIO.EUURL, "latency", demoLatency)
	}

	c := d.platform.Credential()
	backend := ui.NewBackend(ui.BackendConfig{
		IMSURL:       d.platform.IMSURL,
		PlatformURL:  d.platform.PlatformURL,
		JournalDir:   d.journalDir,
		Secrets:      d.secrets,
		Logger:       d.log,
		PollInterval: demoPollInterval,
	})
	return ui.Demo{
		Backend:    backend,
		JournalDir: d.journalDir,
		Credentials: aep.Credentials{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			OrgID:        c.OrgID,
			Scopes:       c.Scopes,
		},
	}, nil
}

// customerIOConfig returns how the webhook panel reaches the simulated Customer.io, with
// the demo key filled in, or nil before the demo started.
func (d *demo) customerIOConfig() *ui.CustomerIOConfig {
	d.mu.Lock()
	defer d.mu.Unlock()

	if d.customerIO == nil {
		return nil
	}
	return &ui.CustomerIOConfig{
		BaseURLs: map[customerio.Region]string{
			customerio.RegionUS: d.customerIO.USURL,
			customerio.RegionEU: d.customerIO.EUURL,
		},
		AppAPIKey: demoAppAPIKey,
		Region:    customerio.RegionUS,
		Secrets:   d.secrets,
	}
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
	if err := d.customerIO.Close(); err != nil {
		d.log.Error("stopping the simulated Customer.io failed", "err", err)
	}
	if err := os.RemoveAll(d.journalDir); err != nil {
		d.log.Error("removing the demo journals failed", "dir", d.journalDir, "err", err)
	}
	d.platform, d.customerIO, d.journalDir = nil, nil, ""
}
