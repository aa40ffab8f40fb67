package aep

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestTokenCachedUntilRefreshMargin(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()

	for range 3 {
		if err := env.client.Connect(ctx); err != nil {
			t.Fatalf("Connect: %v", err)
		}
	}
	if n := env.ims.requests.Load(); n != 1 {
		t.Fatalf("token requests = %d, want 1", n)
	}

	// Eleven minutes left: the token is kept.
	env.clock.Advance(24*time.Hour - 11*time.Minute)
	if err := env.client.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if n := env.ims.requests.Load(); n != 1 {
		t.Errorf("token requests with 11 min left = %d, want 1", n)
	}

	// Nine minutes left: a new token is fetched.
	env.clock.Advance(2 * time.Minute)
	if err := env.client.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if n := env.ims.requests.Load(); n != 2 {
		t.Errorf("token requests with 9 min left = %d, want 2", n)
	}
}

func TestTokenRefreshUsedByCalls(t *testing.T) {
	env := newTestEnv(t)
	var auth []string
	var mu sync.Mutex
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	ctx := context.Background()
	if _, err := env.client.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	env.clock.Advance(24*time.Hour - 5*time.Minute)
	if _, err := env.client.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}

	tokens := env.ims.Tokens()
	if len(tokens) != 2 {
		t.Fatalf("tokens issued = %d, want 2", len(tokens))
	}
	if auth[0] != "Bearer "+tokens[0] {
		t.Errorf("first call sent %q, want the first token", auth[0])
	}
	if auth[1] != "Bearer "+tokens[1] {
		t.Errorf("second call sent %q, want the refreshed token", auth[1])
	}
}

func TestTokenFormBody(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.Credentials.Scopes = "openid,AdobeID\nsession, openid" })
	var query, contentType string
	var form map[string][]string
	env.ims.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		contentType = r.Header.Get("Content-Type")
		_ = r.ParseForm()
		form = r.PostForm
		if r.URL.Path != "/ims/token/v3" {
			t.Errorf("path = %q, want /ims/token/v3", r.URL.Path)
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "tok-123456", "expires_in": 86399})
	})

	if err := env.client.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}

	if query != "" {
		t.Errorf("query = %q, want none (credentials belong in the body)", query)
	}
	if contentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q, want form encoding", contentType)
	}
	want := map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     testClientID,
		"client_secret": testClientSecret,
		"scope":         "openid,AdobeID,session",
	}
	for k, v := range want {
		if got := form[k]; len(got) != 1 || got[0] != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
}

func TestToken401013RefreshesOnce(t *testing.T) {
	env := newTestEnv(t)
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+env.ims.Tokens()[0] {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error_code": "401013", "message": "Oauth token is not valid"})
			return
		}
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	got, err := env.client.ListSandboxes(context.Background())
	if err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if len(got) != 1 {
		t.Errorf("sandboxes = %d, want 1", len(got))
	}
	if n := env.ims.requests.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 2 {
		t.Errorf("gateway calls = %d, want 2", calls)
	}
}

func TestToken401013Persistent(t *testing.T) {
	env := newTestEnv(t)
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error_code": "401013", "message": "Oauth token is not valid"})
	})

	_, err := env.client.ListSandboxes(context.Background())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Cause != CauseTokenExpired {
		t.Errorf("cause = %q, want token_expired", e.Cause)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 2 {
		t.Errorf("gateway calls = %d, want 2 (one repeat with a fresh token)", calls)
	}
	if n := env.ims.requests.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestTokenFetchedOnceConcurrently(t *testing.T) {
	env := newTestEnv(t)

	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if err := env.client.Connect(context.Background()); err != nil {
				t.Errorf("Connect: %v", err)
			}
		})
	}
	wg.Wait()

	if n := env.ims.requests.Load(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestTokenIMSRetried(t *testing.T) {
	env := newTestEnv(t)
	inner := env.ims.Config.Handler
	first := true
	env.ims.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first {
			first = false
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		inner.ServeHTTP(w, r)
	})

	if err := env.client.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if len(env.timers.Waits()) != 1 {
		t.Errorf("waits = %v, want one retry", env.timers.Waits())
	}
}

