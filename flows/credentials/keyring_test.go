package credentials

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func newMockKeyringStore(t *testing.T) (*KeyringStore, *memoryPreferences, *logBuffer) {
	t.Helper()
	keyring.MockInit()
	prefs := newMemoryPreferences()
	logger, logs := newTestLogger()
	return NewKeyringStore(prefs, Options{Logger: logger}), prefs, logs
}

// stubWSL makes runningOnWSL return onWSL for the rest of the test.
func stubWSL(t *testing.T, onWSL bool) {
	t.Helper()
	original := runningOnWSL
	runningOnWSL = func() bool { return onWSL }
	t.Cleanup(func() { runningOnWSL = original })
}

func TestOpenWithWorkingKeyring(t *testing.T) {
	keyring.MockInit()

	store, err := Open(newMemoryPreferences(), Options{})
	if err != nil {
		t.Fatalf("Open() error = %v, want nil", err)
	}
	if _, ok := store.(*KeyringStore); !ok {
		t.Fatalf("Open() store = %T, want *KeyringStore", store)
	}
	if !store.Persistent() {
		t.Error("Persistent() = false, want true")
	}
	if _, getErr := keyring.Get(AppID, probeAccount); !errors.Is(getErr, keyring.ErrNotFound) {
		t.Errorf("probe entry left in keyring: Get() error = %v, want ErrNotFound", getErr)
	}
}

func TestOpenClassifiesKeyringFailures(t *testing.T) {
	dbusLaunch := &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}
	noProvider := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	locked := fmt.Errorf("failed to unlock correct collection '%v'", "/org/freedesktop/secrets/aliases/default")
	unknown := errors.New("org.freedesktop.DBus.Error.NoReply: did not receive a reply")

	tests := []struct {
		name       string
		err        error
		onWSL      bool
		wantCause  Cause
		wantRemedy Remedy
	}{
		{"no dbus-launch", dbusLaunch, false, CauseNoDBusSession, RemedyStartDBusSession},
		{"dbus-launch as text", errors.New(`exec: "dbus-launch": executable file not found in $PATH`), false, CauseNoDBusSession, RemedyStartDBusSession},
		{"no session bus address", errors.New("dbus: couldn't determine address of session bus"), false, CauseNoDBusSession, RemedyStartDBusSession},
		{"no secret service", noProvider, false, CauseNoSecretService, RemedyInstallSecretService},
		{"locked collection", locked, false, CauseLocked, RemedyUnlockKeyring},
		{"data too big", keyring.ErrSetDataTooBig, false, CauseDataTooBig, RemedyCheckSecretValue},
		{"unknown error on WSL", unknown, true, CauseWSL, RemedyUseWindowsBuild},
		{"no dbus-launch on WSL", dbusLaunch, true, CauseNoDBusSession, RemedyStartDBusSession},
		{"unknown error", unknown, false, CauseOther, RemedyContinueSessionOnly},
	}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			stubWSL(t, test.onWSL)
			keyring.MockInitWithError(test.err)

			store, err := Open(newMemoryPreferences(), Options{})
			if err == nil {
				t.Fatal("Open() error = nil, want a *KeyringError")
			}
			if _, ok := store.(*SessionStore); !ok {
				t.Errorf("Open() store = %T, want *SessionStore", store)
			}
			if err.Cause != test.wantCause {
				t.Errorf("Cause = %q, want %q", err.Cause, test.wantCause)
			}
			if err.Remedy() != test.wantRemedy {
				t.Errorf("Remedy() = %q, want %q", err.Remedy(), test.wantRemedy)
			}
			if err.Op != OpProbe {
				t.Errorf("Op = %q, want %q", err.Op, OpProbe)
			}
			if !errors.Is(err, test.err) {
				t.Errorf("errors.Is(err, %v) = false, want true", test.err)
			}
		})
	}
}

func TestOpenLogsLockedKeyringOnce(t *testing.T) {
	keyring.MockInitWithError(fmt.Errorf("failed to unlock correct collection '%v'", "/org/freedesktop/secrets/aliases/default"))
	logger, logs := newTestLogger()

	if _, err := Open(newMemoryPreferences(), Options{Logger: logger}); err == nil {
		t.Fatal("Open() error = nil, want a *KeyringError")
	}

	var problems []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			problems = append(problems, line)
		}
	}
	if len(problems) != 1 {
		t.Fatalf("got %d WARN or ERROR records, want 1:\n%s", len(problems), logs.String())
	}
	if !strings.Contains(problems[0], "cause="+string(CauseLocked)) {
		t.Errorf("record does not name the cause %s: %s", CauseLocked, problems[0])
	}
}

