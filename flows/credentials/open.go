package credentials

import "crypto/rand"

// probeAccount is the keyring account Open writes, reads back and deletes.
const probeAccount = "probe"

// Open returns a KeyringStore when the OS keyring passes a probe: a
// throw-away entry is written, read back and deleted. When the probe fails it
// returns a SessionStore and the classified error, so the wizard can continue
// without remembering credentials and tell the user why. Open makes D-Bus
// calls on Linux, so the caller runs it off the UI goroutine. Check the
// *KeyringError against nil before storing it in an error variable, because
// a nil pointer in an interface is not a nil error.
//
// On Linux without DBUS_SESSION_BUS_ADDRESS, godbus runs dbus-launch when it
// is installed, which starts a session bus that outlives the process.
func Open(prefs Preferences, opts Options) (Store, *KeyringError) {
	logger := opts.logger()
	store := NewKeyringStore(prefs, opts)

	logger.Info("probing the OS keyring", "service", store.service)
	if err := store.probe(); err != nil {
		logger.Warn("OS keyring unavailable, credentials are kept for this session only",
			"cause", err.Cause, "remedy", err.Remedy(), "error", err)
		return NewSessionStore(), err
	}

	logger.Info("OS keyring available", "service", store.service)
	return store, nil
}

// probe writes, reads back and deletes an entry with a random, non-secret
// value, so a keyring that silently drops writes is caught too.
func (s *KeyringStore) probe() *KeyringError {
	value := rand.Text()

	if err := s.backend.Set(s.service, probeAccount, value); err != nil {
		return s.probeError(err)
	}

	stored, err := s.backend.Get(s.service, probeAccount)
	if err != nil {
		return s.probeError(err)
	}
	if stored != value {
		// Best effort: the probe entry holds nothing of value.
		_ = s.backend.Delete(s.service, probeAccount)
		return &KeyringError{Op: OpProbe, Account: probeAccount, Cause: CauseReadBackMismatch}
	}

	if err := s.backend.Delete(s.service, probeAccount); err != nil {
		return s.probeError(err)
	}
	return nil
}

func (s *KeyringStore) probeError(err error) *KeyringError {
	return s.keyringError(OpProbe, probeAccount, err)
}
