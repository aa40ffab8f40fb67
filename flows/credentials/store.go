// Package credentials stores Adobe and Customer.io credentials between runs
// and imports OAuth Server-to-Server credentials from a project file
// downloaded from the Adobe Developer Console.
//
// Secrets (the Adobe client secret and the Customer.io App API key) go to the
// operating system keyring through go-keyring. Everything else about a
// profile goes to the app Preferences. When the keyring is unusable, Open
// returns a SessionStore that keeps everything in memory, together with the
// classified reason. Access tokens are never stored: the caller mints a new
// one from the client secret on each run.
package credentials

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// AppID is the app's reverse-DNS ID, used as the keyring service name.
const AppID = "io.github.cioaep.setup"

// Preferences is the part of fyne.Preferences the store uses, so this package
// needs no Fyne import.
type Preferences interface {
	String(key string) string
	SetString(key string, value string)
	StringList(key string) []string
	SetStringList(key string, value []string)
	RemoveValue(key string)
}

// ProfileKey identifies a profile: one Developer Console credential in one
// Adobe organization.
type ProfileKey struct {
	OrgID    string
	ClientID string
}

// String returns the key as "<org ID>/<client ID>". It is not secret.
func (k ProfileKey) String() string {
	return k.OrgID + "/" + k.ClientID
}

// validate rejects keys that could collide once joined by String.
func (k ProfileKey) validate() error {
	if k.OrgID == "" || strings.Contains(k.OrgID, "/") {
		return &InvalidProfileError{Field: "OrgID"}
	}
	if k.ClientID == "" || strings.Contains(k.ClientID, "/") {
		return &InvalidProfileError{Field: "ClientID"}
	}
	return nil
}

// Profile contains the non-secret settings of one saved credential.
type Profile struct {
	ClientID string   `json:"clientId"`
	OrgID    string   `json:"orgId"`
	Scopes   []string `json:"scopes,omitempty"`
	// LastSandbox is the name of the sandbox chosen last time, such as "prod".
	LastSandbox string `json:"lastSandbox,omitempty"`
	// CIORegion is the Customer.io account region, "us" or "eu", or empty
	// before the user has chosen one.
	CIORegion string `json:"customerIoRegion,omitempty"`
}

// Key returns the key that identifies the profile.
func (p Profile) Key() ProfileKey {
	return ProfileKey{OrgID: p.OrgID, ClientID: p.ClientID}
}

// Secrets contains the secret values of a profile. An empty field means the
// secret is not known.
type Secrets struct {
	// ClientSecret is the Adobe OAuth Server-to-Server client secret.
	ClientSecret string
	// AppAPIKey is the Customer.io App API key.
	AppAPIKey string
}

// String hides the secret values, so printing Secrets by mistake leaks nothing.
func (s Secrets) String() string {
	return fmt.Sprintf("Secrets{ClientSecret: %s, AppAPIKey: %s}", presence(s.ClientSecret), presence(s.AppAPIKey))
}

// GoString hides the secret values from the %#v verb.
func (s Secrets) GoString() string {
	return s.String()
}

// LogValue hides the secret values from log/slog.
func (s Secrets) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_secret", presence(s.ClientSecret)),
		slog.String("app_api_key", presence(s.AppAPIKey)),
	)
}

// presence returns a placeholder saying whether a secret is set.
func presence(secret string) string {
	if secret == "" {
		return "[empty]"
	}
	return "[redacted]"
}

// Store keeps credential profiles. KeyringStore persists them, and
// SessionStore drops them when the app quits. Implementations are safe for
// concurrent use.
type Store interface {
	// Persistent reports whether saved profiles survive a restart.
	Persistent() bool

	// SaveProfile stores the profile and its secrets, replacing a profile
	// with the same key, and makes it the first in Profiles. An empty secret
	// leaves the stored one unchanged.
	SaveProfile(profile Profile, secrets Secrets) error

	// LoadProfile returns a profile and its secrets. A secret that is not
	// stored comes back empty. It returns ErrProfileNotFound for an unknown key.
	LoadProfile(key ProfileKey) (Profile, Secrets, error)

	// Profiles returns the saved profiles, the most recently saved first.
	Profiles() []Profile

	// SetLastSandbox records the sandbox chosen for a profile.
	SetLastSandbox(key ProfileKey, sandbox string) error

	// SetCustomerIO records the Customer.io region of a profile and, when
	// appAPIKey is not empty, its App API key.
	SetCustomerIO(key ProfileKey, region string, appAPIKey string) error

	// Forget removes a profile and its secrets. Forgetting an unknown key is
	// not an error.
	Forget(key ProfileKey) error
}

// ErrProfileNotFound is returned for a profile key that is not stored.
var ErrProfileNotFound = errors.New("credentials: profile not found")

// InvalidProfileError rejects a profile whose key field is empty or contains
// a slash, which would make two keys collide.
type InvalidProfileError struct {
	// Field is the Go field name: "OrgID" or "ClientID".
	Field string
}

// Error names the invalid field.
func (e *InvalidProfileError) Error() string {
	return fmt.Sprintf("credentials: profile field %s is empty or contains '/'", e.Field)
}
