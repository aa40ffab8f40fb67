package links

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pkg/browser"
)

// Cause is the machine-readable reason Open failed. The UI translates it
// and shows the URL in a selectable field with a Copy button instead.
type Cause string

// Causes of OpenError.
const (
	// CauseInvalidURL means the URL is not an absolute http or https URL,
	// so it was not passed to any program.
	CauseInvalidURL Cause = "invalid-url"
	// CauseNoOpener means no program to open URLs was found. On Linux
	// pkg/browser looks for xdg-open, x-www-browser and www-browser on PATH.
	CauseNoOpener Cause = "no-opener"
	// CauseOpenerFailed means the opener could not start or exited with an
	// error. ExitCode contains its exit status when it exited with one.
	CauseOpenerFailed Cause = "opener-failed"
)

// OpenError is a URL that could not be opened.
type OpenError struct {
	Cause Cause
	// URL is the URL as the caller passed it.
	URL string
	// ExitCode is the opener's exit status for CauseOpenerFailed, or -1 when
	// it did not exit with a status (for example, it could not be started).
	ExitCode int
	// Programs lists the openers looked for on PATH, for CauseNoOpener.
	Programs []string
	// Err is the underlying error.
	Err error
}

// Error describes the failure for logs.
func (e *OpenError) Error() string {
	switch e.Cause {
	case CauseInvalidURL:
		return fmt.Sprintf("links: invalid URL %q: %v", e.URL, e.Err)
	case CauseNoOpener:
		if len(e.Programs) > 0 {
			return fmt.Sprintf("links: no program found to open %q: none of %s is on PATH", e.URL, strings.Join(e.Programs, ", "))
		}
		return fmt.Sprintf("links: no program found to open %q: %v", e.URL, e.Err)
	default:
		return fmt.Sprintf("links: opening %q failed: %v", e.URL, e.Err)
	}
}

// Unwrap returns the underlying error.
func (e *OpenError) Unwrap() error {
	return e.Err
}

// Opener opens URLs in the user's browser through pkg/browser.
type Opener struct {
	logger *slog.Logger
}

// NewOpener returns an Opener that logs to logger. The output of opener
// programs goes to the logger of the Opener that ran last, because
// pkg/browser takes one process-wide output writer. Nil discards logs.
func NewOpener(logger *slog.Logger) *Opener {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Opener{logger: logger}
}

// Open opens an absolute http or https URL in the user's browser. It waits
// until the opener program (xdg-open on Linux) exits, which can take
// seconds, so callers run it off the UI goroutine. The URL reaches the
// opener unchanged. Every error is an *OpenError.
func (o *Opener) Open(rawURL string) error {
	if err := validateURL(rawURL); err != nil {
		openErr := &OpenError{Cause: CauseInvalidURL, URL: rawURL, ExitCode: -1, Err: err}
		o.logger.Warn("not opening invalid URL", "url", rawURL, "error", err)
		return openErr
	}

	openerOutput.install(o.logger)
	o.logger.Info("opening URL in browser", "url", rawURL)
	if err := browser.OpenURL(rawURL); err != nil {
		openErr := classifyOpenError(rawURL, err)
		o.logger.Warn("opening URL failed", "url", rawURL, "cause", openErr.Cause, "exit_code", openErr.ExitCode, "error", openErr)
		return openErr
	}
	return nil
}

// Open opens a URL with an Opener that logs to slog.Default(). See
// Opener.Open: it blocks until the opener program exits.
func Open(rawURL string) error {
	return NewOpener(slog.Default()).Open(rawURL)
}

func validateURL(rawURL string) error {
	parsed, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	if parsed.Scheme != "http" && parsed.Scheme != "https" {
		return fmt.Errorf("scheme %q is not http or https", parsed.Scheme)
	}
	if parsed.Host == "" {
		return errors.New("host is missing")
	}
	return nil
}

func classifyOpenError(rawURL string, err error) *OpenError {
	var execErr *exec.Error
	if errors.As(err, &execErr) && errors.Is(execErr.Err, exec.ErrNotFound) {
		// On Linux pkg/browser reports the three programs it looked for as one
		// name joined with commas.
		programs := strings.Split(execErr.Name, ",")
		return &OpenError{Cause: CauseNoOpener, URL: rawURL, ExitCode: -1, Programs: programs, Err: err}
	}

	exitCode := -1
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		exitCode = exitErr.ExitCode()
	}
	return &OpenError{Cause: CauseOpenerFailed, URL: rawURL, ExitCode: exitCode, Err: err}
}

// openerOutput sends what opener programs print to the log instead of the
// terminal.
var openerOutput outputSink

// outputSink forwards the opener's standard output and error to a logger
// through two pipes that stay open for the life of the process. Pipes are
// used instead of in-memory writers because os/exec copies into those until
// every process holding the pipe exits: a browser that xdg-open starts
// inherits the pipe, and Open would then wait until the browser closes.
// With an *os.File, os/exec passes the descriptor and waits only for the
// opener itself.
type outputSink struct {
	once   sync.Once
	logger atomic.Pointer[slog.Logger]
}

// install makes logger the destination and, on first use, points
// pkg/browser's output at the pipes.
func (s *outputSink) install(logger *slog.Logger) {
	s.logger.Store(logger)
	s.once.Do(func() {
		browser.Stdout = s.pipe("stdout")
		browser.Stderr = s.pipe("stderr")
	})
}

// pipe returns the write end of a new pipe whose lines are logged with the
// stream name, or nil, which sends the output to the null device, when no
// pipe can be created.
func (s *outputSink) pipe(stream string) io.Writer {
	reader, writer, err := os.Pipe()
	if err != nil {
		s.logger.Load().Warn("capturing browser opener output failed, discarding it", "stream", stream, "error", err)
		return nil
	}
	go s.forward(reader, stream)
	return writer
}

// forward logs each line read from the pipe. After a line too long to scan
// it keeps draining the pipe, so a writing process does not stall on a full
// pipe.
func (s *outputSink) forward(reader io.Reader, stream string) {
	scanner := bufio.NewScanner(reader)
	for scanner.Scan() {
		s.logger.Load().Info("browser opener output", "stream", stream, "line", scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		s.logger.Load().Warn("browser opener output unreadable, discarding the rest", "stream", stream, "error", err)
		_, _ = io.Copy(io.Discard, reader)
	}
}
