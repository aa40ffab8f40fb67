package sim_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/sim"
)

func TestTokenIssued(t *testing.T) {
	p := startPlatform(t, sim.Options{TokenLifetime: 2 * time.Hour})
	cred := p.Credential()

	res := postForm(t, p.IMSURL+"/ims/token/v3", url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {cred.ClientID},
		"client_secret": {cred.ClientSecret},
		"scope":         {"session, openid,AdobeID,read_organizations,additional_info.projectedProductContext"},
	})
	mustStatus(t, res, http.StatusOK)

	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	res.decode(t, &tok)
	if strings.Count(tok.AccessToken, ".") != 2 {
		t.Errorf("access_token %q does not look like a JWT", tok.AccessToken)
	}
	if tok.TokenType != "bearer" {
		t.Errorf("token_type = %q, want bearer", tok.TokenType)
	}
	if tok.ExpiresIn != 7200 {
		t.Errorf("expires_in = %d, want 7200 seconds", tok.ExpiresIn)
	}
	if res.header.Get("x-request-id") == "" {
		t.Error("token response has no x-request-id header")
	}
}

func TestTokenErrors(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	cred := p.Credential()
	jwt := sim.Credential{ClientID: "jwt-client", ClientSecret: "jwt-secret"}
	p.AddCredential(jwt, sim.ServiceAccountJWT())

	valid := func() url.Values {
		return url.Values{
			"grant_type":    {"client_credentials"},
			"client_id":     {cred.ClientID},
			"client_secret": {cred.ClientSecret},
			"scope":         {cred.Scopes},
		}
	}
	tests := []struct {
		name        string
		edit        func(url.Values)
		wantError   string
		wantMessage string
	}{
		{"wrong secret", func(v url.Values) { v.Set("client_secret", "wrong") }, "invalid_client", "invalid client_secret parameter"},
		{"wrong client id", func(v url.Values) { v.Set("client_id", "nobody") }, "invalid_client", "invalid client_id parameter"},
		{"jwt credential", func(v url.Values) {
			v.Set("client_id", jwt.ClientID)
			v.Set("client_secret", jwt.ClientSecret)
		}, "unauthorized_client", ""},
		{"scope not granted", func(v url.Values) { v.Set("scope", cred.Scopes+",adobeio_api") }, "invalid_scope", ""},
		{"missing grant type", func(v url.Values) { v.Del("grant_type") }, "invalid_request", ""},
		{"missing scope", func(v url.Values) { v.Del("scope") }, "invalid_request", ""},
		{"other grant type", func(v url.Values) { v.Set("grant_type", "password") }, "unsupported_grant_type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := valid()
			tt.edit(form)
			res := postForm(t, p.IMSURL+"/ims/token/v3", form)
			mustStatus(t, res, http.StatusBadRequest)

			body := res.object(t)
			if body["error"] != tt.wantError {
				t.Errorf("error = %v, want %s", body["error"], tt.wantError)
			}
			if tt.wantMessage != "" && body["error_description"] != tt.wantMessage {
				t.Errorf("error_description = %v, want %s", body["error_description"], tt.wantMessage)
			}
			if strings.Contains(string(res.body), cred.ClientSecret) {
				t.Error("error body contains the client secret")
			}
		})
	}
}

func TestTokenExpiry(t *testing.T) {
	clock := newFakeClock()
	p := startPlatform(t, sim.Options{TokenLifetime: time.Hour, Now: clock.Now})
	s := newSession(t, p)

	mustStatus(t, s.get("/data/foundation/sandbox-management/"), http.StatusOK)

	clock.Add(59 * time.Minute)
	mustStatus(t, s.get("/data/foundation/sandbox-management/"), http.StatusOK)

	clock.Add(time.Minute)
	res := s.get("/data/foundation/sandbox-management/")
	mustStatus(t, res, http.StatusUnauthorized)
	if code := res.object(t)["error_code"]; code != "401013" {
		t.Errorf("error_code = %v, want 401013", code)
	}

	s.token = s.requestToken(s.cred)
	mustStatus(t, s.get("/data/foundation/sandbox-management/"), http.StatusOK)
}

func TestExpireTokens(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)
	mustStatus(t, s.get("/data/foundation/sandbox-management/"), http.StatusOK)

	p.ExpireTokens()
	res := s.get("/data/foundation/sandbox-management/")
	mustStatus(t, res, http.StatusUnauthorized)
	if code := res.object(t)["error_code"]; code != "401013" {
		t.Errorf("error_code = %v, want 401013", code)
	}

	s.token = s.requestToken(s.cred)
	mustStatus(t, s.get("/data/foundation/sandbox-management/"), http.StatusOK)
}

func TestLogsContainNoSecret(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := startPlatform(t, sim.Options{Logger: logger})
	s := newSession(t, p)

	buildDataflow(t, s, "Logged")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.cred.ClientID}, "client_secret": {"wrong"}, "scope": {s.cred.Scopes}}
	postForm(t, p.IMSURL+"/ims/token/v3", form)

	if logs.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	if strings.Contains(logs.String(), s.cred.ClientSecret) {
		t.Error("logs contain the client secret")
	}
	if strings.Contains(logs.String(), s.token) {
		t.Error("logs contain the access token")
	}
}