func TestOpenProbeReadBackMismatch(t *testing.T) {
	keyring.MockInit()
	prefs := newMemoryPreferences()
	store := NewKeyringStore(prefs, Options{})
	store.backend = &recordingBackend{corrupt: true}

	err := store.probe()
	if err == nil {
		t.Fatal("probe() error = nil, want read-back mismatch")
	}
	if err.Cause != CauseReadBackMismatch {
		t.Errorf("Cause = %q, want %q", err.Cause, CauseReadBackMismatch)
	}
	if _, getErr := keyring.Get(AppID, probeAccount); !errors.Is(getErr, keyring.ErrNotFound) {
		t.Errorf("probe entry left in keyring: Get() error = %v, want ErrNotFound", getErr)
	}
}

func TestKeyringStoreRoundTrip(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)

	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	profile, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if profile.ClientID != testProfile.ClientID {
		t.Errorf("ClientID = %q, want %q", profile.ClientID, testProfile.ClientID)
	}
	if profile.OrgID != testProfile.OrgID {
		t.Errorf("OrgID = %q, want %q", profile.OrgID, testProfile.OrgID)
	}
	if !slices.Equal(profile.Scopes, testProfile.Scopes) {
		t.Errorf("Scopes = %q, want %q", profile.Scopes, testProfile.Scopes)
	}
	if profile.CIORegion != "us" {
		t.Errorf("CIORegion = %q, want %q", profile.CIORegion, "us")
	}
	if secrets != testSecrets {
		t.Error("LoadProfile() secrets differ from the saved ones")
	}
}

func TestKeyringStoreOneEntryPerSecret(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)

	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	prefix := testProfile.OrgID + "/" + testProfile.ClientID + "/"
	clientSecret, err := keyring.Get(AppID, prefix+"client-secret")
	if err != nil {
		t.Fatalf("Get(client-secret) error = %v", err)
	}
	if clientSecret != testSecrets.ClientSecret {
		t.Error("keyring client-secret entry differs from the saved secret")
	}
	appAPIKey, err := keyring.Get(AppID, prefix+"customerio-app-api-key")
	if err != nil {
		t.Fatalf("Get(customerio-app-api-key) error = %v", err)
	}
	if appAPIKey != testSecrets.AppAPIKey {
		t.Error("keyring customerio-app-api-key entry differs from the saved key")
	}
}

func TestKeyringStoreReadsBackEveryWrite(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	backend := &recordingBackend{}
	store.backend = backend

	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	prefix := testProfile.Key().String() + "/"
	want := []string{
		"set " + prefix + "client-secret",
		"get " + prefix + "client-secret",
		"set " + prefix + "customerio-app-api-key",
		"get " + prefix + "customerio-app-api-key",
	}
	if !slices.Equal(backend.calls, want) {
		t.Errorf("keyring calls = %q, want %q", backend.calls, want)
	}
}

func TestKeyringStoreReadBackMismatch(t *testing.T) {
	store, prefs, _ := newMockKeyringStore(t)
	store.backend = &recordingBackend{corrupt: true}

	err := store.SaveProfile(testProfile, testSecrets)

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) {
		t.Fatalf("SaveProfile() error = %v, want *KeyringError", err)
	}
	if keyringErr.Cause != CauseReadBackMismatch {
		t.Errorf("Cause = %q, want %q", keyringErr.Cause, CauseReadBackMismatch)
	}
	account := testProfile.Key().String() + "/client-secret"
	if _, getErr := keyring.Get(AppID, account); !errors.Is(getErr, keyring.ErrNotFound) {
		t.Errorf("mismatched entry kept: Get() error = %v, want ErrNotFound", getErr)
	}
	if keys := prefs.keys(); len(keys) != 0 {
		t.Errorf("preferences written after failed save: %q", keys)
	}
}

