package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func readProject(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "projects", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseProjectOneCredential(t *testing.T) {
	credentials, err := ParseProject(bytes.NewReader(readProject(t, "oauth-one.json")))
	if err != nil {
		t.Fatalf("ParseProject() error = %v", err)
	}
	if len(credentials) != 1 {
		t.Fatalf("ParseProject() returned %d credentials, want 1", len(credentials))
	}

	got := credentials[0]
	if got.OrgID != "ABCDEF0123456789ABCDEF01@AdobeOrg" {
		t.Errorf("OrgID = %q", got.OrgID)
	}
	if got.ClientID != "0123456789abcdef0123456789abcdef" {
		t.Errorf("ClientID = %q", got.ClientID)
	}
	if got.ClientSecret != "p8e-MADE-UP-secret-one" {
		t.Error("ClientSecret differs from client_secrets[0]")
	}
	wantScopes := []string{"openid", "AdobeID", "read_organizations", "additional_info.projectedProductContext", "session"}
	if !slices.Equal(got.Scopes, wantScopes) {
		t.Errorf("Scopes = %q, want %q", got.Scopes, wantScopes)
	}
	if got.ID != "512345" {
		t.Errorf("ID = %q, want %q", got.ID, "512345")
	}
	if got.Name != "OAuth Server-to-Server" {
		t.Errorf("Name = %q", got.Name)
	}
	if got.ProjectTitle != "Customer.io to AEP" {
		t.Errorf("ProjectTitle = %q", got.ProjectTitle)
	}
	if got.WorkspaceName != "Production" {
		t.Errorf("WorkspaceName = %q", got.WorkspaceName)
	}

	profile := got.Profile()
	if profile.Key() != (ProfileKey{OrgID: got.OrgID, ClientID: got.ClientID}) {
		t.Errorf("Profile().Key() = %v", profile.Key())
	}
}

func TestParseProjectSeveralCredentials(t *testing.T) {
	credentials, err := ParseProject(bytes.NewReader(readProject(t, "oauth-several.json")))
	if err != nil {
		t.Fatalf("ParseProject() error = %v", err)
	}

	var clientIDs []string
	for _, credential := range credentials {
		clientIDs = append(clientIDs, credential.ClientID)
		if credential.OrgID != "FEDCBA9876543210FEDCBA98@AdobeOrg" {
			t.Errorf("credential %s OrgID = %q", credential.ID, credential.OrgID)
		}
	}
	want := []string{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccccccccc"}
	if !slices.Equal(clientIDs, want) {
		t.Errorf("client IDs = %q, want %q (the JWT credential skipped)", clientIDs, want)
	}
	if credentials[0].ClientSecret != "p8e-MADE-UP-secret-two" {
		t.Error("ClientSecret of the first credential is not client_secrets[0]")
	}
}

func TestParseProjectJWTOnly(t *testing.T) {
	_, err := ParseProject(bytes.NewReader(readProject(t, "jwt-only.json")))

	projectErr := asProjectError(t, err)
	if projectErr.Cause != ProjectNoOAuthCredential {
		t.Errorf("Cause = %q, want %q", projectErr.Cause, ProjectNoOAuthCredential)
	}
	if !slices.Equal(projectErr.FoundTypes, []string{"service"}) {
		t.Errorf("FoundTypes = %q, want [service]", projectErr.FoundTypes)
	}
	if strings.Contains(err.Error(), "p8e-MADE-UP-jwt-only") {
		t.Error("error text contains the JWT client secret")
	}
}

func TestParseProjectRejects(t *testing.T) {
	const credentialsPath = "project.workspace.details.credentials"
	tests := []struct {
		name      string
		input     string
		wantCause ProjectCause
		wantField string
	}{
		{"not JSON", "client_id=abc", ProjectNotJSON, ""},
		{"empty input", "", ProjectNotJSON, ""},
		{"JSON array", `[]`, ProjectNotJSON, ""},
		{"trailing data", `{"project":{}} {}`, ProjectNotJSON, ""},
		{"no project", `{}`, ProjectMissingField, "project"},
		{"null project", `{"project":null}`, ProjectMissingField, "project"},
		{"no org", `{"project":{"workspace":{}}}`, ProjectMissingField, "project.org.ims_org_id"},
		{"blank org ID", `{"project":{"org":{"ims_org_id":"  "}}}`, ProjectMissingField, "project.org.ims_org_id"},
		{"no workspace", `{"project":{"org":{"ims_org_id":"A@AdobeOrg"}}}`, ProjectMissingField, credentialsPath},
		{"no details", `{"project":{"org":{"ims_org_id":"A@AdobeOrg"},"workspace":{}}}`, ProjectMissingField, credentialsPath},
		{"no credentials", `{"project":{"org":{"ims_org_id":"A@AdobeOrg"},"workspace":{"details":{}}}}`, ProjectMissingField, credentialsPath},
		{
			"empty credentials",
			`{"project":{"org":{"ims_org_id":"A@AdobeOrg"},"workspace":{"details":{"credentials":[]}}}}`,
			ProjectNoOAuthCredential, "",
		},
		{
			"no oauth object",
			withCredential(`{"integration_type":"oauth_server_to_server"}`),
			ProjectMissingField, credentialsPath + "[0].oauth_server_to_server",
		},
		{
			"no client ID",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_secrets":["s"],"scopes":["openid"]}}`),
			ProjectMissingField, credentialsPath + "[0].oauth_server_to_server.client_id",
		},
		{
			"empty client secrets",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":[],"scopes":["openid"]}}`),
			ProjectMissingField, credentialsPath + "[0].oauth_server_to_server.client_secrets[0]",
		},
		{
			"blank client secret",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":[" "],"scopes":["openid"]}}`),
			ProjectMissingField, credentialsPath + "[0].oauth_server_to_server.client_secrets[0]",
		},
		{
			"no scopes",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":["s"]}}`),
			ProjectMissingField, credentialsPath + "[0].oauth_server_to_server.scopes",
		},
		{
			"scopes as string",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":["s"],"scopes":"openid"}}`),
			ProjectInvalidField, credentialsPath + ".oauth_server_to_server.scopes",
		},
		{
			"secret as number",
			withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":[12345678],"scopes":["openid"]}}`),
			ProjectInvalidField, credentialsPath + ".oauth_server_to_server.client_secrets",
		},
	}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			credentials, err := ParseProject(strings.NewReader(test.input))

			if credentials != nil {
				t.Errorf("ParseProject() credentials = %v, want nil", credentials)
			}
			projectErr := asProjectError(t, err)
			if projectErr.Cause != test.wantCause {
				t.Errorf("Cause = %q, want %q", projectErr.Cause, test.wantCause)
			}
			if projectErr.Field != test.wantField {
				t.Errorf("Field = %q, want %q", projectErr.Field, test.wantField)
			}
			if test.wantField != "" && !strings.Contains(err.Error(), test.wantField) {
				t.Errorf("Error() = %q does not name the field", err.Error())
			}
		})
	}
}

