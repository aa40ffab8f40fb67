package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// MaxProjectFileSize is the largest Developer Console project file
// ParseProject reads, in bytes. Real files are a few kilobytes.
const MaxProjectFileSize = 1 << 20

// integrationOAuthServerToServer is the integration_type of an OAuth
// Server-to-Server credential in a Developer Console project file.
const integrationOAuthServerToServer = "oauth_server_to_server"

// ConsoleCredential is one OAuth Server-to-Server credential found in a
// Developer Console project file.
type ConsoleCredential struct {
	// ID and Name identify the credential in the Developer Console.
	ID   string
	Name string
	// ProjectTitle and WorkspaceName help the user choose among credentials.
	ProjectTitle  string
	WorkspaceName string

	OrgID        string
	ClientID     string
	ClientSecret string
	Scopes       []string
}

// Profile returns the non-secret part of the credential as a Profile.
func (c ConsoleCredential) Profile() Profile {
	return Profile{ClientID: c.ClientID, OrgID: c.OrgID, Scopes: c.Scopes}
}

// String hides the client secret, so printing a credential leaks nothing.
func (c ConsoleCredential) String() string {
	return fmt.Sprintf("ConsoleCredential{ID: %q, Name: %q, OrgID: %q, ClientID: %q, ClientSecret: %s, Scopes: %q}",
		c.ID, c.Name, c.OrgID, c.ClientID, presence(c.ClientSecret), c.Scopes)
}

// GoString hides the client secret from the %#v verb.
func (c ConsoleCredential) GoString() string {
	return c.String()
}

// LogValue hides the client secret from log/slog.
func (c ConsoleCredential) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", c.ID),
		slog.String("name", c.Name),
		slog.String("org_id", c.OrgID),
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", presence(c.ClientSecret)),
	)
}

// ProjectCause is the machine-readable reason a project file was rejected.
type ProjectCause string

// Causes of ProjectError.
const (
	// ProjectTooLarge means the file is larger than MaxProjectFileSize.
	ProjectTooLarge ProjectCause = "too-large"
	// ProjectNotJSON means the file is not a JSON object.
	ProjectNotJSON ProjectCause = "not-json"
	// ProjectInvalidField means a field has the wrong JSON type. Field names it.
	ProjectInvalidField ProjectCause = "invalid-field"
	// ProjectMissingField means a required field is missing or empty. Field
	// names it.
	ProjectMissingField ProjectCause = "missing-field"
	// ProjectNoOAuthCredential means the project has no OAuth Server-to-Server
	// credential. FoundTypes lists the integration types it has, such as
	// "service" for a JWT credential. The user adds an OAuth
	// Server-to-Server credential to the project in the Developer Console
	// and downloads the file again.
	ProjectNoOAuthCredential ProjectCause = "no-oauth-server-to-server"
	// ProjectReadFailed means reading the file failed. Err contains the cause.
	ProjectReadFailed ProjectCause = "read-failed"
)

// ProjectError rejects a Developer Console project file. It never contains a
// secret value.
type ProjectError struct {
	Cause ProjectCause
	// Field is the JSON path of the missing or invalid field, such as
	// "project.workspace.details.credentials[0].oauth_server_to_server.client_id".
	Field string
	// FoundTypes lists the integration_type of every credential in the file,
	// set for ProjectNoOAuthCredential.
	FoundTypes []string
	// Size is the number of bytes read, set for ProjectTooLarge (then it is
	// MaxProjectFileSize+1, because reading stops there).
	Size int
	// Err is the underlying syntax or read error, if any.
	Err error
}

// Error describes the problem for logs.
func (e *ProjectError) Error() string {
	switch e.Cause {
	case ProjectTooLarge:
		return fmt.Sprintf("credentials: Developer Console file is larger than %d bytes", MaxProjectFileSize)
	case ProjectMissingField:
		return fmt.Sprintf("credentials: Developer Console file is missing %s", e.Field)
	case ProjectInvalidField:
		return fmt.Sprintf("credentials: Developer Console file has a value of the wrong type in %s", e.Field)
	case ProjectNoOAuthCredential:
		return fmt.Sprintf("credentials: Developer Console project has no OAuth Server-to-Server credential (found types: %q)", e.FoundTypes)
	default:
		return fmt.Sprintf("credentials: Developer Console file rejected (%s): %v", e.Cause, e.Err)
	}
}

// Unwrap returns the underlying decode or read error.
func (e *ProjectError) Unwrap() error {
	return e.Err
}

