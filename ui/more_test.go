package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// findObject returns the first object inside o, widgets' parts included, that match accepts.
func findObject(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	var children []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		children = v.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(v).Objects()
	}
	for _, child := range children {
		if found := findObject(child, match); found != nil {
			return found
		}
	}
	return nil
}

// buttonIn returns the button with the given text anywhere inside o.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	found := findObject(o, func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		return ok && b.Text == text
	})
	if found == nil {
		return nil
	}
	return found.(*widget.Button)
}

func TestDatasetSearchStaysLocal(t *testing.T) {
	useLanguage(t, English)
	backend := newFakeBackend()
	backend.session.datasets = fakeDatasets(10000)
	w, _, _ := newTestWizard(t, Options{Backend: backend})

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	creds := w.screens[screenCredentials].(*credentialsStep)
	test.Type(creds.clientID, "0123456789abcdef0123456789abcdef")
	test.Type(creds.secret, "example-client-secret")
	test.Type(creds.orgID, "0123456789ABCDEF01234567@AdobeOrg")
	tap(t, w, w.next)
	selectSandbox(t, w, "dev")
	tap(t, w, w.next)

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	if got := len(data.shown); got != 10000 {
		t.Fatalf("%d datasets listed, want 10000", got)
	}

	test.Type(data.search, "09999")
	w.work.wait()
	if got := len(data.shown); got != 1 {
		t.Errorf("search 09999 shows %d datasets, want 1", got)
	}

	data.search.SetText("schema 299")
	w.work.wait()
	if got := len(data.shown); got != 33 {
		t.Errorf("search by schema title shows %d datasets, want 33", got)
	}

	if got := backend.session.calls(); got != 1 {
		t.Errorf("%d dataset listings for one visit and several keystrokes, want 1", got)
	}
}

// consoleProject returns a Developer Console project file with the given credentials, each
// a name and a client ID.
func consoleProject(creds ...[2]string) string {
	var entries []string
	for _, c := range creds {
		entries = append(entries, `{"id":"`+c[0]+`","name":"`+c[0]+`","integration_type":"oauth_server_to_server",
			"oauth_server_to_server":{"client_id":"`+c[1]+`","client_secrets":["p8e-example-`+c[1]+`"],
			"scopes":["openid","AdobeID","read_organizations"]}}`)
	}
	return `{"project":{"id":"1","name":"cio","title":"Customer.io","org":{"id":"2","name":"Acme","ims_org_id":"0123456789ABCDEF01234567@AdobeOrg"},
		"workspace":{"id":"3","name":"Production","details":{"credentials":[` + strings.Join(entries, ",") + `]}}}}`
}

func TestImportOneCredential(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{Backend: newFakeBackend()})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)

	s.importProject("cio-project.json", strings.NewReader(consoleProject([2]string{"Server", "11112222333344445555666677778888"})))

	s = w.screens[screenCredentials].(*credentialsStep)
	if got := s.clientID.Text; got != "11112222333344445555666677778888" {
		t.Errorf("client ID = %q, want the imported one", got)
	}
	if got := s.secret.Text; got != "p8e-example-11112222333344445555666677778888" {
		t.Errorf("client secret = %q, want the imported one", got)
	}
	if got := s.orgID.Text; got != "0123456789ABCDEF01234567@AdobeOrg" {
		t.Errorf("organization ID = %q, want the imported one", got)
	}
	if got, want := s.scopes.Text, "openid,AdobeID,read_organizations"; got != want {
		t.Errorf("scopes = %q, want %q", got, want)
	}
	if w.next.Disabled() {
		t.Error("Connect is disabled after a complete import")
	}
}

