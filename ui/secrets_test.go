//go:build ci

package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/flows/sim"
)

// The tests in this file run the wizard in a Fyne app built as the real one is, with
// fyne.io/fyne/v2/app, so Preferences are saved to a preferences.json file. Under the ci build
// tag that app uses the headless driver, and without the tag it would need a display.

// useConfigRoot points the config folder of every Fyne app built by newRealApp at a new
// temporary folder. Under the ci tag Fyne keeps it below os.TempDir, so the test moves TMPDIR.
// HOME and XDG_CONFIG_HOME move too, for anything that reads them.
func useConfigRoot(t *testing.T) {
	t.Helper()

	root, err := os.MkdirTemp("", "cio-aep-setup-config-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeConfigRoot(t, root) })
	t.Setenv("TMPDIR", root)
	t.Setenv("HOME", filepath.Join(root, "home"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "config"))
}

// removeConfigRoot removes root. Fyne 2.7.1 watches the folder of preferences.json until the
// process exits. It may save the file again up to 100 ms after a save, and when a file in the
// folder is removed it creates the folder again if the folder is gone. So the removal waits
// until no file has changed for a while, then parks root under another name and puts a plain
// file at root, so the watcher fails to create the folder and gives up, and then removes both.
func removeConfigRoot(t *testing.T, root string) {
	waitUntilQuiet(root)

	parked := root + ".removed"
	if err := os.Rename(root, parked); err != nil {
		t.Errorf("removing the config folder: %v", err)
		return
	}
	if err := os.WriteFile(root, nil, 0o600); err != nil {
		t.Errorf("blocking the config folder: %v", err)
	}
	if err := os.RemoveAll(parked); err != nil {
		t.Errorf("removing the config folder: %v", err)
	}

	// The watcher handles the removals on its own goroutine; give it time to fail.
	time.Sleep(200 * time.Millisecond)
	if err := os.Remove(root); err != nil {
		t.Errorf("removing the config folder: %v", err)
	}
}

// waitUntilQuiet returns once no file under root has changed for 300 ms, or after 10 s.
func waitUntilQuiet(root string) {
	const quiet = 300 * time.Millisecond

	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var latest time.Time
		_ = filepath.WalkDir(root, func(_ string, entry fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if info, err := entry.Info(); err == nil && info.ModTime().After(latest) {
				latest = info.ModTime()
			}
			return nil
		})
		if time.Since(latest) > quiet {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// newRealApp returns a Fyne app with the wizard's ID, as a launch of the program creates it,
// and the path of its preferences.json. A second call after useConfigRoot reads the file the
// first app wrote, like a relaunch.
func newRealApp(t *testing.T) (fyne.App, string) {
	t.Helper()

	a := fyneapp.NewWithID(credentials.AppID)
	return a, filepath.Join(a.Storage().RootURI().Path(), "preferences.json")
}

// newWizardOn builds a wizard in a new window of a, with the UI work queued for the test
// goroutine as newTestWizard does.
func newWizardOn(t *testing.T, a fyne.App, opts Options) (*Wizard, fyne.Window) {
	t.Helper()

	window := a.NewWindow("")
	window.Resize(fyne.NewSize(820, 640))
	opts.queueUI = true
	if opts.JournalDir == "" {
		opts.JournalDir = t.TempDir()
	}
	w := New(a, window, opts)
	w.copiedFeedback = time.Millisecond
	t.Cleanup(func() {
		w.Close()
		w.work.wait()
		window.Close()
	})
	w.work.wait()
	return w, window
}

// waitForSavedPreferences waits until preferences.json at path contains, for every key, the
// value the app keeps in memory, and returns the file's bytes. Fyne writes the file on every
// change but holds back writes for 100 ms after each one, so the last changes arrive late.
func waitForSavedPreferences(t *testing.T, path string, prefs fyne.Preferences, keys ...string) []byte {
	t.Helper()

	deadline := time.Now().Add(10 * time.Second)
	for {
		data, err := os.ReadFile(path)
		var saved map[string]any
		if err == nil && json.Unmarshal(data, &saved) == nil && savedMatches(saved, prefs, keys) {
			return data
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not contain the values of %v after 10 s (read error: %v):\n%s", path, keys, err, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// savedMatches reports whether saved contains the in-memory value of each key, a string or a
// string list.
func savedMatches(saved map[string]any, prefs fyne.Preferences, keys []string) bool {
	for _, key := range keys {
		value, ok := saved[key]
		if !ok {
			return false
		}
		switch v := value.(type) {
		case string:
			if v != prefs.String(key) {
				return false
			}
		case []any:
			want := prefs.StringList(key)
			if len(v) != len(want) {
				return false
			}
			for i := range v {
				if v[i] != want[i] {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// syncBuffer collects log output that worker goroutines write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// tokenTap records the access tokens that pass between the wizard and the simulated
// platform: those IMS issues and those the gateway receives in Authorization headers.
type tokenTap struct {
	mu     sync.Mutex
	tokens []string
}

func (tt *tokenTap) add(token string) {
	token = strings.TrimSpace(token)
	if token == "" {
		return
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for _, seen := range tt.tokens {
		if seen == token {
			return
		}
	}
	tt.tokens = append(tt.tokens, token)
}

func (tt *tokenTap) list() []string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return append([]string(nil), tt.tokens...)
}

// teeWriter copies a response body into body while it goes to the client.
type teeWriter struct {
	http.ResponseWriter
	body *bytes.Buffer
}

func (w teeWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// tapTokens serves the platform's IMS and gateway handlers on two more local listeners that
// record every access token, and returns their base URLs.
func tapTokens(t *testing.T, platform *sim.Platform, tokens *tokenTap) (imsURL, gatewayURL string) {
	t.Helper()

	ims := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		platform.IMSHandler().ServeHTTP(teeWriter{w, &body}, r)
		var issued struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(body.Bytes(), &issued) == nil {
			tokens.add(issued.AccessToken)
		}
	}))
	t.Cleanup(ims.Close)

	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, token, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
			tokens.add(token)
		}
		platform.GatewayHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(gateway.Close)

	return ims.URL, gateway.URL
}

// shownText returns every text the window shows, the dialogs on top included: label texts
// whole, because wrapping splits them, and every rendered line. Password entries are left out,
// because they hold the typed secret and show it masked.
func shownText(window fyne.Window) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Entry:
			if v.Password {
				return
			}
			b.WriteString(v.Text + "\n")
		case *widget.Label:
			b.WriteString(v.Text + "\n")
		case *canvas.Text:
			b.WriteString(v.Text + "\n")
		}

		switch v := o.(type) {
		case *fyne.Container:
			for _, child := range v.Objects {
				walk(child)
			}
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(v).Objects() {
				walk(child)
			}
		}
	}

	walk(window.Canvas().Content())
	for _, overlay := range window.Canvas().Overlays().List() {
		walk(overlay)
	}
	return b.String()
}

// secret is a value that must not appear anywhere but in the keyring.
type secret struct {
	name  string
	value string
}

// leakForms returns the value and its base64 encodings, named for the failure message.
func leakForms(s secret) map[string]string {
	raw := []byte(s.value)
	return map[string]string{
		s.name:                      s.value,
		s.name + " (base64)":        base64.StdEncoding.EncodeToString(raw),
		s.name + " (base64, raw)":   base64.RawStdEncoding.EncodeToString(raw),
		s.name + " (base64url)":     base64.URLEncoding.EncodeToString(raw),
		s.name + " (base64url raw)": base64.RawURLEncoding.EncodeToString(raw),
	}
}

// checkNoSecret fails the test for each secret, in any form of leakForms, found in data. The
// message names the secret and where it was found, never its value.
func checkNoSecret(t *testing.T, where string, data []byte, secrets []secret) {
	t.Helper()

	for _, s := range secrets {
		for form, value := range leakForms(s) {
			if bytes.Contains(data, []byte(value)) {
				t.Errorf("%s contains the %s", where, form)
			}
		}
	}
}

// TestRememberedSetupLeaksNoSecret runs a whole setup outside demo mode on the simulated
// platform, with the credential typed in and Remember ticked, an OS keyring (go-keyring's
// mock) and a real preferences.json. On the way a connect and a setup step fail. Then it
// searches every file the app wrote, the debug log, every text shown and every error for the
// client secret, the access tokens and the Customer.io App API key.
func TestRememberedSetupLeaksNoSecret(t *testing.T) {
	useLanguage(t, English)
	useConfigRoot(t)
	keyring.MockInit()

	// The logger is the app's chain: the redacting handler in front of a text handler, here at
	// debug level as with --verbose.
	logs := &syncBuffer{}
	secrets := redact.NewSecrets()
	logger := slog.New(redact.NewHandler(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}), secrets))

	platform, err := sim.Start(sim.Options{Logger: logger.With("component", "sim")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = platform.Close() })
	tokens := &tokenTap{}
	imsURL, gatewayURL := tapTokens(t, platform, tokens)

	const appAPIKey = "app-api-key-9c2e71d04b5a4f3e8a61"
	// ciosim adds its own component attribute.
	cio, err := ciosim.Start(ciosim.Options{RateLimit: -1, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cio.Close() })
	cio.AddKey(appAPIKey, ciosim.US)

	a, prefsPath := newRealApp(t)
	journalDir := t.TempDir()
	opts := Options{
		Backend: NewBackend(BackendConfig{
			IMSURL:       imsURL,
			PlatformURL:  gatewayURL,
			JournalDir:   journalDir,
			Secrets:      secrets,
			Logger:       logger,
			PollInterval: 5 * time.Millisecond,
		}),
		JournalDir: journalDir,
		OpenStore: func() (credentials.Store, *credentials.KeyringError) {
			return credentials.Open(a.Preferences(), credentials.Options{Logger: logger})
		},
		CustomerIO: func(bool) *CustomerIOConfig {
			return &CustomerIOConfig{
				BaseURLs: map[customerio.Region]string{customerio.RegionUS: cio.USURL, customerio.RegionEU: cio.EUURL},
				Secrets:  secrets,
			}
		},
		Scrub:  secrets.Scrub,
		Logger: logger,
	}
	w, window := newWizardOn(t, a, opts)
	if !w.state.store.Persistent() {
		t.Fatalf("the credential store is not persistent with the mock keyring: %v", w.state.storeProblem)
	}

	var windowTexts []string
	snapshot := func() {
		window.Content().Refresh()
		windowTexts = append(windowTexts, shownText(window))
	}

	// Type the simulator's credential and keep Remember ticked.
	creds := simCredentials(platform)
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)
	test.Type(s.clientID, creds.ClientID)
	test.Type(s.secret, creds.ClientSecret)
	test.Type(s.orgID, creds.OrgID)
	if s.remember.Disabled() || !s.remember.Checked {
		t.Fatal("Remember on this computer is not ticked with a working keyring")
	}

	// The first connect fails as IMS rejects the client.
	platform.InjectFaults(sim.RouteToken, sim.Fault{Status: http.StatusUnauthorized, Code: "invalid_client", Message: "invalid client_secret parameter"})
	tap(t, w, w.next)
	wantScreen(t, w, screenCredentials)
	snapshot()
	if !strings.Contains(windowTexts[0], "Adobe did not accept the client secret.") {
		t.Fatalf("the window text misses the invalid_client problem:\n%s", windowTexts[0])
	}

	tap(t, w, w.next)
	wantScreen(t, w, screenSandbox)
	snapshot()

	// Revoked tokens make the client fetch a second one during the setup.
	platform.ExpireTokens()
	selectSandbox(t, w, "dev")
	tap(t, w, w.next) // sandbox
	tap(t, w, w.next) // ready-made data
	tap(t, w, w.next) // all events
	wantScreen(t, w, screenReview)
	snapshot()

	// The dataflow step fails once, then Retry from here finishes the run.
	platform.InjectFaults(sim.RouteCreateFlow, sim.Fault{Status: http.StatusBadRequest, Code: "1410", Message: "invalid flow spec"})
	tap(t, w, w.next) // Create
	wantScreen(t, w, screenCreate)
	run := w.state.run
	if run.err == nil {
		t.Fatal("the run succeeded despite the failing dataflow call")
	}
	errorTexts := []string{run.err.Error()}
	create := w.screens[screenCreate].(*createStep)
	errorTexts = append(errorTexts, create.details())
	copyDetails := findButton(create.actions, "Copy details")
	if copyDetails == nil {
		t.Fatal("no Copy details button after the failure")
	}
	tap(t, w, copyDetails)
	errorTexts = append(errorTexts, a.Clipboard().Content())
	snapshot()
	failure, _, _ := strings.Cut(problemText(create.outcome), "\n")
	if failure == "" || !strings.Contains(windowTexts[len(windowTexts)-1], failure) {
		t.Fatalf("the window text misses the failure %q", failure)
	}

	tap(t, w, findButton(create.actions, "Retry from here"))
	wantScreen(t, w, screenDone)
	snapshot()

	// Create the Customer.io webhook with the key typed in and remembered.
	panel := w.screens[screenDone].(*doneStep).webhookPanel
	if panel == nil {
		t.Fatal("the Done screen has no webhook panel")
	}
	test.Type(panel.key, appAPIKey)
	if panel.rememberCheck.Disabled() || !panel.rememberCheck.Checked {
		t.Fatal("Remember the App API key is not ticked with a working keyring")
	}
	tap(t, w, panel.create)
	if panel.confirm != nil {
		snapshot()
		panel.confirm.Confirm()
		w.work.wait()
	}
	if panel.run == nil || panel.run.err != nil || panel.run.saveErr != nil {
		t.Fatalf("webhook run = %+v, want success", panel.run)
	}
	snapshot()

	// Remember reached the keyring, so the secrets had a place to leak from.
	key := profileKey(w.state.sessionCreds)
	_, saved, err := credentials.NewKeyringStore(a.Preferences(), credentials.Options{}).LoadProfile(key)
	if err != nil {
		t.Fatal(err)
	}
	if saved.ClientSecret != creds.ClientSecret || saved.AppAPIKey != appAPIKey {
		t.Fatalf("keyring holds %v, want the client secret and the App API key", saved)
	}

	leaks := []secret{{"client secret", creds.ClientSecret}, {"App API key", appAPIKey}}
	issued := tokens.list()
	if len(issued) < 2 {
		t.Fatalf("%d access tokens seen, want at least 2 after the tokens were revoked", len(issued))
	}
	for i, token := range issued {
		leaks = append(leaks, secret{name: "access token " + strconv.Itoa(i+1), value: token})
	}

	prefs := waitForSavedPreferences(t, prefsPath, a.Preferences(),
		"credentials.profiles", "credentials.profile."+key.String(), existing.LastSetupKey)
	if !bytes.Contains(prefs, []byte(creds.ClientID)) {
		t.Fatalf("preferences.json has no saved profile:\n%s", prefs)
	}
	checkNoSecret(t, "preferences.json", prefs, leaks)

	// Every file under the config root and the journal folder: preferences.json again,
	// Fyne's settings and the run journals.
	journals := 0
	for _, dir := range []string{filepath.Dir(filepath.Dir(prefsPath)), journalDir} {
		err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
			if err != nil || entry.IsDir() {
				return err
			}
			if dir == journalDir {
				journals++
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			checkNoSecret(t, path, data, leaks)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if journals == 0 {
		t.Fatal("no journal file written")
	}

	logged := logs.Bytes()
	if !bytes.Contains(logged, []byte("level=DEBUG")) || !bytes.Contains(logged, []byte("setup run failed")) {
		t.Fatalf("the log misses debug records or the failure:\n%s", logged)
	}
	checkNoSecret(t, "the log", logged, leaks)

	for i, text := range errorTexts {
		if text == "" {
			t.Errorf("error text %d is empty", i+1)
		}
		checkNoSecret(t, "error text "+strconv.Itoa(i+1), []byte(text), leaks)
	}
	for i, text := range windowTexts {
		checkNoSecret(t, "window text "+strconv.Itoa(i+1), []byte(text), leaks)
	}
}