func TestGatewayHeaders(t *testing.T) {
	env := newTestEnv(t)
	headers := make(map[string]http.Header)
	var mu sync.Mutex
	record := func(name string, body any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			headers[name] = r.Header.Clone()
			mu.Unlock()
			writeJSON(w, http.StatusOK, body)
		}
	}
	env.gw.Handle(sandboxesPattern, record("sandboxes", sandboxesBody("prod")))
	env.gw.Handle("GET /data/foundation/schemaregistry/tenant/schemas", record("schemas", map[string]any{"results": []any{}}))
	env.gw.Handle("GET /data/foundation/schemaregistry/tenant/schemas/{id}", record("schema", map[string]any{"$id": "x"}))
	env.gw.Handle("POST /data/foundation/catalog/dataSets", record("create", []string{"@/dataSets/abc"}))

	ctx := context.Background()
	sb := env.client.Sandbox("dev")
	if _, err := env.client.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if _, err := sb.ListSchemas(ctx, SchemaQuery{}); err != nil {
		t.Fatalf("ListSchemas: %v", err)
	}
	if _, err := sb.GetSchema(ctx, "https://ns.adobe.com/acme/schemas/1"); err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	if _, err := sb.CreateDataset(ctx, DatasetSpec{Name: "d", SchemaID: "https://ns.adobe.com/acme/schemas/1"}); err != nil {
		t.Fatalf("CreateDataset: %v", err)
	}

	token := env.ims.LastToken()
	for name, h := range headers {
		if got := h.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("%s Authorization = %q, want the bearer token", name, got)
		}
		if got := h.Get("x-api-key"); got != testClientID {
			t.Errorf("%s x-api-key = %q, want the client ID", name, got)
		}
		if got := h.Get("x-gw-ims-org-id"); got != testOrgID {
			t.Errorf("%s x-gw-ims-org-id = %q, want the org ID", name, got)
		}
		if got := h.Get("x-sandbox-id"); got != "" {
			t.Errorf("%s sent x-sandbox-id %q", name, got)
		}
	}

	if got := headers["sandboxes"].Get("x-sandbox-name"); got != "" {
		t.Errorf("sandbox listing sent x-sandbox-name %q", got)
	}
	for _, name := range []string{"schemas", "schema", "create"} {
		if got := headers[name].Get("x-sandbox-name"); got != "dev" {
			t.Errorf("%s x-sandbox-name = %q, want dev", name, got)
		}
	}
	if got := headers["schemas"].Get("Accept"); got != "application/vnd.adobe.xed-id+json" {
		t.Errorf("schema list Accept = %q", got)
	}
	if got := headers["schema"].Get("Accept"); got != "application/vnd.adobe.xed-full+json; version=1" {
		t.Errorf("schema look-up Accept = %q", got)
	}
	if got := headers["create"].Get("Content-Type"); got != "application/json" {
		t.Errorf("create Content-Type = %q, want application/json", got)
	}
	if got := headers["sandboxes"].Get("Content-Type"); got != "" {
		t.Errorf("GET sent Content-Type %q", got)
	}
}

func TestNormalizeScopes(t *testing.T) {
	tests := map[string]string{
		"":                                "",
		"openid":                          "openid",
		"openid,AdobeID":                  "openid,AdobeID",
		" openid , AdobeID ":              "openid,AdobeID",
		"openid AdobeID\nsession":         "openid,AdobeID,session",
		"openid,,AdobeID,\r\n":            "openid,AdobeID",
		"openid,AdobeID,openid":           "openid,AdobeID",
		"\topenid\t,\tread_organizations": "openid,read_organizations",
	}
	for in, want := range tests {
		if got := NormalizeScopes(in); got != want {
			t.Errorf("NormalizeScopes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRejectsPlainHTTP(t *testing.T) {
	creds := Credentials{ClientID: "id", ClientSecret: "secret", OrgID: "org@AdobeOrg", Scopes: "openid"}
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://platform.adobe.io", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://platform.adobe.io", false},
		{"http://10.0.0.1", false},
		{"ftp://platform.adobe.io", false},
		{"platform.adobe.io", false},
	}
	for _, tt := range tests {
		_, err := New(Config{PlatformURL: tt.url, Credentials: creds})
		if tt.ok && err != nil {
			t.Errorf("New(%q) = %v, want success", tt.url, err)
		}
		if !tt.ok && !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(%q) = %v, want ErrInvalidConfig", tt.url, err)
		}
	}
}

func TestNewRequiresCredentials(t *testing.T) {
	full := Credentials{ClientID: "id", ClientSecret: "secret", OrgID: "org@AdobeOrg", Scopes: "openid"}
	for _, clear := range []func(*Credentials){
		func(c *Credentials) { c.ClientID = " " },
		func(c *Credentials) { c.ClientSecret = "" },
		func(c *Credentials) { c.OrgID = "" },
		func(c *Credentials) { c.Scopes = " , " },
	} {
		creds := full
		clear(&creds)
		if _, err := New(Config{Credentials: creds}); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("New(%+v) = %v, want ErrInvalidConfig", creds.ClientID, err)
		}
	}
}

func TestTokenFailureNotRetriedTwice(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.MaxAttempts = 3 })
	env.ims.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.ims.requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	env.gw.Handle(sandboxesPattern, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, sandboxesBody("prod"))
	})

	_, err := env.client.ListSandboxes(context.Background())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Op != "Connect" {
		t.Errorf("op = %q, want Connect (the token request failed)", e.Op)
	}
	if n := env.ims.requests.Load(); n != 3 {
		t.Errorf("token requests = %d, want 3 (the token retries only)", n)
	}
	if calls := env.gw.Calls(sandboxesPattern); calls != 0 {
		t.Errorf("gateway calls = %d, want 0", calls)
	}
}
