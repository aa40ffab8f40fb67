package links

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// hangTimeout bounds how long a test waits for Open before it reports a hang.
// It is a deadline against blocking forever, not a speed assertion.
const hangTimeout = 30 * time.Second

// installFakeOpener puts a fake xdg-open first and alone on PATH. The script
// body runs with /bin/sh. It returns the script's folder.
func installFakeOpener(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	script := "#!/bin/sh\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return dir
}

// recordingHandler is a slog.Handler that keeps every record's message and
// attributes as text.
type recordingHandler struct {
	mu    sync.Mutex
	lines []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, record slog.Record) error {
	line := record.Message
	record.Attrs(func(attr slog.Attr) bool {
		line += " " + attr.String()
		return true
	})

	h.mu.Lock()
	defer h.mu.Unlock()
	h.lines = append(h.lines, line)
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *recordingHandler) WithGroup(string) slog.Handler { return h }

func (h *recordingHandler) snapshot() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.lines)
}

func (h *recordingHandler) contains(text string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, line := range h.lines {
		if strings.Contains(line, text) {
			return true
		}
	}
	return false
}

func TestOpenPassesURLWhole(t *testing.T) {
	urls := []string{
		"https://example.test/search?query=a&b=two%20words&percent=%25&plus=1+2",
		"https://example.test/path%2Fwith%2Fslashes?x=%26&y=%3D#frag&ment",
		DataflowPage("dev-sandbox", "439b3fc4-3042-4a3a-b5e0-a494898d3fb0"),
		DeveloperConsoleURL,
	}

	for _, rawURL := range urls {
		t.Run(rawURL, func(t *testing.T) {
			received := filepath.Join(t.TempDir(), "received")
			installFakeOpener(t, `printf '%s' "$1" > '`+received+`'`)

			if err := NewOpener(nil).Open(rawURL); err != nil {
				t.Fatalf("Open() error = %v", err)
			}

			got, err := os.ReadFile(received)
			if err != nil {
				t.Fatalf("fake opener did not record its argument: %v", err)
			}
			if string(got) != rawURL {
				t.Errorf("opener received %q, want %q", got, rawURL)
			}
		})
	}
}

func TestOpenNoOpenerOnEmptyPATH(t *testing.T) {
	t.Setenv("PATH", "")

	err := NewOpener(nil).Open(DeveloperConsoleURL)

	var openErr *OpenError
	if !errors.As(err, &openErr) {
		t.Fatalf("Open() error = %v, want *OpenError", err)
	}
	if openErr.Cause != CauseNoOpener {
		t.Errorf("Cause = %q, want %q", openErr.Cause, CauseNoOpener)
	}
	if openErr.URL != DeveloperConsoleURL {
		t.Errorf("URL = %q, want %q", openErr.URL, DeveloperConsoleURL)
	}
	if !errors.Is(err, exec.ErrNotFound) {
		t.Error("errors.Is(err, exec.ErrNotFound) = false, want true")
	}
	if want := []string{"xdg-open", "x-www-browser", "www-browser"}; !slices.Equal(openErr.Programs, want) {
		t.Errorf("Programs = %q, want %q", openErr.Programs, want)
	}
	if want := "none of xdg-open, x-www-browser, www-browser is on PATH"; !strings.Contains(err.Error(), want) {
		t.Errorf("Error() = %q, want it to contain %q", err, want)
	}
}

func TestOpenLogsFailureOnce(t *testing.T) {
	t.Setenv("PATH", "")
	handler := &recordingHandler{}

	_ = NewOpener(slog.New(handler)).Open(DeveloperConsoleURL)

	var failures []string
	for _, line := range handler.snapshot() {
		if strings.HasPrefix(line, "opening URL failed") {
			failures = append(failures, line)
		}
	}
	if len(failures) != 1 {
		t.Fatalf("got %d failure records, want 1: %q", len(failures), handler.snapshot())
	}
	if strings.Contains(failures[0], "xdg-open,x-www-browser") {
		t.Errorf("failure record names the programs as one: %s", failures[0])
	}
}

func TestOpenOpenerFails(t *testing.T) {
	installFakeOpener(t, "exit 3")

	err := NewOpener(nil).Open(DeveloperConsoleURL)

	var openErr *OpenError
	if !errors.As(err, &openErr) {
		t.Fatalf("Open() error = %v, want *OpenError", err)
	}
	if openErr.Cause != CauseOpenerFailed {
		t.Errorf("Cause = %q, want %q", openErr.Cause, CauseOpenerFailed)
	}
	if openErr.ExitCode != 3 {
		t.Errorf("ExitCode = %d, want 3", openErr.ExitCode)
	}
}

func TestOpenRejectsInvalidURL(t *testing.T) {
	invalid := []string{
		"file:///etc/passwd",
		"javascript:alert(1)",
		"-a",
		"https://",
		"example.test/no-scheme",
		"https://example.test/\x7f",
	}

	for _, rawURL := range invalid {
		t.Run(rawURL, func(t *testing.T) {
			called := filepath.Join(t.TempDir(), "called")
			installFakeOpener(t, `: > '`+called+`'`)

			err := NewOpener(nil).Open(rawURL)

			var openErr *OpenError
			if !errors.As(err, &openErr) {
				t.Fatalf("Open() error = %v, want *OpenError", err)
			}
			if openErr.Cause != CauseInvalidURL {
				t.Errorf("Cause = %q, want %q", openErr.Cause, CauseInvalidURL)
			}
			if _, statErr := os.Stat(called); statErr == nil {
				t.Error("the opener ran for an invalid URL")
			}
		})
	}
}

func TestOpenLogsOpenerOutput(t *testing.T) {
	installFakeOpener(t, "echo 'fake opener on stdout'\necho 'fake opener on stderr' >&2")
	handler := &recordingHandler{}

	if err := NewOpener(slog.New(handler)).Open(DeveloperConsoleURL); err != nil {
		t.Fatalf("Open() error = %v", err)
	}

	// The pipes are read on another goroutine, so wait for both lines.
	deadline := time.Now().Add(hangTimeout)
	for !(handler.contains("fake opener on stdout") && handler.contains("fake opener on stderr")) {
		if time.Now().After(deadline) {
			t.Fatalf("opener output not logged, log lines: %q", handler.snapshot())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !handler.contains("stream=stderr") {
		t.Error("stderr line logged without its stream name")
	}
}

func TestOpenReturnsWhileBrowserRuns(t *testing.T) {
	// The background loop is the "browser": it inherits the opener's stdout
	// and stderr and keeps running after the opener exits. It stops when the
	// release file appears, when the test's folder is gone, or after about
	// a minute, so it never outlives the test for long.
	dir := t.TempDir()
	release := filepath.Join(dir, "release")
	installFakeOpener(t, `(
	i=0
	while [ ! -e '`+release+`' ] && [ -d '`+dir+`' ] && [ $i -lt 1200 ]; do
		/bin/sleep 0.05
		i=$((i + 1))
	done
) &
exit 0`)
	t.Cleanup(func() {
		if err := os.WriteFile(release, nil, 0o600); err != nil {
			t.Errorf("releasing the fake browser: %v", err)
		}
	})

	done := make(chan error, 1)
	go func() { done <- NewOpener(nil).Open(DeveloperConsoleURL) }()

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Open() error = %v", err)
		}
	case <-time.After(hangTimeout):
		t.Fatal("Open() still waiting for the browser that the opener started")
	}
}
