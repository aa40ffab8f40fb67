package credentials

import (
	"slices"
	"sync"
)

// SessionStore keeps profiles in memory only. The wizard uses it when the
// user chooses not to remember credentials or when the keyring is unusable.
type SessionStore struct {
	mu       sync.Mutex
	order    []ProfileKey // most recently saved first
	profiles map[ProfileKey]Profile
	secrets  map[ProfileKey]Secrets
}

// NewSessionStore returns an empty SessionStore.
func NewSessionStore() *SessionStore {
	return &SessionStore{
		profiles: make(map[ProfileKey]Profile),
		secrets:  make(map[ProfileKey]Secrets),
	}
}

// Persistent returns false: nothing survives a restart.
func (s *SessionStore) Persistent() bool {
	return false
}

// SaveProfile stores the profile and its secrets in memory.
func (s *SessionStore) SaveProfile(profile Profile, secrets Secrets) error {
	key := profile.Key()
	if err := key.validate(); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	profile.Scopes = slices.Clone(profile.Scopes)
	s.profiles[key] = profile
	s.secrets[key] = mergeSecrets(s.secrets[key], secrets)
	s.order = moveToFront(s.order, key)
	return nil
}

// LoadProfile returns a profile and its secrets.
func (s *SessionStore) LoadProfile(key ProfileKey) (Profile, Secrets, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	profile, ok := s.profiles[key]
	if !ok {
		return Profile{}, Secrets{}, ErrProfileNotFound
	}
	profile.Scopes = slices.Clone(profile.Scopes)
	return profile, s.secrets[key], nil
}

// Profiles returns the profiles, the most recently saved first.
func (s *SessionStore) Profiles() []Profile {
	s.mu.Lock()
	defer s.mu.Unlock()

	profiles := make([]Profile, 0, len(s.order))
	for _, key := range s.order {
		profile := s.profiles[key]
		profile.Scopes = slices.Clone(profile.Scopes)
		profiles = append(profiles, profile)
	}
	return profiles
}

// SetLastSandbox records the sandbox chosen for a profile.
func (s *SessionStore) SetLastSandbox(key ProfileKey, sandbox string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	profile, ok := s.profiles[key]
	if !ok {
		return ErrProfileNotFound
	}
	profile.LastSandbox = sandbox
	s.profiles[key] = profile
	return nil
}

// SetCustomerIO records the Customer.io region and, when not empty, the App
// API key of a profile.
func (s *SessionStore) SetCustomerIO(key ProfileKey, region string, appAPIKey string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	profile, ok := s.profiles[key]
	if !ok {
		return ErrProfileNotFound
	}
	profile.CIORegion = region
	s.profiles[key] = profile
	s.secrets[key] = mergeSecrets(s.secrets[key], Secrets{AppAPIKey: appAPIKey})
	return nil
}

// Forget removes a profile and its secrets from memory.
func (s *SessionStore) Forget(key ProfileKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	delete(s.profiles, key)
	delete(s.secrets, key)
	s.order = slices.DeleteFunc(s.order, func(k ProfileKey) bool { return k == key })
	return nil
}

// mergeSecrets returns stored with every non-empty field of update applied.
func mergeSecrets(stored, update Secrets) Secrets {
	if update.ClientSecret != "" {
		stored.ClientSecret = update.ClientSecret
	}
	if update.AppAPIKey != "" {
		stored.AppAPIKey = update.AppAPIKey
	}
	return stored
}

// moveToFront returns order with key first and no other copy of it.
func moveToFront[K comparable](order []K, key K) []K {
	rest := slices.DeleteFunc(slices.Clone(order), func(k K) bool { return k == key })
	return append([]K{key}, rest...)
}
