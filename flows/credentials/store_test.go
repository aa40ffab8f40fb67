package credentials

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSecretsFormattingHidesValues(t *testing.T) {
	logger, logs := newTestLogger()
	logger.Info("secrets", "secrets", testSecrets)

	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", testSecrets),
		"%+v":  fmt.Sprintf("%+v", testSecrets),
		"%#v":  fmt.Sprintf("%#v", testSecrets),
		"slog": logs.String(),
	}
	for verb, output := range outputs {
		if strings.Contains(output, testSecrets.ClientSecret) || strings.Contains(output, testSecrets.AppAPIKey) {
			t.Errorf("%s output contains a secret: %s", verb, output)
		}
		if !strings.Contains(output, "[redacted]") {
			t.Errorf("%s output does not say the secret is redacted: %s", verb, output)
		}
	}
}

func TestSessionStore(t *testing.T) {
	store := NewSessionStore()
	if store.Persistent() {
		t.Error("Persistent() = true, want false")
	}

	if err := store.SaveProfile(testProfile, Secrets{ClientSecret: testSecrets.ClientSecret}); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	if err := store.SetLastSandbox(testProfile.Key(), "prod"); err != nil {
		t.Fatalf("SetLastSandbox() error = %v", err)
	}
	if err := store.SetCustomerIO(testProfile.Key(), "eu", testSecrets.AppAPIKey); err != nil {
		t.Fatalf("SetCustomerIO() error = %v", err)
	}

	profile, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if profile.LastSandbox != "prod" {
		t.Errorf("LastSandbox = %q, want %q", profile.LastSandbox, "prod")
	}
	if profile.CIORegion != "eu" {
		t.Errorf("CIORegion = %q, want %q", profile.CIORegion, "eu")
	}
	if secrets != testSecrets {
		t.Error("secrets differ from the saved ones")
	}

	if err := store.Forget(testProfile.Key()); err != nil {
		t.Fatalf("Forget() error = %v", err)
	}
	if _, _, err := store.LoadProfile(testProfile.Key()); !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("LoadProfile() after Forget error = %v, want ErrProfileNotFound", err)
	}
	if profiles := store.Profiles(); len(profiles) != 0 {
		t.Errorf("Profiles() after Forget = %v, want none", profiles)
	}
}

func TestSessionStoreOrderAndCopies(t *testing.T) {
	store := NewSessionStore()
	first := Profile{OrgID: "A@AdobeOrg", ClientID: "first", Scopes: []string{"openid"}}
	second := Profile{OrgID: "A@AdobeOrg", ClientID: "second"}

	for _, profile := range []Profile{first, second, first} {
		if err := store.SaveProfile(profile, Secrets{}); err != nil {
			t.Fatalf("SaveProfile(%s) error = %v", profile.ClientID, err)
		}
	}
	first.Scopes[0] = "changed-by-caller"

	profiles := store.Profiles()
	var clientIDs []string
	for _, profile := range profiles {
		clientIDs = append(clientIDs, profile.ClientID)
	}
	if want := []string{"first", "second"}; !slices.Equal(clientIDs, want) {
		t.Errorf("Profiles() client IDs = %q, want %q", clientIDs, want)
	}
	if profiles[0].Scopes[0] != "openid" {
		t.Errorf("stored Scopes changed through the caller's slice: %q", profiles[0].Scopes)
	}
}

func TestSessionStoreRejectsInvalidKey(t *testing.T) {
	store := NewSessionStore()

	var invalid *InvalidProfileError
	if err := store.SaveProfile(Profile{ClientID: "abc"}, Secrets{}); !errors.As(err, &invalid) {
		t.Errorf("SaveProfile() error = %v, want *InvalidProfileError", err)
	}
}

func TestIsWSLKernel(t *testing.T) {
	tests := []struct {
		name    string
		version string
		want    bool
	}{
		{"WSL 1", "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0) #1237-Microsoft", true},
		{"WSL 2", "Linux version 5.15.153.1-microsoft-standard-WSL2 (root@941d701f84f1) (gcc (GCC) 12.2.0)", true},
		{"Debian", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0)", false},
	}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "version")
			if err := os.WriteFile(path, []byte(test.version), 0o600); err != nil {
				t.Fatal(err)
			}

			if got := isWSLKernel(path); got != test.want {
				t.Errorf("isWSLKernel() = %v, want %v", got, test.want)
			}
		})
	}
}

func TestIsWSLKernelMissingFile(t *testing.T) {
	if isWSLKernel(filepath.Join(t.TempDir(), "missing")) {
		t.Error("isWSLKernel() = true for a missing file, want false")
	}
}
