package app

import (
	"bytes"
	"io"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/ui"
)

func TestParseFlags(t *testing.T) {
	tests := map[string]struct {
		args    []string
		want    config
		wantErr bool
	}{
		"none":          {args: nil, want: config{}},
		"demo":          {args: []string{"--demo"}, want: config{demo: true}},
		"spanish":       {args: []string{"--lang", "es"}, want: config{language: "es"}},
		"english demo":  {args: []string{"-demo", "-lang=en"}, want: config{demo: true, language: "en"}},
		"unknown lang":  {args: []string{"--lang", "fr"}, wantErr: true},
		"unknown flag":  {args: []string{"--color"}, wantErr: true},
		"extra operand": {args: []string{"now"}, wantErr: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseFlags(%q) succeeded, want an error", tt.args)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFlags(%q): %v", tt.args, err)
			}
			if got != tt.want {
				t.Errorf("parseFlags(%q) = %+v, want %+v", tt.args, got, tt.want)
			}
		})
	}
}

func TestChooseLanguage(t *testing.T) {
	a := test.NewTempApp(t)
	prefs := a.Preferences()

	if got := chooseLanguage("", prefs); got != "" {
		t.Errorf("with nothing saved: got %q, want the OS language (\"\")", got)
	}

	prefs.SetString(ui.PrefLanguage, ui.Spanish)
	if got := chooseLanguage("", prefs); got != ui.Spanish {
		t.Errorf("with es saved: got %q, want %q", got, ui.Spanish)
	}
	if got := chooseLanguage(ui.English, prefs); got != ui.English {
		t.Errorf("flag en over saved es: got %q, want %q", got, ui.English)
	}

	prefs.SetString(ui.PrefLanguage, "klingon")
	if got := chooseLanguage("", prefs); got != "" {
		t.Errorf("with an invalid saved value: got %q, want \"\"", got)
	}
}

func TestQuitOnSignal(t *testing.T) {
	test.NewTempApp(t)

	quit := make(chan struct{})
	stop := quitOnSignal(slog.New(slog.DiscardHandler), func() { close(quit) })
	defer stop()

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-quit:
	case <-time.After(10 * time.Second):
		t.Fatal("quit was not called after SIGTERM")
	}
}

func TestRunDemoExitsZero(t *testing.T) {
	restoreLanguage(t)
	// Run builds a real app, so keep its Preferences away from the user's.
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())

	// Under the ci build tag the app uses the headless driver, whose ShowAndRun returns at
	// once, so Run goes through start-up, the simulator and clean-up.
	if code := Run([]string{"--demo", "--lang", "es"}); code != 0 {
		t.Fatalf("Run returned %d, want 0", code)
	}
	if code := Run([]string{"--lang", "fr"}); code != exitUsage {
		t.Fatalf("Run with --lang fr returned %d, want %d", code, exitUsage)
	}
}

func TestLoggerRedactsSecrets(t *testing.T) {
	var out bytes.Buffer
	secrets := redact.NewSecrets()
	logger := newLogger(&out, true, secrets)

	secrets.Add("s3cr3t-value-123")
	logger.Info("connecting", "detail", "secret is s3cr3t-value-123")

	if bytes.Contains(out.Bytes(), []byte("s3cr3t-value-123")) {
		t.Errorf("log contains the secret: %s", out.String())
	}
}

// restoreLanguage reloads the OS language after the test, because lang is process-global.
func restoreLanguage(t *testing.T) {
	t.Cleanup(func() {
		if err := ui.SetLanguage(""); err != nil {
			t.Error(err)
		}
	})
}
