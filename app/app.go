// Package app starts the wizard: the command line, the Fyne app and window, the language, the
// logger, and the wiring of the Adobe client, the credential store and the simulated platform
// in demo mode.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/cioaep/setup/assets"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/ui"
)

// ID is the application ID, used for Preferences, the keyring service and the config folder.
const ID = "io.github.cioaep.setup"

// Exit codes of Run.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// windowSize is the size of the window at start, large enough that the Done screen, the
// longest, scrolls little.
var windowSize = fyne.NewSize(960, 760)

// config is the parsed command line.
type config struct {
	demo     bool
	language string
	verbose  bool
}

// parseFlags reads the command line. Help goes to output.
func parseFlags(args []string, output io.Writer) (config, error) {
	var cfg config
	flags := flag.NewFlagSet("cio-aep-setup", flag.ContinueOnError)
	flags.SetOutput(output)
	flags.BoolVar(&cfg.demo, "demo", false, "start with the simulated platform; nothing is created in Adobe")
	flags.StringVar(&cfg.language, "lang", "", "language of the wizard, en or es (default: the saved choice, else the system language)")
	flags.BoolVar(&cfg.verbose, "verbose", false, "log debug messages to standard error")
	if err := flags.Parse(args); err != nil {
		return cfg, err
	}

	if flags.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	if cfg.language != "" && !ui.ValidLanguage(cfg.language) {
		return cfg, fmt.Errorf("invalid -lang %q: use %s or %s", cfg.language, ui.English, ui.Spanish)
	}
	return cfg, nil
}

// Run parses the command line, opens the main window and blocks until it closes, the user
// quits or the process receives SIGINT or SIGTERM. It returns the process exit code. The
// caller loads the translations first.
func Run(args []string) int {
	cfg, err := parseFlags(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cio-aep-setup:", err)
		return exitUsage
	}

	secrets := redact.NewSecrets()
	logger := newLogger(os.Stderr, cfg.verbose, secrets)

	a := fyneapp.NewWithID(ID)
	a.SetIcon(assets.Icon)

	s, err := newShell(a, cfg, logger, secrets)
	if err != nil {
		logger.Error("starting the wizard failed", "err", err)
		return exitError
	}
	defer s.close()

	stopSignals := quitOnSignal(logger, a.Quit)
	defer stopSignals()

	s.window.ShowAndRun()
	logger.Info("window closed")
	return exitOK
}

// quitOnSignal calls quit on the UI goroutine when the process receives SIGINT or SIGTERM,
// until the returned function is called. The Xvfb smoke test and service managers stop the app
// that way. Quitting through Fyne lets ShowAndRun return, so deferred clean-up runs and the
// exit code is 0.
func quitOnSignal(logger *slog.Logger, quit func()) (stop func()) {
	signals, stopNotify := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	finished := make(chan struct{})

	go func() {
		select {
		case <-signals.Done():
			logger.Info("signal received, quitting")
			fyne.Do(quit)
		case <-finished:
		}
	}()

	return func() {
		close(finished)
		stopNotify()
	}
}

// newLogger returns a text logger on w that scrubs every registered secret.
func newLogger(w io.Writer, verbose bool, secrets *redact.Secrets) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	inner := slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})
	return slog.New(redact.NewHandler(inner, secrets))
}

// chooseLanguage returns the language to load at start: the -lang flag, else the choice saved
// on the Welcome screen, else "" for the operating system's language.
func chooseLanguage(flagValue string, prefs fyne.Preferences) string {
	if flagValue != "" {
		return flagValue
	}
	if saved := prefs.String(ui.PrefLanguage); ui.ValidLanguage(saved) {
		return saved
	}
	return ""
}

// shell is the running app: the window, the wizard in it, and what must stop with them.
type shell struct {
	app    fyne.App
	window fyne.Window
	wizard *ui.Wizard
	demo   *demo
	log    *slog.Logger
}

// newShell loads the language, starts the simulated platform when cfg requests the demo,
// wires the Adobe backend, the credential store and the browser opener, and builds the window
// with the wizard in it.
func newShell(a fyne.App, cfg config, logger *slog.Logger, secrets *redact.Secrets) (*shell, error) {
	if code := chooseLanguage(cfg.language, a.Preferences()); code != "" {
		if err := ui.SetLanguage(code); err != nil {
			return nil, err
		}
	}
	logger.Info("starting", "demo", cfg.demo, "language", ui.CurrentLanguage())

	journalDir, err := setup.DefaultJournalDir()
	if err != nil {
		return nil, fmt.Errorf("finding the setup journal folder: %w", err)
	}

	s := &shell{app: a, log: logger, demo: newDemo(logger, secrets)}
	opener := links.NewOpener(logger)
	opts := ui.Options{
		Backend:    ui.NewBackend(ui.BackendConfig{JournalDir: journalDir, Secrets: secrets, Logger: logger}),
		StartDemo:  s.demo.start,
		JournalDir: journalDir,
		OpenURL:    opener.Open,
		Scrub:      secrets.Scrub,
		Logger:     logger,
		// The Done screen reaches the simulated Customer.io in demo mode, else Customer.io.
		CustomerIO: func(demo bool) *ui.CustomerIOConfig {
			if demo {
				return s.demo.customerIOConfig()
			}
			return &ui.CustomerIOConfig{Secrets: secrets}
		},
	}

	if cfg.demo {
		started, err := s.demo.start(context.Background())
		if err != nil {
			return nil, fmt.Errorf("starting the simulated platform: %w", err)
		}
		opts.Demo = true
		opts.Backend = started.Backend
		opts.DemoCredentials = started.Credentials
		opts.DemoJournalDir = started.JournalDir
	} else {
		// Demo credentials are never remembered, so only a real run needs the OS keyring.
		opts.OpenStore = func() (credentials.Store, *credentials.KeyringError) {
			return credentials.Open(a.Preferences(), credentials.Options{Logger: logger})
		}
	}

	s.window = a.NewWindow(lang.L("app.title"))
	s.wizard = ui.New(a, s.window, opts)
	s.window.SetOnClosed(s.wizard.Close)
	s.window.Resize(windowSize)
	s.window.SetMaster()
	return s, nil
}

// close stops the work in flight and the simulated platform.
func (s *shell) close() {
	s.wizard.Close()
	s.demo.close()
}
