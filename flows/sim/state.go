package sim

import "time"

// platformScopes is the scope string that Adobe's AEP docs use for the
// Experience Platform API on an OAuth Server-to-Server credential.
const platformScopes = "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"

// state is everything the simulator stores. Platform.mu guards all of it.
type state struct {
	orgID    string
	tenantID string
	seeded   Credential

	tokenLifetime time.Duration
	credentials   map[string]*credential
	tokens        map[string]*token

	sandboxOrder []string
	sandboxes    map[string]*sandbox

	events []InletEvent

	faults  map[string][]Fault
	latency time.Duration
	calls   map[string]int
}

// credential is a credential that IMS knows, with how it is restricted.
type credential struct {
	Credential
	notEntitled   bool
	jwtOnly       bool
	noPlatformAPI bool
}

// token is an issued access token.
type token struct {
	clientID string
	orgID    string
	expires  time.Time
	revoked  bool
}

// sandbox is one sandbox with the resources it contains.
type sandbox struct {
	name              string
	sourceProvisioned bool
}

func (sb *sandbox) createdResources() Resources {
	return Resources{}
}

func seed(opts Options) *state {
	return &state{
		orgID:         "0A1B2C3D4E5F60718293A4B5@AdobeOrg",
		tenantID:      "acmecorp",
		tokenLifetime: opts.TokenLifetime,
		credentials:   map[string]*credential{},
		tokens:        map[string]*token{},
		sandboxes:     map[string]*sandbox{},
		faults:        map[string][]Fault{},
		calls:         map[string]int{},
	}
}
