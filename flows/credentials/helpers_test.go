package credentials

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/zalando/go-keyring"
)

// fyne.Preferences must keep satisfying Preferences, because the app passes
// its Fyne preferences straight to Open.
var _ Preferences = fyne.Preferences(nil)

// memoryPreferences is an in-memory Preferences whose whole content can be
// serialized the way Fyne writes preferences.json.
type memoryPreferences struct {
	mu     sync.Mutex
	values map[string]any
}

func newMemoryPreferences() *memoryPreferences {
	return &memoryPreferences{values: make(map[string]any)}
}

func (p *memoryPreferences) String(key string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	value, _ := p.values[key].(string)
	return value
}

func (p *memoryPreferences) SetString(key string, value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.values[key] = value
}

func (p *memoryPreferences) StringList(key string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	value, _ := p.values[key].([]string)
	return slices.Clone(value)
}

func (p *memoryPreferences) SetStringList(key string, value []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.values[key] = slices.Clone(value)
}

func (p *memoryPreferences) RemoveValue(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.values, key)
}

func (p *memoryPreferences) keys() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Sorted(maps.Keys(p.values))
}

// data returns the preferences as the JSON document Fyne would write.
func (p *memoryPreferences) data(t *testing.T) []byte {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	data, err := json.Marshal(p.values)
	if err != nil {
		t.Fatalf("marshal preferences: %v", err)
	}
	return data
}

// logBuffer is a slog text logger whose output tests can scan.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	buffer := &logBuffer{}
	return slog.New(slog.NewTextHandler(buffer, &slog.HandlerOptions{Level: slog.LevelDebug})), buffer
}

// recordingBackend wraps go-keyring and records every call, and can corrupt
// what Get returns.
type recordingBackend struct {
	calls   []string
	corrupt bool
}

func (b *recordingBackend) Set(service, user, password string) error {
	b.calls = append(b.calls, "set "+user)
	return keyring.Set(service, user, password)
}

func (b *recordingBackend) Get(service, user string) (string, error) {
	b.calls = append(b.calls, "get "+user)
	value, err := keyring.Get(service, user)
	if err == nil && b.corrupt {
		value += "-corrupted"
	}
	return value, err
}

func (b *recordingBackend) Delete(service, user string) error {
	b.calls = append(b.calls, "delete "+user)
	return keyring.Delete(service, user)
}

// Made-up credentials used across tests.
var (
	testProfile = Profile{
		ClientID:  "0123456789abcdef0123456789abcdef",
		OrgID:     "ABCDEF0123456789ABCDEF01@AdobeOrg",
		Scopes:    []string{"openid", "AdobeID", "read_organizations"},
		CIORegion: "us",
	}
	testSecrets = Secrets{
		ClientSecret: "p8e-made-up-client-secret-for-tests",
		AppAPIKey:    "made-up-customerio-app-api-key-0001",
	}
)
