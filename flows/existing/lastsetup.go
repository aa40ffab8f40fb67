package existing

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// LastSetupKey is the Preferences key that holds the last setup as JSON.
const LastSetupKey = "last_setup"

// lastSetupVersion is the version of the stored JSON. Load rejects other
// versions instead of guessing their meaning.
const lastSetupVersion = 1

// Preferences is the part of fyne.Preferences that LastSetupStore uses.
type Preferences interface {
	String(key string) string
	SetString(key, value string)
	RemoveValue(key string)
}

// LastSetup is the result of the last successful setup run, kept so the
// wizard can show the webhook URL again on the next launch. On Linux the
// clipboard loses a copied URL when the app that owns it exits.
//
// It contains no secret: no client secret, App API key or access token.
type LastSetup struct {
	Sandbox    string    `json:"sandbox"`
	FlowID     string    `json:"flowId"`
	WebhookURL string    `json:"webhookUrl"`
	InletURL   string    `json:"inletUrl"`
	DatasetID  string    `json:"datasetId"`
	SchemaID   string    `json:"schemaId"`
	Created    time.Time `json:"created"`
}

// storedLastSetup is the JSON document under LastSetupKey.
type storedLastSetup struct {
	Version int `json:"version"`
	LastSetup
}

// LastSetupStore keeps the last setup in Preferences under LastSetupKey. It
// is safe for concurrent use.
type LastSetupStore struct {
	prefs Preferences
	log   *slog.Logger
	mu    sync.Mutex
}

// NewLastSetupStore returns a store that keeps the last setup in prefs. A nil
// logger discards everything.
func NewLastSetupStore(prefs Preferences, logger *slog.Logger) *LastSetupStore {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &LastSetupStore{prefs: prefs, log: logger}
}

// Save replaces the stored last setup with last. When last has no WebhookURL
// it is built from InletURL and FlowID. Save returns an *Error with
// CauseInvalidLastSetup, and stores nothing, when the flow ID or the webhook
// URL is missing or the URL is not a plain http(s) URL.
func (s *LastSetupStore) Save(last LastSetup) error {
	if last.WebhookURL == "" && last.InletURL != "" && last.FlowID != "" {
		last.WebhookURL = aep.WebhookURL(last.InletURL, last.FlowID)
	}
	if err := validateLastSetup(last); err != nil {
		s.log.Error("last setup not saved", "flow_id", last.FlowID, "error", err)
		return &Error{Op: "Save", Cause: CauseInvalidLastSetup, Resource: Resource{Kind: KindFlow, ID: last.FlowID}, Err: err}
	}

	data, err := json.Marshal(storedLastSetup{Version: lastSetupVersion, LastSetup: last})
	if err != nil {
		return &Error{Op: "Save", Cause: CauseInvalidLastSetup, Resource: Resource{Kind: KindFlow, ID: last.FlowID}, Err: err}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefs.SetString(LastSetupKey, string(data))
	s.log.Info("last setup saved", "sandbox", last.Sandbox, "flow_id", last.FlowID)
	return nil
}

// Load returns the stored last setup, and false when none is stored. It
// returns an *Error with CauseInvalidLastSetup when the stored value cannot
// be read, for example after a newer version of the app wrote it.
func (s *LastSetupStore) Load() (LastSetup, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load()
}

func (s *LastSetupStore) load() (LastSetup, bool, error) {
	data := s.prefs.String(LastSetupKey)
	if data == "" {
		return LastSetup{}, false, nil
	}

	var stored storedLastSetup
	err := json.Unmarshal([]byte(data), &stored)
	if err == nil && stored.Version != lastSetupVersion {
		err = fmt.Errorf("stored version %d, expected %d", stored.Version, lastSetupVersion)
	}
	if err == nil {
		err = validateLastSetup(stored.LastSetup)
	}
	if err != nil {
		s.log.Error("stored last setup is invalid", "key", LastSetupKey, "error", err)
		return LastSetup{}, false, &Error{Op: "Load", Cause: CauseInvalidLastSetup, Err: err}
	}
	return stored.LastSetup, true, nil
}

// Clear removes the stored last setup.
func (s *LastSetupStore) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prefs.RemoveValue(LastSetupKey)
	s.log.Info("last setup cleared")
}

// ForgetFlow removes the stored last setup when it is the dataflow flowID, for
// example after that setup was deleted, and reports whether it did. A stored
// value that cannot be read is left alone.
func (s *LastSetupStore) ForgetFlow(flowID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()

	last, ok, err := s.load()
	if err != nil || !ok || last.FlowID != flowID {
		return false
	}
	s.prefs.RemoveValue(LastSetupKey)
	s.log.Info("last setup forgotten", "flow_id", flowID)
	return true
}

// validateLastSetup returns an error when last lacks the flow ID or a usable
// webhook URL.
func validateLastSetup(last LastSetup) error {
	if last.FlowID == "" {
		return errors.New("missing flow ID")
	}
	if last.WebhookURL == "" {
		return errors.New("missing webhook URL")
	}

	u, err := url.Parse(last.WebhookURL)
	if err != nil {
		return errors.New("webhook URL is not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("webhook URL has scheme %q and host %q, expected an http(s) URL", u.Scheme, u.Host)
	}
	// The inlet needs no credentials in the URL, so a URL with user
	// information was not built by the wizard and might carry a secret.
	if u.User != nil {
		return errors.New("webhook URL contains user information")
	}
	return nil
}