func TestParseProjectErrorHidesNumericSecret(t *testing.T) {
	input := withCredential(`{"integration_type":"oauth_server_to_server","oauth_server_to_server":{"client_id":"c","client_secrets":[987654321],"scopes":["openid"]}}`)

	_, err := ParseProject(strings.NewReader(input))
	if err == nil {
		t.Fatal("ParseProject() error = nil, want invalid field")
	}
	if strings.Contains(err.Error(), "987654321") {
		t.Errorf("Error() = %q quotes the secret value", err.Error())
	}
}

func TestParseProjectTooLarge(t *testing.T) {
	// Valid JSON padded with spaces past the limit, so only the size rejects it.
	input := string(readProject(t, "oauth-one.json")) + strings.Repeat(" ", MaxProjectFileSize)

	_, err := ParseProject(strings.NewReader(input))

	projectErr := asProjectError(t, err)
	if projectErr.Cause != ProjectTooLarge {
		t.Errorf("Cause = %q, want %q", projectErr.Cause, ProjectTooLarge)
	}
	if projectErr.Size != MaxProjectFileSize+1 {
		t.Errorf("Size = %d, want %d", projectErr.Size, MaxProjectFileSize+1)
	}
}

func TestParseProjectAtSizeLimit(t *testing.T) {
	project := readProject(t, "oauth-one.json")
	input := string(project) + strings.Repeat(" ", MaxProjectFileSize-len(project))

	if _, err := ParseProject(strings.NewReader(input)); err != nil {
		t.Errorf("ParseProject() error = %v for exactly %d bytes, want nil", err, MaxProjectFileSize)
	}
}