func TestImportChoosesAmongCredentials(t *testing.T) {
	useLanguage(t, English)
	w, _, window := newTestWizard(t, Options{Backend: newFakeBackend()})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)

	s.importProject("cio-project.json", strings.NewReader(consoleProject(
		[2]string{"First", "aaaa0000aaaa0000aaaa0000aaaa0000"},
		[2]string{"Second", "bbbb1111bbbb1111bbbb1111bbbb1111"},
	)))

	overlay := window.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no dialog to choose among two credentials")
	}
	radio := findObject(overlay, func(o fyne.CanvasObject) bool { _, ok := o.(*widget.RadioGroup); return ok })
	if radio == nil {
		t.Fatal("the dialog has no list of credentials")
	}
	group := radio.(*widget.RadioGroup)
	if len(group.Options) != 2 {
		t.Fatalf("the dialog offers %d credentials, want 2", len(group.Options))
	}
	group.SetSelected(group.Options[1])
	use := buttonIn(overlay, "Use this credential")
	if use == nil {
		t.Fatal("the dialog has no Use this credential button")
	}
	test.Tap(use)

	s = w.screens[screenCredentials].(*credentialsStep)
	if got := s.clientID.Text; got != "bbbb1111bbbb1111bbbb1111bbbb1111" {
		t.Errorf("client ID = %q, want the second credential's", got)
	}
}

func TestImportJWTOnlyExplains(t *testing.T) {
	for code, want := range map[string]string{
		English: "no OAuth Server-to-Server credential",
		Spanish: "no tiene ninguna credencial OAuth Server-to-Server",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, _, _ := newTestWizard(t, Options{Backend: newFakeBackend()})
			tap(t, w, w.screens[screenWelcome].(*welcome).connect)
			s := w.screens[screenCredentials].(*credentialsStep)

			jwt := `{"project":{"org":{"ims_org_id":"0123456789ABCDEF01234567@AdobeOrg"},"workspace":{"details":{"credentials":[
				{"id":"1","name":"Old","integration_type":"service","jwt":{"client_id":"x"}}]}}}}`
			s.importProject("jwt-project.json", strings.NewReader(jwt))

			if got := problemText(s.problem); !strings.Contains(got, want) {
				t.Errorf("problem = %q, want it to contain %q", got, want)
			}
			if w.state.creds.ClientID != "" {
				t.Errorf("client ID = %q after a rejected file, want it unchanged", w.state.creds.ClientID)
			}
		})
	}
}

func TestHelpLinkFallsBackToCopy(t *testing.T) {
	useLanguage(t, English)
	opened := make(chan string, 1)
	w, a, _ := newTestWizard(t, Options{
		Backend: newFakeBackend(),
		OpenURL: func(url string) error {
			opened <- url
			return &links.OpenError{Cause: links.CauseNoOpener, URL: url, ExitCode: -1}
		},
	})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)

	tap(t, w, s.helpButton)

	if got := <-opened; got != links.DeveloperConsoleURL {
		t.Errorf("opened %q, want %q", got, links.DeveloperConsoleURL)
	}
	if got := problemText(s.fallback); !strings.Contains(got, links.DeveloperConsoleURL) {
		t.Fatalf("fallback = %q, want the URL in it", got)
	}
	field := findObject(s.fallback, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == links.DeveloperConsoleURL
	})
	if field == nil || !field.(*widget.Label).Selectable {
		t.Error("the URL is not in a selectable field")
	}
	copyButton := buttonIn(s.fallback, "Copy")
	if copyButton == nil {
		t.Fatal("no Copy button next to the URL")
	}
	tap(t, w, copyButton)
	if got := a.Clipboard().Content(); got != links.DeveloperConsoleURL {
		t.Errorf("clipboard = %q, want %q", got, links.DeveloperConsoleURL)
	}
}

func TestKeyringUnavailableExplains(t *testing.T) {
	for code, want := range map[string]string{
		English: "no keyring service is installed",
		Spanish: "no hay ningún servicio de llavero instalado",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, _, _ := newTestWizard(t, Options{
				Backend: newFakeBackend(),
				OpenStore: func() (credentials.Store, *credentials.KeyringError) {
					return credentials.NewSessionStore(), &credentials.KeyringError{Op: credentials.OpProbe, Cause: credentials.CauseNoSecretService}
				},
			})
			tap(t, w, w.screens[screenWelcome].(*welcome).connect)
			s := w.screens[screenCredentials].(*credentialsStep)

			if !s.remember.Disabled() {
				t.Error("Remember on this computer is enabled without a keyring")
			}
			if got := s.rememberNote.Text; !strings.Contains(got, want) {
				t.Errorf("note = %q, want it to contain %q", got, want)
			}
		})
	}
}