// consoleProject is the part of the Developer Console project file
// ParseProject reads. Other fields are ignored.
type consoleProject struct {
	Project *struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Title string `json:"title"`
		Org   *struct {
			IMSOrgID string `json:"ims_org_id"`
		} `json:"org"`
		Workspace *struct {
			Name    string `json:"name"`
			Details *struct {
				Credentials []consoleCredential `json:"credentials"`
			} `json:"details"`
		} `json:"workspace"`
	} `json:"project"`
}

type consoleCredential struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	IntegrationType     string `json:"integration_type"`
	OAuthServerToServer *struct {
		ClientID      string   `json:"client_id"`
		ClientSecrets []string `json:"client_secrets"`
		Scopes        []string `json:"scopes"`
	} `json:"oauth_server_to_server"`
}

// ParseProject reads a project file downloaded from the Adobe Developer
// Console and returns every OAuth Server-to-Server credential in it, in file
// order. It reads at most MaxProjectFileSize+1 bytes. Every error is a
// *ProjectError. A file with only JWT ("service") or other credentials gets
// ProjectNoOAuthCredential, and a missing field gets ProjectMissingField with
// the field's path.
func ParseProject(r io.Reader) ([]ConsoleCredential, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxProjectFileSize+1))
	if err != nil {
		return nil, &ProjectError{Cause: ProjectReadFailed, Err: err}
	}
	if len(data) > MaxProjectFileSize {
		return nil, &ProjectError{Cause: ProjectTooLarge, Size: len(data)}
	}

	var file consoleProject
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, decodeError(err)
	}

	project := file.Project
	if project == nil {
		return nil, missing("project")
	}
	if project.Org == nil || strings.TrimSpace(project.Org.IMSOrgID) == "" {
		return nil, missing("project.org.ims_org_id")
	}
	if project.Workspace == nil || project.Workspace.Details == nil || project.Workspace.Details.Credentials == nil {
		return nil, missing("project.workspace.details.credentials")
	}

	credentials, foundTypes, err := oauthCredentials(project.Workspace.Details.Credentials)
	if err != nil {
		return nil, err
	}
	if len(credentials) == 0 {
		return nil, &ProjectError{Cause: ProjectNoOAuthCredential, FoundTypes: foundTypes}
	}

	for i := range credentials {
		credentials[i].OrgID = strings.TrimSpace(project.Org.IMSOrgID)
		credentials[i].ProjectTitle = strings.TrimSpace(project.Title)
		credentials[i].WorkspaceName = strings.TrimSpace(project.Workspace.Name)
	}
	return credentials, nil
}

// oauthCredentials returns the OAuth Server-to-Server credentials and the
// integration types of all credentials.
func oauthCredentials(entries []consoleCredential) ([]ConsoleCredential, []string, error) {
	var credentials []ConsoleCredential
	foundTypes := make([]string, 0, len(entries))

	for i, entry := range entries {
		foundTypes = append(foundTypes, entry.IntegrationType)
		if entry.IntegrationType != integrationOAuthServerToServer {
			continue
		}

		path := fmt.Sprintf("project.workspace.details.credentials[%d].oauth_server_to_server", i)
		oauth := entry.OAuthServerToServer
		if oauth == nil {
			return nil, nil, missing(path)
		}
		if strings.TrimSpace(oauth.ClientID) == "" {
			return nil, nil, missing(path + ".client_id")
		}
		if len(oauth.ClientSecrets) == 0 || strings.TrimSpace(oauth.ClientSecrets[0]) == "" {
			return nil, nil, missing(path + ".client_secrets[0]")
		}

		scopes := trimmedNonEmpty(oauth.Scopes)
		if len(scopes) == 0 {
			return nil, nil, missing(path + ".scopes")
		}

		credentials = append(credentials, ConsoleCredential{
			ID:           strings.TrimSpace(entry.ID),
			Name:         strings.TrimSpace(entry.Name),
			ClientID:     strings.TrimSpace(oauth.ClientID),
			ClientSecret: strings.TrimSpace(oauth.ClientSecrets[0]),
			Scopes:       scopes,
		})
	}
	return credentials, foundTypes, nil
}

// decodeError turns a json.Unmarshal error into a ProjectError. A type
// mismatch names the field, without array indexes because encoding/json does
// not report them. The type error itself is dropped because its text can
// quote the value, which may be a secret.
func decodeError(err error) *ProjectError {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return &ProjectError{Cause: ProjectInvalidField, Field: typeErr.Field}
	}
	return &ProjectError{Cause: ProjectNotJSON, Err: err}
}

func missing(field string) *ProjectError {
	return &ProjectError{Cause: ProjectMissingField, Field: field}
}

func trimmedNonEmpty(values []string) []string {
	var result []string
	for _, value := range values {
		if value = strings.TrimSpace(value); value != "" {
			result = append(result, value)
		}
	}
	return result
}