func TestKeyringStoreRejectsBigSecretBeforeWrite(t *testing.T) {
	tests := []struct {
		name    string
		secrets Secrets
	}{
		{"client secret", Secrets{ClientSecret: strings.Repeat("s", MaxSecretSize+1), AppAPIKey: testSecrets.AppAPIKey}},
		{"app API key", Secrets{ClientSecret: testSecrets.ClientSecret, AppAPIKey: strings.Repeat("k", MaxSecretSize+1)}},
	}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			store, prefs, _ := newMockKeyringStore(t)
			backend := &recordingBackend{}
			store.backend = backend

			err := store.SaveProfile(testProfile, test.secrets)

			var keyringErr *KeyringError
			if !errors.As(err, &keyringErr) {
				t.Fatalf("SaveProfile() error = %v, want *KeyringError", err)
			}
			if keyringErr.Cause != CauseDataTooBig {
				t.Errorf("Cause = %q, want %q", keyringErr.Cause, CauseDataTooBig)
			}
			if keyringErr.Size != MaxSecretSize+1 {
				t.Errorf("Size = %d, want %d", keyringErr.Size, MaxSecretSize+1)
			}
			if keyringErr.Limit != MaxSecretSize {
				t.Errorf("Limit = %d, want %d", keyringErr.Limit, MaxSecretSize)
			}
			if len(backend.calls) != 0 {
				t.Errorf("keyring called before the size check: %q", backend.calls)
			}
			if keys := prefs.keys(); len(keys) != 0 {
				t.Errorf("preferences written after rejected save: %q", keys)
			}
		})
	}
}

func TestKeyringStoreAcceptsSecretAtLimit(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	secret := strings.Repeat("s", MaxSecretSize)

	if err := store.SaveProfile(testProfile, Secrets{ClientSecret: secret}); err != nil {
		t.Fatalf("SaveProfile() error = %v, want nil for %d bytes", err, MaxSecretSize)
	}
}

func TestSetCustomerIORejectsBigKeyBeforeWrite(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, Secrets{ClientSecret: testSecrets.ClientSecret}); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	backend := &recordingBackend{}
	store.backend = backend

	err := store.SetCustomerIO(testProfile.Key(), "eu", strings.Repeat("k", MaxSecretSize+1))

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) || keyringErr.Cause != CauseDataTooBig {
		t.Fatalf("SetCustomerIO() error = %v, want CauseDataTooBig", err)
	}
	if len(backend.calls) != 0 {
		t.Errorf("keyring called before the size check: %q", backend.calls)
	}
	profile, _, _ := store.LoadProfile(testProfile.Key())
	if profile.CIORegion != testProfile.CIORegion {
		t.Errorf("CIORegion = %q after rejected update, want %q", profile.CIORegion, testProfile.CIORegion)
	}
}

func TestKeyringStoreWriteFailureIsClassified(t *testing.T) {
	stubWSL(t, false)
	store, prefs, _ := newMockKeyringStore(t)
	keyring.MockInitWithError(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))

	err := store.SaveProfile(testProfile, testSecrets)

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) {
		t.Fatalf("SaveProfile() error = %v, want *KeyringError", err)
	}
	if keyringErr.Cause != CauseLocked {
		t.Errorf("Cause = %q, want %q", keyringErr.Cause, CauseLocked)
	}
	if keyringErr.Op != OpSet {
		t.Errorf("Op = %q, want %q", keyringErr.Op, OpSet)
	}
	if keys := prefs.keys(); len(keys) != 0 {
		t.Errorf("preferences written after failed save: %q", keys)
	}
}

func TestKeyringStoreSetDataTooBigFromKeyring(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)

	err := store.SaveProfile(testProfile, testSecrets)

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) {
		t.Fatalf("SaveProfile() error = %v, want *KeyringError", err)
	}
	if keyringErr.Cause != CauseDataTooBig {
		t.Errorf("Cause = %q, want %q", keyringErr.Cause, CauseDataTooBig)
	}
	if !errors.Is(err, keyring.ErrSetDataTooBig) {
		t.Error("errors.Is(err, keyring.ErrSetDataTooBig) = false, want true")
	}
}

func TestLoadProfileKeyringFailure(t *testing.T) {
	stubWSL(t, false)
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))

	_, _, err := store.LoadProfile(testProfile.Key())

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) {
		t.Fatalf("LoadProfile() error = %v, want *KeyringError", err)
	}
	if keyringErr.Cause != CauseNoSecretService {
		t.Errorf("Cause = %q, want %q", keyringErr.Cause, CauseNoSecretService)
	}
	if keyringErr.Op != OpGet {
		t.Errorf("Op = %q, want %q", keyringErr.Op, OpGet)
	}
}

func TestLoadProfileMissingSecretIsEmpty(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, Secrets{ClientSecret: testSecrets.ClientSecret}); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	_, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if secrets.ClientSecret != testSecrets.ClientSecret {
		t.Error("ClientSecret differs from the saved one")
	}
	if secrets.AppAPIKey != "" {
		t.Error("AppAPIKey is set, want empty because none was saved")
	}
}

func TestLoadProfileUnknownKey(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)

	_, _, err := store.LoadProfile(ProfileKey{OrgID: "X@AdobeOrg", ClientID: "nobody"})
	if !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("LoadProfile() error = %v, want ErrProfileNotFound", err)
	}
}

