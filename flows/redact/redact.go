// Package redact provides a slog.Handler that removes secrets from every log
// record before another handler writes it.
package redact

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// Placeholder replaces every secret value and every value of a secret-looking
// attribute.
const Placeholder = "[REDACTED]"

// minSecretLen is the shortest value Secrets accepts. Shorter values would
// match ordinary words and numbers all over the log, and no credential the
// wizard handles is that short.
const minSecretLen = 4

// secretKeyParts are the parts of an attribute key that mark its value as a
// secret. Keys are compared in lower case with "-", "_", "." and spaces
// removed, so "x-api-key", "API_KEY" and "apiKey" all match "apikey".
var secretKeyParts = []string{
	"authorization",
	"token",
	"secret",
	"apikey",
	"password",
}

// Secrets is a set of values that must never reach a log line: client
// secrets, App API keys and access tokens. It is safe for concurrent use;
// values can be added while handlers are logging.
type Secrets struct {
	mu       sync.RWMutex
	values   []string
	replacer *strings.Replacer
}

// NewSecrets returns a set that contains values.
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{}
	for _, v := range values {
		s.Add(v)
	}
	return s
}

// Add registers value as a secret. Empty values and values shorter than four
// characters are ignored.
func (s *Secrets) Add(value string) {
	value = strings.TrimSpace(value)
	if len(value) < minSecretLen {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	if slices.Contains(s.values, value) {
		return
	}
	s.values = append(s.values, value)

	// Longer values go first so that a secret containing another secret is
	// replaced whole.
	slices.SortFunc(s.values, func(a, b string) int { return len(b) - len(a) })

	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, Placeholder)
	}
	s.replacer = strings.NewReplacer(pairs...)
}

// Scrub returns text with every registered secret replaced by Placeholder.
// A nil *Secrets returns text unchanged.
func (s *Secrets) Scrub(text string) string {
	if s == nil {
		return text
	}

	s.mu.RLock()
	r := s.replacer
	s.mu.RUnlock()

	if r == nil {
		return text
	}
	return r.Replace(text)
}

// IsSecretKey reports whether an attribute or header named key holds a
// secret, e.g. "Authorization", "access_token", "client_secret", "x-api-key".
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	k = strings.NewReplacer("-", "", "_", "", ".", "", " ", "").Replace(k)

	for _, part := range secretKeyParts {
		if strings.Contains(k, part) {
			return true
		}
	}
	return false
}

// Handler is a slog.Handler that scrubs secrets from the message and from
// every attribute value, then passes the record to the inner handler.
type Handler struct {
	inner   slog.Handler
	secrets *Secrets
}

// NewHandler returns a handler that removes the values in secrets, and the
// values of attributes whose key looks like a secret, before inner receives
// them.
// secrets may be nil, in which case only secret-looking keys are redacted.
func NewHandler(inner slog.Handler, secrets *Secrets) *Handler {
	return &Handler{inner: inner, secrets: secrets}
}

// Enabled reports whether the inner handler handles level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle scrubs r and passes the copy to the inner handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	clean := slog.NewRecord(r.Time, r.Level, h.secrets.Scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		clean.AddAttrs(h.scrubAttr(a))
		return true
	})
	return h.inner.Handle(ctx, clean)
}

// WithAttrs scrubs attrs and returns a handler whose inner handler carries
// them. Attributes bound here are scrubbed with the secrets known now.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.scrubAttr(a)
	}
	return &Handler{inner: h.inner.WithAttrs(clean), secrets: h.secrets}
}

// WithGroup returns a handler whose inner handler opens group name.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name), secrets: h.secrets}
}

func (h *Handler) scrubAttr(a slog.Attr) slog.Attr {
	if IsSecretKey(a.Key) && a.Value.Kind() != slog.KindGroup {
		return slog.String(a.Key, Placeholder)
	}

	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.secrets.Scrub(v.String()))

	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, member := range group {
			clean[i] = h.scrubAttr(member)
		}
		return slog.Group(a.Key, clean...)

	case slog.KindAny:
		// Errors, structs and maps may print a secret anywhere in their
		// text, so they are logged as scrubbed text.
		return slog.String(a.Key, h.secrets.Scrub(anyText(v.Any())))

	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}

// anyText formats v with fmt, which calls Error or String and recovers from
// a nil receiver.
func anyText(v any) string {
	return fmt.Sprintf("%+v", v)
}
