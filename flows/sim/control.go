package sim

import (
	"slices"
	"time"
)

// Fault is one injected failure for one call of a route. A fault with only
// Delay set slows the call down and then lets it run normally.
type Fault struct {
	// Status is the HTTP status to return. Zero means no error response.
	Status int

	// RetryAfter, when set, is sent as the Retry-After header (seconds or an
	// HTTP date, passed through as given).
	RetryAfter string

	// Body replaces the error body that Code and Message would produce.
	Body string

	// Delay postpones the call before anything else happens. The wait ends early
	// when the request context is cancelled.
	Delay time.Duration

	// Reset closes the connection without writing a response.
	Reset bool

	// Malformed returns 200 with a truncated, invalid JSON body.
	Malformed bool

	// Code and Message fill the documented error body of the route's service:
	// error_code for the gateway, FLOW-{code}-{status} for Flow Service,
	// XDM-{code}-{status} for the Schema Registry, the OAuth error for IMS.
	// Without Code the service's generic code for Status is used.
	Code    string
	Message string
}

// CredentialOption changes how IMS and the gateway treat an added credential.
type CredentialOption func(*credential)

// NotEntitled makes the gateway reject the credential's tokens with 403025, as
// for a credential without an Experience Platform product profile in the org.
func NotEntitled() CredentialOption {
	return func(c *credential) { c.notEntitled = true }
}

// ServiceAccountJWT makes IMS reject client_credentials requests with
// unauthorized_client, as for a deprecated Service Account (JWT) credential.
func ServiceAccountJWT() CredentialOption {
	return func(c *credential) { c.jwtOnly = true }
}

// WithoutPlatformAPI makes the gateway reject the credential's client ID as
// x-api-key with 403003, as for a project without the Experience Platform API.
func WithoutPlatformAPI() CredentialOption {
	return func(c *credential) { c.noPlatformAPI = true }
}

// Credential returns the seeded OAuth Server-to-Server credential, entitled to
// Experience Platform in the seeded organization.
func (p *Platform) Credential() Credential {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.seeded
}

// AddCredential registers another credential with IMS. An empty OrgID means the
// seeded organization, and empty Scopes means the usual Experience Platform scopes.
func (p *Platform) AddCredential(c Credential, opts ...CredentialOption) {
	p.mu.Lock()
	defer p.mu.Unlock()

	if c.OrgID == "" {
		c.OrgID = p.state.orgID
	}
	if c.Scopes == "" {
		c.Scopes = platformScopes
	}
	cred := &credential{Credential: c}
	for _, opt := range opts {
		opt(cred)
	}
	p.state.credentials[c.ClientID] = cred
}

// InjectFaults appends faults to the route's queue. Each call of the route
// consumes the next fault in order, until the queue is empty.
func (p *Platform) InjectFaults(route string, faults ...Fault) {
	if !p.routes[route] {
		p.log.Warn("faults injected for a route the simulator does not serve", "route", route)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.faults[route] = append(p.state.faults[route], faults...)
}

// SetLatency delays every call of every route by d. The wait ends early when the
// request context is cancelled.
func (p *Platform) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state.latency = d
}

// Calls returns how many calls the route has received, including calls that
// were faulted or rejected.
func (p *Platform) Calls(route string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.calls[route]
}

// ExpireTokens makes every token issued so far invalid, so the gateway returns
// 401013 until the client requests a new one.
func (p *Platform) ExpireTokens() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.state.tokens {
		t.revoked = true
	}
}

// SetSourceProvisioned sets whether the Customer.io source is provisioned in a
// sandbox. When it is not, the connection spec look-up and source connection
// creation fail with Flow Service error 1100-400.
func (p *Platform) SetSourceProvisioned(sandbox string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if sb := p.state.sandboxes[sandbox]; sb != nil {
		sb.sourceProvisioned = ok
	}
}

// Inventory lists, per sandbox, the IDs of the resources created through the
// API and not deleted since. Seeded resources are not included.
type Inventory map[string]Resources

// Resources contains the IDs of one sandbox's created resources by kind, in
// creation order.
type Resources struct {
	FieldGroups       []string
	Schemas           []string
	Datasets          []string
	MappingSets       []string
	SourceConnections []string
	TargetConnections []string
	Flows             []string
}

// Inventory returns the resources created through the API so far, per sandbox.
// Sandboxes without any created resource are left out.
func (p *Platform) Inventory() Inventory {
	p.mu.Lock()
	defer p.mu.Unlock()

	inv := Inventory{}
	for name, sb := range p.state.sandboxes {
		res := sb.createdResources()
		if !res.empty() {
			inv[name] = res
		}
	}
	return inv
}

func (r Resources) empty() bool {
	return len(r.FieldGroups)+len(r.Schemas)+len(r.Datasets)+len(r.MappingSets)+
		len(r.SourceConnections)+len(r.TargetConnections)+len(r.Flows) == 0
}

// InletEvents returns the posts the inlet received for a flow, accepted and
// rejected, in arrival order.
func (p *Platform) InletEvents(flowID string) []InletEvent {
	p.mu.Lock()
	defer p.mu.Unlock()

	var events []InletEvent
	for _, rec := range p.state.events {
		if rec.FlowID == flowID {
			e := rec.InletEvent
			e.Body = slices.Clone(e.Body)
			e.MappingErrors = slices.Clone(e.MappingErrors)
			events = append(events, e)
		}
	}
	return events
}