func TestExistingSetupsContinueRun(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	tap(t, w, w.next)
	tap(t, w, w.next)
	platform.InjectFaults(sim.RouteCreateFlow, sim.Fault{Status: 400, Code: "1410", Message: "invalid flow spec"})
	tap(t, w, w.next)
	if w.state.run.err == nil {
		t.Fatal("the run succeeded despite the failing dataflow call")
	}
	runID := w.state.run.runID

	w.show(screenSetups)
	card := findObject(w.body, func(o fyne.CanvasObject) bool {
		c, ok := o.(*widget.Card)
		return ok && c.Title == runID
	})
	if card == nil {
		t.Fatalf("run %s is not listed: %s", runID, problemText(w.body))
	}
	continueButton := buttonIn(card, "Continue")
	if continueButton == nil {
		t.Fatal("a failed run has no Continue button")
	}
	tap(t, w, continueButton)

	wantScreen(t, w, screenDone)
	summary, err := setup.LoadRun(w.state.journalDir, runID)
	if err != nil {
		t.Fatal(err)
	}
	if summary.Status != setup.RunSucceeded {
		t.Errorf("run status = %q, want %q", summary.Status, setup.RunSucceeded)
	}
	if got := len(platform.Inventory()["dev"].Flows); got != 1 {
		t.Errorf("%d dataflows after continuing, want 1", got)
	}
}

// blockingBackend waits in Connect until the context ends.
type blockingBackend struct{ started chan struct{} }

func (b *blockingBackend) Connect(ctx context.Context, _ aep.Credentials) (Session, error) {
	close(b.started)
	<-ctx.Done()
	return nil, &aep.Error{Op: "Connect", Cause: aep.CauseCanceled, Err: ctx.Err()}
}

// typeCredentials fills the credentials step with valid-looking values.
func typeCredentials(t *testing.T, w *Wizard) *credentialsStep {
	t.Helper()

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	s := w.screens[screenCredentials].(*credentialsStep)
	test.Type(s.clientID, "0123456789abcdef0123456789abcdef")
	test.Type(s.secret, "example-client-secret")
	test.Type(s.orgID, "0123456789ABCDEF01234567@AdobeOrg")
	return s
}

func TestConnectCancel(t *testing.T) {
	useLanguage(t, English)
	backend := &blockingBackend{started: make(chan struct{})}
	w, _, _ := newTestWizard(t, Options{Backend: backend})
	s := typeCredentials(t, w)

	test.Tap(w.next)
	<-backend.started
	if !s.busy.running() {
		t.Fatal("no spinner while connecting")
	}
	if !w.next.Disabled() {
		t.Error("Connect is enabled while connecting")
	}

	test.Tap(s.busy.cancel)
	w.work.wait()

	wantScreen(t, w, screenCredentials)
	if s.busy.running() {
		t.Error("the spinner still runs after Cancel")
	}
	if got := problemText(s.problem); got != "" {
		t.Errorf("problem after Cancel = %q, want none", got)
	}
	if got := s.clientID.Text; got != "0123456789abcdef0123456789abcdef" {
		t.Errorf("client ID after Cancel = %q, want the typed value", got)
	}
	if w.next.Disabled() {
		t.Error("Connect stays disabled after Cancel")
	}
}

func TestCloseCancelsWork(t *testing.T) {
	useLanguage(t, English)
	backend := &blockingBackend{started: make(chan struct{})}
	w, _, _ := newTestWizard(t, Options{Backend: backend})
	typeCredentials(t, w)

	test.Tap(w.next)
	<-backend.started

	// Closing the window ends the call in flight; wait returns only once it has.
	w.Close()
	w.work.wait()
}
