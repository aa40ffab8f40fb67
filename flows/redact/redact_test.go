package redact_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/cioaep/setup/flows/redact"
)

const secret = "s3cr3t-client-value"

func newLogger(secrets *redact.Secrets) (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	inner := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
	return slog.New(redact.NewHandler(inner, secrets)), &buf
}

func TestHandlerScrubsMessage(t *testing.T) {
	log, buf := newLogger(redact.NewSecrets(secret))
	log.Info("posting " + secret + " now")

	if strings.Contains(buf.String(), secret) {
		t.Errorf("output contains the secret: %s", buf)
	}
	if !strings.Contains(buf.String(), "posting [REDACTED] now") {
		t.Errorf("output lacks the placeholder: %s", buf)
	}
}

func TestHandlerScrubsAttributeValues(t *testing.T) {
	log, buf := newLogger(redact.NewSecrets(secret))
	log.Info("call",
		slog.String("url", "https://example.test/?x="+secret),
		slog.Any("err", errors.New("failed with "+secret)),
		slog.Any("struct", struct{ Value string }{secret}),
		slog.Group("req", slog.String("body", "client_secret="+secret)),
		slog.Int("status", 200),
	)

	out := buf.String()
	if strings.Contains(out, secret) {
		t.Errorf("output contains the secret: %s", out)
	}
	if !strings.Contains(out, "status=200") {
		t.Errorf("output lost a plain attribute: %s", out)
	}
	if !strings.Contains(out, `req.body="client_secret=[REDACTED]"`) {
		t.Errorf("output lost the group: %s", out)
	}
}

func TestHandlerRedactsSecretKeys(t *testing.T) {
	log, buf := newLogger(nil)
	log.Info("headers",
		slog.String("Authorization", "Bearer abc.def.ghi"),
		slog.String("x-api-key", "key-123"),
		slog.String("access_token", "tok-456"),
		slog.String("client_secret", "cs-789"),
		slog.String("appApiKey", "app-000"),
		slog.String("sandbox", "prod"),
	)

	out := buf.String()
	for _, value := range []string{"abc.def.ghi", "key-123", "tok-456", "cs-789", "app-000"} {
		if strings.Contains(out, value) {
			t.Errorf("output contains %q: %s", value, out)
		}
	}
	if !strings.Contains(out, "sandbox=prod") {
		t.Errorf("output lost sandbox=prod: %s", out)
	}
}

func TestHandlerWithAttrsAndGroup(t *testing.T) {
	log, buf := newLogger(redact.NewSecrets(secret))
	log.With("token", "tok-1", "note", "has "+secret).WithGroup("g").Info("m", "k", secret)

	out := buf.String()
	for _, value := range []string{"tok-1", secret} {
		if strings.Contains(out, value) {
			t.Errorf("output contains %q: %s", value, out)
		}
	}
	if !strings.Contains(out, "g.k=[REDACTED]") {
		t.Errorf("output lost the group key: %s", out)
	}
}

func TestSecretsAddedLater(t *testing.T) {
	secrets := redact.NewSecrets()
	log, buf := newLogger(secrets)

	secrets.Add("eyJ-late-token")
	log.Info("got eyJ-late-token")

	if strings.Contains(buf.String(), "eyJ-late-token") {
		t.Errorf("output contains a secret added after the handler: %s", buf)
	}
}

func TestSecretsIgnoresShortValues(t *testing.T) {
	secrets := redact.NewSecrets("", "ab", "  ")
	if got := secrets.Scrub("ab cd"); got != "ab cd" {
		t.Errorf("Scrub = %q, want the text unchanged", got)
	}
}

func TestSecretsLongestFirst(t *testing.T) {
	secrets := redact.NewSecrets("abcd", "abcdefgh")
	if got := secrets.Scrub("x abcdefgh y"); got != "x [REDACTED] y" {
		t.Errorf("Scrub = %q, want the longer secret replaced whole", got)
	}
}

func TestSecretsConcurrent(t *testing.T) {
	secrets := redact.NewSecrets()
	log, _ := newLogger(secrets)

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 50 {
				secrets.Add(fmt.Sprintf("secret-%d-%d", i, j))
				log.Info("line", "v", fmt.Sprintf("secret-%d-%d", i, j))
			}
		})
	}
	wg.Wait()
}

func TestIsSecretKey(t *testing.T) {
	tests := map[string]bool{
		"Authorization":   true,
		"authorization":   true,
		"x-api-key":       true,
		"API_KEY":         true,
		"apiKey":          true,
		"access_token":    true,
		"refreshToken":    true,
		"client_secret":   true,
		"password":        true,
		"client_id":       false,
		"sandbox":         false,
		"request_id":      false,
		"x-gw-ims-org-id": false,
	}
	for key, want := range tests {
		if got := redact.IsSecretKey(key); got != want {
			t.Errorf("IsSecretKey(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestNilSecretsScrub(t *testing.T) {
	var s *redact.Secrets
	if got := s.Scrub("text"); got != "text" {
		t.Errorf("Scrub on nil = %q, want text", got)
	}
}
