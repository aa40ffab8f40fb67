package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cioaep/setup/flows/aep"
)

// openCredentials opens the credentials step of a wizard on the fake backend.
func openCredentials(t *testing.T, backend *fakeBackend) (*Wizard, *credentialsStep) {
	t.Helper()

	w, _, _ := newTestWizard(t, Options{Backend: backend})
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	return w, w.screens[screenCredentials].(*credentialsStep)
}

func TestClientIDLengthChecked(t *testing.T) {
	useLanguage(t, English)
	w, s := openCredentials(t, newFakeBackend())
	test.Type(s.secret, "example-client-secret")
	test.Type(s.orgID, "0123456789ABCDEF01234567@AdobeOrg")

	test.Type(s.clientID, "abc")
	if !w.next.Disabled() {
		t.Error("Connect is enabled with a 3-character client ID")
	}
	if !s.checks.Visible() || !strings.Contains(s.checks.Text, "has 3 characters") {
		t.Errorf("checks = %q (shown %v), want the length named", s.checks.Text, s.checks.Visible())
	}

	s.clientID.SetText("0123456789abcdef0123456789abcdef")
	if w.next.Disabled() {
		t.Error("Connect is disabled with a 32-character client ID")
	}
	if s.checks.Visible() {
		t.Errorf("checks still shown for a valid client ID: %q", s.checks.Text)
	}
}

func TestConnectDisabledSaysWhy(t *testing.T) {
	for code, want := range map[string]string{
		English: "To connect, fill in: Client ID, Client secret, Organization ID.",
		Spanish: "Para conectar, rellene: ID de cliente, Secreto de cliente, ID de organización.",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, s := openCredentials(t, newFakeBackend())

			if !w.next.Disabled() {
				t.Fatal("Connect is enabled on an empty form")
			}
			if !s.missing.Visible() || s.missing.Text != want {
				t.Errorf("missing note = %q (shown %v), want %q", s.missing.Text, s.missing.Visible(), want)
			}

			test.Type(s.clientID, "0123456789abcdef0123456789abcdef")
			test.Type(s.secret, "example-client-secret")
			test.Type(s.orgID, "0123456789ABCDEF01234567@AdobeOrg")
			if s.missing.Visible() {
				t.Errorf("missing note still shown with every field filled in: %q", s.missing.Text)
			}
		})
	}
}

func TestInvalidClientNamesField(t *testing.T) {
	tests := []struct {
		language, message, want string
	}{
		{English, "invalid client_id parameter", "Adobe did not accept the client ID."},
		{English, "invalid client_secret parameter", "Adobe did not accept the client secret."},
		{English, "", "Adobe did not accept the client ID or the client secret."},
		{English, "client authentication failed", "Adobe did not accept the client ID or the client secret."},
		{Spanish, "invalid client_id parameter", "Adobe no aceptó el ID de cliente."},
		{Spanish, "invalid client_secret parameter", "Adobe no aceptó el secreto de cliente."},
	}
	for _, tt := range tests {
		t.Run(tt.language+" "+tt.message, func(t *testing.T) {
			useLanguage(t, tt.language)
			err := &aep.Error{Op: "Connect", Cause: aep.CauseInvalidClient, Status: 400, Code: "invalid_client", Message: tt.message}

			if got := explain(err).What; got != tt.want {
				t.Errorf("problem = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConnectProblemClearedOnEdit(t *testing.T) {
	useLanguage(t, English)
	backend := newFakeBackend()
	w, s := openCredentials(t, backend)
	test.Type(s.clientID, "0123456789abcdef0123456789abcdef")
	test.Type(s.secret, "example-client-secret")
	test.Type(s.orgID, "0123456789ABCDEF01234567@AdobeOrg")

	backend.setConnectErr(&aep.Error{Op: "Connect", Cause: aep.CauseInvalidClient, Status: 400, Message: "invalid client_id parameter"})
	tap(t, w, w.next)
	wantScreen(t, w, screenCredentials)
	if got := problemText(s.problem); !strings.Contains(got, "client ID") {
		t.Fatalf("problem = %q, want the rejected client ID named", got)
	}

	s.clientID.SetText("fedcba9876543210fedcba9876543210")
	if got := problemText(s.problem); got != "" {
		t.Errorf("problem after editing the client ID = %q, want none", got)
	}
}

func TestImportNotJSONNamesFile(t *testing.T) {
	for code, want := range map[string]string{
		English: "“notes.txt” is not a Developer Console project file",
		Spanish: "«notes.txt» no es un archivo de proyecto de Developer Console",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			_, s := openCredentials(t, newFakeBackend())

			s.importProject("notes.txt", strings.NewReader("client id: 1234"))

			if got := problemText(s.problem); !strings.Contains(got, want) {
				t.Errorf("problem = %q, want it to contain %q", got, want)
			}
		})
	}
}

func TestImportJWTNamesCredentialType(t *testing.T) {
	for code, want := range map[string]string{
		English: "(credential types found: JWT (Service Account))",
		Spanish: "(tipos de credencial encontrados: JWT (cuenta de servicio))",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			_, s := openCredentials(t, newFakeBackend())

			jwt := `{"project":{"org":{"ims_org_id":"0123456789ABCDEF01234567@AdobeOrg"},"workspace":{"details":{"credentials":[
				{"id":"1","name":"Old","integration_type":"service","jwt":{"client_id":"x"}}]}}}}`
			s.importProject("jwt-project.json", strings.NewReader(jwt))

			if got := problemText(s.problem); !strings.Contains(got, want) {
				t.Errorf("problem = %q, want it to contain %q", got, want)
			}
		})
	}
}