func TestSaveProfileEmptySecretKeepsStored(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	updated := testProfile
	updated.Scopes = []string{"openid"}
	if err := store.SaveProfile(updated, Secrets{}); err != nil {
		t.Fatalf("second SaveProfile() error = %v", err)
	}

	profile, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if !slices.Equal(profile.Scopes, []string{"openid"}) {
		t.Errorf("Scopes = %q, want [openid]", profile.Scopes)
	}
	if secrets != testSecrets {
		t.Error("secrets changed after a save with empty secrets")
	}
}

func TestSaveProfileRejectsInvalidKey(t *testing.T) {
	tests := []struct {
		name      string
		profile   Profile
		wantField string
	}{
		{"empty org ID", Profile{ClientID: "abc"}, "OrgID"},
		{"slash in org ID", Profile{OrgID: "A/B@AdobeOrg", ClientID: "abc"}, "OrgID"},
		{"empty client ID", Profile{OrgID: "A@AdobeOrg"}, "ClientID"},
		{"slash in client ID", Profile{OrgID: "A@AdobeOrg", ClientID: "a/b"}, "ClientID"},
	}

	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			store, _, _ := newMockKeyringStore(t)

			err := store.SaveProfile(test.profile, testSecrets)

			var invalid *InvalidProfileError
			if !errors.As(err, &invalid) {
				t.Fatalf("SaveProfile() error = %v, want *InvalidProfileError", err)
			}
			if invalid.Field != test.wantField {
				t.Errorf("Field = %q, want %q", invalid.Field, test.wantField)
			}
		})
	}
}

func TestKeyringStoreProfilesMostRecentFirst(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	first := Profile{OrgID: "A@AdobeOrg", ClientID: "first"}
	second := Profile{OrgID: "A@AdobeOrg", ClientID: "second"}

	for _, profile := range []Profile{first, second, first} {
		if err := store.SaveProfile(profile, Secrets{}); err != nil {
			t.Fatalf("SaveProfile(%s) error = %v", profile.ClientID, err)
		}
	}

	var clientIDs []string
	for _, profile := range store.Profiles() {
		clientIDs = append(clientIDs, profile.ClientID)
	}
	if want := []string{"first", "second"}; !slices.Equal(clientIDs, want) {
		t.Errorf("Profiles() client IDs = %q, want %q", clientIDs, want)
	}
}

func TestKeyringStoreProfilesSkipsCorruptEntry(t *testing.T) {
	store, prefs, logs := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, Secrets{}); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	prefs.SetStringList(prefProfiles, []string{"broken/entry", testProfile.Key().String()})
	prefs.SetString(prefProfilePrefix+"broken/entry", "{not json")

	profiles := store.Profiles()

	if len(profiles) != 1 || profiles[0].ClientID != testProfile.ClientID {
		t.Errorf("Profiles() = %v, want only the valid profile", profiles)
	}
	if !strings.Contains(logs.String(), "broken/entry") {
		t.Error("corrupt profile was not logged")
	}
}

func TestSetLastSandboxAndCustomerIO(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, Secrets{ClientSecret: testSecrets.ClientSecret}); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}

	if err := store.SetLastSandbox(testProfile.Key(), "dev-sandbox"); err != nil {
		t.Fatalf("SetLastSandbox() error = %v", err)
	}
	if err := store.SetCustomerIO(testProfile.Key(), "eu", testSecrets.AppAPIKey); err != nil {
		t.Fatalf("SetCustomerIO() error = %v", err)
	}

	profile, secrets, err := store.LoadProfile(testProfile.Key())
	if err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}
	if profile.LastSandbox != "dev-sandbox" {
		t.Errorf("LastSandbox = %q, want %q", profile.LastSandbox, "dev-sandbox")
	}
	if profile.CIORegion != "eu" {
		t.Errorf("CIORegion = %q, want %q", profile.CIORegion, "eu")
	}
	if secrets != testSecrets {
		t.Error("secrets differ after SetCustomerIO")
	}
}

func TestSettersUnknownProfile(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)
	key := ProfileKey{OrgID: "X@AdobeOrg", ClientID: "nobody"}

	if err := store.SetLastSandbox(key, "prod"); !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("SetLastSandbox() error = %v, want ErrProfileNotFound", err)
	}
	if err := store.SetCustomerIO(key, "us", "key"); !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("SetCustomerIO() error = %v, want ErrProfileNotFound", err)
	}
	if _, err := keyring.Get(AppID, key.String()+"/customerio-app-api-key"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("SetCustomerIO() wrote a key for an unknown profile: Get() error = %v", err)
	}
}