func TestParseProjectReadFailure(t *testing.T) {
	readErr := errors.New("disk unplugged")

	_, err := ParseProject(iotest.ErrReader(readErr))

	projectErr := asProjectError(t, err)
	if projectErr.Cause != ProjectReadFailed {
		t.Errorf("Cause = %q, want %q", projectErr.Cause, ProjectReadFailed)
	}
	if !errors.Is(err, readErr) {
		t.Error("errors.Is(err, readErr) = false, want true")
	}
}

func TestParseProjectTrimsValues(t *testing.T) {
	input := `{"project":{"org":{"ims_org_id":" A@AdobeOrg\n"},"workspace":{"details":{"credentials":[
		{"integration_type":"oauth_server_to_server","oauth_server_to_server":
		{"client_id":" c ","client_secrets":[" s "],"scopes":[" openid ",""," session"]}}]}}}}`

	credentials, err := ParseProject(strings.NewReader(input))
	if err != nil {
		t.Fatalf("ParseProject() error = %v", err)
	}
	got := credentials[0]
	if got.OrgID != "A@AdobeOrg" {
		t.Errorf("OrgID = %q, want trimmed", got.OrgID)
	}
	if got.ClientID != "c" {
		t.Errorf("ClientID = %q, want trimmed", got.ClientID)
	}
	if got.ClientSecret != "s" {
		t.Error("ClientSecret is not trimmed")
	}
	if !slices.Equal(got.Scopes, []string{"openid", "session"}) {
		t.Errorf("Scopes = %q, want [openid session]", got.Scopes)
	}
}

func TestConsoleCredentialFormattingHidesSecret(t *testing.T) {
	credentials, err := ParseProject(bytes.NewReader(readProject(t, "oauth-one.json")))
	if err != nil {
		t.Fatalf("ParseProject() error = %v", err)
	}
	logger, logs := newTestLogger()
	logger.Info("imported", "credential", credentials[0])

	for name, output := range map[string]string{
		"%v":   fmt.Sprintf("%v", credentials[0]),
		"%#v":  fmt.Sprintf("%#v", credentials[0]),
		"slog": logs.String(),
	} {
		if strings.Contains(output, "p8e-MADE-UP-secret-one") {
			t.Errorf("%s output contains the client secret: %s", name, output)
		}
	}
}

// FuzzParseProject checks that ParseProject never panics and that it returns
// either complete credentials or a *ProjectError. The seed corpus in
// testdata/fuzz/FuzzParseProject holds the sample projects and broken files.
func FuzzParseProject(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		credentials, err := ParseProject(bytes.NewReader(data))

		if err != nil {
			var projectErr *ProjectError
			if !errors.As(err, &projectErr) {
				t.Fatalf("error %T is not a *ProjectError: %v", err, err)
			}
			if credentials != nil {
				t.Fatalf("credentials %v returned with error %v", credentials, err)
			}
			return
		}

		if len(credentials) == 0 {
			t.Fatal("no credentials and no error")
		}
		for i, credential := range credentials {
			if credential.OrgID == "" || credential.ClientID == "" || credential.ClientSecret == "" || len(credential.Scopes) == 0 {
				t.Fatalf("credential %d is incomplete: %v", i, credential)
			}
		}
	})
}

func withCredential(credential string) string {
	return `{"project":{"org":{"ims_org_id":"A@AdobeOrg"},"workspace":{"details":{"credentials":[` + credential + `]}}}}`
}

func asProjectError(t *testing.T, err error) *ProjectError {
	t.Helper()
	var projectErr *ProjectError
	if !errors.As(err, &projectErr) {
		t.Fatalf("error = %v (%T), want *ProjectError", err, err)
	}
	return projectErr
}
