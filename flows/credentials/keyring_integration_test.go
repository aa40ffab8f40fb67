//go:build integration

package credentials

import (
	"errors"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// integrationService keeps the test's entries apart from the app's own.
const integrationService = AppID + ".integration-test"

// TestKeyringIntegration stores, reads back and deletes secrets in the real
// OS keyring. Without a usable keyring it skips, except under CI=true, where
// the keyring is part of the test setup and its absence is a failure.
func TestKeyringIntegration(t *testing.T) {
	prefs := newMemoryPreferences()
	logger, logs := newTestLogger()

	store, keyringErr := Open(prefs, Options{Service: integrationService, Logger: logger})
	if keyringErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("OS keyring unavailable under CI=true (cause %s, remedy %s): %v", keyringErr.Cause, keyringErr.Remedy(), keyringErr)
		}
		t.Skipf("OS keyring unavailable (cause %s, remedy %s): %v", keyringErr.Cause, keyringErr.Remedy(), keyringErr)
	}
	t.Cleanup(func() {
		if err := keyring.DeleteAll(integrationService); err != nil {
			t.Logf("cleaning up keyring service %s: %v", integrationService, err)
		}
	})

	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	_, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if secrets != testSecrets {
		t.Error("LoadProfile() secrets differ from the saved ones")
	}

	account := testProfile.Key().String() + "/" + accountClientSecret
	stored, err := keyring.Get(integrationService, account)
	if err != nil {
		t.Fatalf("keyring.Get(%s) error = %v", account, err)
	}
	if stored != testSecrets.ClientSecret {
		t.Error("keyring entry differs from the saved client secret")
	}

	if err := store.Forget(testProfile.Key()); err != nil {
		t.Fatalf("Forget() error = %v", err)
	}
	for _, suffix := range []string{accountClientSecret, accountAppAPIKey} {
		account := testProfile.Key().String() + "/" + suffix
		if _, err := keyring.Get(integrationService, account); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("keyring entry %s kept after Forget: Get() error = %v", suffix, err)
		}
	}

	if keys := prefs.keys(); len(keys) != 0 {
		t.Errorf("preferences keys left after Forget: %q", keys)
	}
	if t.Failed() {
		t.Logf("store log:\n%s", logs.String())
	}
}