func TestForgetRemovesProfileAndSecrets(t *testing.T) {
	store, prefs, _ := newMockKeyringStore(t)
	other := Profile{OrgID: testProfile.OrgID, ClientID: "fedcba9876543210fedcba9876543210"}
	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	if err := store.SaveProfile(other, Secrets{ClientSecret: "other-made-up-secret"}); err != nil {
		t.Fatalf("SaveProfile(other) error = %v", err)
	}

	if err := store.Forget(testProfile.Key()); err != nil {
		t.Fatalf("Forget() error = %v", err)
	}

	for _, suffix := range []string{"client-secret", "customerio-app-api-key"} {
		account := testProfile.Key().String() + "/" + suffix
		if _, err := keyring.Get(AppID, account); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("keyring entry %s kept: Get() error = %v", suffix, err)
		}
	}
	if _, _, err := store.LoadProfile(testProfile.Key()); !errors.Is(err, ErrProfileNotFound) {
		t.Errorf("LoadProfile() after Forget error = %v, want ErrProfileNotFound", err)
	}
	profiles := store.Profiles()
	if len(profiles) != 1 || profiles[0].ClientID != other.ClientID {
		t.Errorf("Profiles() = %v, want only the other profile", profiles)
	}
	if strings.Contains(string(prefs.data(t)), testProfile.ClientID) {
		t.Error("preferences still mention the forgotten client ID")
	}

	if err := store.Forget(other.Key()); err != nil {
		t.Fatalf("Forget(other) error = %v", err)
	}
	if keys := prefs.keys(); len(keys) != 0 {
		t.Errorf("preferences keys left after forgetting every profile: %q", keys)
	}
}

func TestForgetUnknownProfile(t *testing.T) {
	store, _, _ := newMockKeyringStore(t)

	if err := store.Forget(ProfileKey{OrgID: "X@AdobeOrg", ClientID: "nobody"}); err != nil {
		t.Errorf("Forget() error = %v, want nil", err)
	}
}

func TestForgetKeepsProfileWhenKeyringFails(t *testing.T) {
	stubWSL(t, false)
	store, _, _ := newMockKeyringStore(t)
	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	keyring.MockInitWithError(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))

	err := store.Forget(testProfile.Key())

	var keyringErr *KeyringError
	if !errors.As(err, &keyringErr) || keyringErr.Op != OpDelete {
		t.Fatalf("Forget() error = %v, want a *KeyringError for delete", err)
	}
	if len(store.Profiles()) != 1 {
		t.Error("profile removed from Preferences although its secrets are still in the keyring")
	}
}

func TestPreferencesContainNoSecrets(t *testing.T) {
	store, prefs, logs := newMockKeyringStore(t)

	if err := store.SaveProfile(testProfile, testSecrets); err != nil {
		t.Fatalf("SaveProfile() error = %v", err)
	}
	if err := store.SetLastSandbox(testProfile.Key(), "prod"); err != nil {
		t.Fatalf("SetLastSandbox() error = %v", err)
	}
	if err := store.SetCustomerIO(testProfile.Key(), "eu", testSecrets.AppAPIKey); err != nil {
		t.Fatalf("SetCustomerIO() error = %v", err)
	}
	if _, _, err := store.LoadProfile(testProfile.Key()); err != nil {
		t.Fatalf("LoadProfile() error = %v", err)
	}

	data := string(prefs.data(t))
	if !strings.Contains(data, testProfile.ClientID) {
		t.Fatalf("preferences do not contain the client ID, so the scan proves nothing: %s", data)
	}
	for name, secret := range map[string]string{"client secret": testSecrets.ClientSecret, "App API key": testSecrets.AppAPIKey} {
		for encoding, text := range map[string]string{
			"plain":  secret,
			"base64": base64.StdEncoding.EncodeToString([]byte(secret)),
		} {
			if strings.Contains(data, text) {
				t.Errorf("preferences contain the %s (%s)", name, encoding)
			}
			if strings.Contains(logs.String(), text) {
				t.Errorf("log contains the %s (%s)", name, encoding)
			}
		}
	}
}

func TestKeyringErrorText(t *testing.T) {
	err := &KeyringError{Op: OpSet, Account: "A@AdobeOrg/abc/client-secret", Cause: CauseDataTooBig, Size: 2501, Limit: 2500}

	want := `credentials: keyring set of "A@AdobeOrg/abc/client-secret" failed (data-too-big): secret is 2501 bytes, maximum is 2500`
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
