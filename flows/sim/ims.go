package sim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// IMS OAuth error descriptions. The invalid_client ones appear in an
// Adobe-authored sample, and the others are the simulator's wording.
const (
	descInvalidClientID     = "invalid client_id parameter"
	descInvalidClientSecret = "invalid client_secret parameter"
)

func (p *Platform) newIMSHandler() http.Handler {
	return p.serve(serviceIMS, []*endpoint{
		{route: RouteToken, svc: serviceIMS, public: true, handle: p.issueToken},
	})
}

// issueToken implements the client_credentials grant of an OAuth
// Server-to-Server credential. Parameters come from the form body or, as IMS
// also allows, the query string.
func (p *Platform) issueToken(c *call) {
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if c.r.ContentLength != 0 && mediaType != "application/x-www-form-urlencoded" {
		c.fail(newError(http.StatusBadRequest, "invalid_request", "Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	if err := c.r.ParseForm(); err != nil {
		c.fail(newError(http.StatusBadRequest, "invalid_request", "the form body could not be parsed"))
		return
	}
	form := c.r.Form

	for _, name := range []string{"grant_type", "client_id", "client_secret", "scope"} {
		if strings.TrimSpace(form.Get(name)) == "" {
			c.fail(newError(http.StatusBadRequest, "invalid_request", "missing "+name+" parameter"))
			return
		}
	}
	if grant := form.Get("grant_type"); grant != "client_credentials" {
		c.fail(newError(http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type "+strconv.Quote(grant)))
		return
	}

	p.mu.Lock()
	defer p.mu.Unlock()

	cred := p.state.credentials[form.Get("client_id")]
	if cred == nil {
		c.fail(newError(http.StatusBadRequest, "invalid_client", descInvalidClientID))
		return
	}
	if form.Get("client_secret") != cred.ClientSecret {
		c.fail(newError(http.StatusBadRequest, "invalid_client", descInvalidClientSecret))
		return
	}
	if cred.jwtOnly {
		c.fail(newError(http.StatusBadRequest, "unauthorized_client", "client_credentials grant is not allowed for this client"))
		return
	}
	if missing := missingScopes(form.Get("scope"), cred.Scopes); len(missing) > 0 {
		c.fail(newError(http.StatusBadRequest, "invalid_scope", "invalid scope: "+strings.Join(missing, ",")))
		return
	}

	lifetime := p.state.tokenLifetime
	access := newAccessToken(cred, c.now.UnixMilli(), lifetime.Milliseconds())
	p.state.tokens[access] = &token{clientID: cred.ClientID, orgID: cred.OrgID, expires: c.now.Add(lifetime)}
	p.log.Info("issued access token", "client_id", cred.ClientID, "request_id", c.id, "expires_in_s", int64(lifetime.Seconds()))

	c.json(http.StatusOK, map[string]any{
		"access_token": access,
		"token_type":   "bearer",
		"expires_in":   int64(lifetime.Seconds()),
	})
}

// missingScopes returns the requested scopes that the credential does not
// have. Order and surrounding spaces do not matter.
func missingScopes(requested, allowed string) []string {
	have := splitScopes(allowed)
	var missing []string
	for _, s := range splitScopes(requested) {
		if !slices.Contains(have, s) {
			missing = append(missing, s)
		}
	}
	return missing
}

func splitScopes(list string) []string {
	var scopes []string
	for s := range strings.SplitSeq(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

// newAccessToken returns an opaque token shaped like an IMS JWT. Its signature
// part is random, so tokens are unique and cannot be guessed.
func newAccessToken(cred *credential, createdMillis, lifetimeMillis int64) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "x5u": "ims_na1-key-at-1.cer", "kid": "ims_na1-key-at-1", "itt": "at"})
	payload, _ := json.Marshal(map[string]string{
		"id":         randomHex(32),
		"type":       "access_token",
		"client_id":  cred.ClientID,
		"user_id":    strings.ToUpper(randomHex(24)) + "@techacct.adobe.com",
		"as":         "ims-na1",
		"org":        cred.OrgID,
		"created_at": strconv.FormatInt(createdMillis, 10),
		"expires_in": strconv.FormatInt(lifetimeMillis, 10),
		"scope":      cred.Scopes,
	})
	signature := make([]byte, 64)
	_, _ = rand.Read(signature)

	enc := base64.RawURLEncoding
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(signature)
}
