package credentials

import (
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sync"

	"github.com/zalando/go-keyring"
)

// MaxSecretSize is the largest secret, in bytes, that KeyringStore writes.
// Windows Credential Manager takes at most 2,560 bytes per secret, and the
// macOS limit is smaller once go-keyring base64-encodes the value (about
// 3,000 bytes for the whole command line), so this stays below both.
const MaxSecretSize = 2500

// Preference keys. The list holds ProfileKey strings, most recent first, and
// each profile is one JSON-encoded Profile, so a profile is written at once.
const (
	prefProfiles      = "credentials.profiles"
	prefProfilePrefix = "credentials.profile."
)

// Keyring account suffixes, one entry per secret and profile.
const (
	accountClientSecret = "client-secret"
	accountAppAPIKey    = "customerio-app-api-key"
)

// Options configures KeyringStore and Open.
type Options struct {
	// Service is the keyring service name. Empty means AppID.
	Service string
	// Logger receives starts and caught errors, never secrets. Nil discards.
	Logger *slog.Logger
}

func (o Options) service() string {
	if o.Service == "" {
		return AppID
	}
	return o.Service
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// secretBackend is the part of go-keyring the store calls. Tests replace it
// to simulate a keyring that corrupts values.
type secretBackend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// goKeyring calls go-keyring's package functions, so keyring.MockInit and
// keyring.MockInitWithError affect it.
type goKeyring struct{}

func (goKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

func (goKeyring) Get(service, user string) (string, error) {
	return keyring.Get(service, user)
}

func (goKeyring) Delete(service, user string) error {
	return keyring.Delete(service, user)
}

// KeyringStore keeps secrets in the OS keyring, one entry per secret and
// profile, and the other profile fields in Preferences. Nothing secret is
// ever written to Preferences.
type KeyringStore struct {
	prefs   Preferences
	service string
	backend secretBackend
	logger  *slog.Logger

	// mu serializes read-modify-write sequences on the profile list.
	mu sync.Mutex
}

// NewKeyringStore returns a store that uses the OS keyring without checking
// that it works. Open checks it first.
func NewKeyringStore(prefs Preferences, opts Options) *KeyringStore {
	return &KeyringStore{
		prefs:   prefs,
		service: opts.service(),
		backend: goKeyring{},
		logger:  opts.logger(),
	}
}

// Persistent returns true: profiles survive a restart.
func (s *KeyringStore) Persistent() bool {
	return true
}

// SaveProfile checks the size of every secret, writes each non-empty secret
// to the keyring and reads it back, and then writes the profile to
// Preferences. A secret over MaxSecretSize is rejected before anything is
// written. The error is a *KeyringError or an *InvalidProfileError.
func (s *KeyringStore) SaveProfile(profile Profile, secrets Secrets) error {
	key := profile.Key()
	if err := key.validate(); err != nil {
		return err
	}

	writes := s.secretWrites(key, secrets)
	for _, write := range writes {
		if err := checkSecretSize(write.account, write.value); err != nil {
			s.logger.Warn("secret rejected before keyring write", "profile", key.String(), "error", err)
			return err
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	s.logger.Info("saving profile", "profile", key.String(), "secrets", secrets)
	for _, write := range writes {
		if err := s.setSecret(write.account, write.value); err != nil {
			return err
		}
	}

	s.writeProfile(profile)
	s.prefs.SetStringList(prefProfiles, moveToFront(s.prefs.StringList(prefProfiles), key.String()))
	return nil
}

// LoadProfile reads a profile from Preferences and its secrets from the
// keyring. A secret missing from the keyring comes back empty.
func (s *KeyringStore) LoadProfile(key ProfileKey) (Profile, Secrets, error) {
	profile, ok := s.readProfile(key)
	if !ok {
		return Profile{}, Secrets{}, ErrProfileNotFound
	}

	var secrets Secrets
	var err error
	if secrets.ClientSecret, err = s.getSecret(s.account(key, accountClientSecret)); err != nil {
		return Profile{}, Secrets{}, err
	}
	if secrets.AppAPIKey, err = s.getSecret(s.account(key, accountAppAPIKey)); err != nil {
		return Profile{}, Secrets{}, err
	}
	return profile, secrets, nil
}

// Profiles returns the saved profiles, the most recently saved first.
// Entries that cannot be decoded are logged and left out.
func (s *KeyringStore) Profiles() []Profile {
	var profiles []Profile
	for _, id := range s.prefs.StringList(prefProfiles) {
		profile, ok := s.readProfileByID(id)
		if !ok {
			continue
		}
		profiles = append(profiles, profile)
	}
	return profiles
}

// SetLastSandbox records the sandbox chosen for a profile in Preferences.
func (s *KeyringStore) SetLastSandbox(key ProfileKey, sandbox string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	profile, ok := s.readProfile(key)
	if !ok {
		return ErrProfileNotFound
	}
	profile.LastSandbox = sandbox
	s.writeProfile(profile)
	return nil
}

// SetCustomerIO records the Customer.io region in Preferences and, when not
// empty, writes the App API key to the keyring and reads it back.
func (s *KeyringStore) SetCustomerIO(key ProfileKey, region string, appAPIKey string) error {
	account := s.account(key, accountAppAPIKey)
	if err := checkSecretSize(account, appAPIKey); err != nil {
		s.logger.Warn("secret rejected before keyring write", "profile", key.String(), "error", err)
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	profile, ok := s.readProfile(key)
	if !ok {
		return ErrProfileNotFound
	}
	if appAPIKey != "" {
		if err := s.setSecret(account, appAPIKey); err != nil {
			return err
		}
	}
	profile.CIORegion = region
	s.writeProfile(profile)
	return nil
}

// Forget deletes the profile's secrets from the keyring and then the profile
// from Preferences. If a keyring delete fails, Preferences stay as they were
// so that the profile remains visible and the user can retry.
func (s *KeyringStore) Forget(key ProfileKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.logger.Info("forgetting profile", "profile", key.String())
	for _, suffix := range []string{accountClientSecret, accountAppAPIKey} {
		account := s.account(key, suffix)
		err := s.backend.Delete(s.service, account)
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return s.keyringError(OpDelete, account, err)
		}
	}

	s.prefs.RemoveValue(prefProfilePrefix + key.String())
	ids := slices.DeleteFunc(s.prefs.StringList(prefProfiles), func(id string) bool { return id == key.String() })
	if len(ids) == 0 {
		s.prefs.RemoveValue(prefProfiles)
	} else {
		s.prefs.SetStringList(prefProfiles, ids)
	}
	return nil
}

// secretWrite is one keyring entry SaveProfile writes.
type secretWrite struct {
	account string
	value   string
}

func (s *KeyringStore) secretWrites(key ProfileKey, secrets Secrets) []secretWrite {
	var writes []secretWrite
	if secrets.ClientSecret != "" {
		writes = append(writes, secretWrite{s.account(key, accountClientSecret), secrets.ClientSecret})
	}
	if secrets.AppAPIKey != "" {
		writes = append(writes, secretWrite{s.account(key, accountAppAPIKey), secrets.AppAPIKey})
	}
	return writes
}

// account returns the keyring account name of one secret of a profile.
func (s *KeyringStore) account(key ProfileKey, suffix string) string {
	return key.String() + "/" + suffix
}

// checkSecretSize rejects a secret over MaxSecretSize.
func checkSecretSize(account, value string) error {
	if len(value) <= MaxSecretSize {
		return nil
	}
	return &KeyringError{Op: OpSet, Account: account, Cause: CauseDataTooBig, Size: len(value), Limit: MaxSecretSize}
}

// setSecret writes a secret and reads it back. A keyring that returns another
// value gets the entry deleted, so a corrupted secret is never used later.
func (s *KeyringStore) setSecret(account, value string) error {
	if err := s.backend.Set(s.service, account, value); err != nil {
		return s.keyringError(OpSet, account, err)
	}

	stored, err := s.backend.Get(s.service, account)
	if err != nil {
		return s.keyringError(OpGet, account, err)
	}
	if stored == value {
		return nil
	}

	mismatch := &KeyringError{Op: OpSet, Account: account, Cause: CauseReadBackMismatch}
	if err := s.backend.Delete(s.service, account); err != nil {
		s.logger.Error("deleting mismatched keyring entry failed", "account", account, "error", err)
	}
	return mismatch
}

// getSecret reads a secret, returning "" when the entry does not exist.
func (s *KeyringStore) getSecret(account string) (string, error) {
	value, err := s.backend.Get(s.service, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", s.keyringError(OpGet, account, err)
	}
	return value, nil
}

// keyringError classifies a go-keyring error. It does not log, because every
// caller returns the error and the caller's caller logs it once.
func (s *KeyringStore) keyringError(op, account string, err error) *KeyringError {
	return &KeyringError{Op: op, Account: account, Cause: classify(err, runningOnWSL), Err: err}
}

func (s *KeyringStore) readProfile(key ProfileKey) (Profile, bool) {
	return s.readProfileByID(key.String())
}

func (s *KeyringStore) readProfileByID(id string) (Profile, bool) {
	encoded := s.prefs.String(prefProfilePrefix + id)
	if encoded == "" {
		return Profile{}, false
	}

	var profile Profile
	if err := json.Unmarshal([]byte(encoded), &profile); err != nil {
		s.logger.Error("stored profile is not valid JSON, skipping it", "profile", id, "error", err)
		return Profile{}, false
	}
	return profile, true
}

func (s *KeyringStore) writeProfile(profile Profile) {
	// Marshal cannot fail: Profile has only strings and a string slice.
	encoded, _ := json.Marshal(profile)
	s.prefs.SetString(prefProfilePrefix+profile.Key().String(), string(encoded))
}
