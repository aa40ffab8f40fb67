package aep_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

func TestSimTransientFaultsRecover(t *testing.T) {
	faults := map[string]sim.Fault{
		"429 with Retry-After": {Status: http.StatusTooManyRequests, RetryAfter: "1"},
		"500":                  {Status: http.StatusInternalServerError},
		"503":                  {Status: http.StatusServiceUnavailable},
		"connection reset":     {Reset: true},
		"malformed body":       {Malformed: true},
		"flow code 1103":       {Status: http.StatusServiceUnavailable, Code: "1103"},
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			p := startSim(t)
			c := simClient(t, p)
			p.InjectFaults(sim.RouteFlows, fault, fault)

			var retries atomic.Int32
			ctx := aep.WithRetryObserver(context.Background(), func(aep.RetryEvent) { retries.Add(1) })
			if _, err := c.Sandbox("dev").ListCustomerIOFlows(ctx); err != nil {
				t.Fatalf("ListCustomerIOFlows: %v", err)
			}
			if calls := p.Calls(sim.RouteFlows); calls != 3 {
				t.Errorf("calls = %d, want 3", calls)
			}
			if n := retries.Load(); n != 2 {
				t.Errorf("retries reported = %d, want 2", n)
			}
		})
	}
}

func TestSimPersistentFaultStops(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p, func(cfg *aep.Config) { cfg.MaxAttempts = 3 })
	for range 5 {
		p.InjectFaults(sim.RouteDatasets, sim.Fault{Status: http.StatusInternalServerError})
	}

	_, err := c.Sandbox("dev").ListDatasets(context.Background(), aep.DatasetQuery{})
	var e *aep.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *aep.Error", err)
	}
	if e.Status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", e.Status)
	}
	if e.Attempts != 3 {
		t.Errorf("attempts = %d, want 3", e.Attempts)
	}
	if e.RequestID == "" {
		t.Error("request id is empty")
	}
	if e.Sandbox != "dev" {
		t.Errorf("sandbox = %q, want dev", e.Sandbox)
	}
	if calls := p.Calls(sim.RouteDatasets); calls != 3 {
		t.Errorf("calls = %d, want 3", calls)
	}
}

func TestSimExpiredTokenRefreshed(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p)
	ctx := context.Background()

	if _, err := c.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	p.ExpireTokens()
	if _, err := c.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes after ExpireTokens: %v", err)
	}
	if calls := p.Calls(sim.RouteToken); calls != 2 {
		t.Errorf("token calls = %d, want 2", calls)
	}
	if calls := p.Calls(sim.RouteSandboxes); calls != 3 {
		t.Errorf("sandbox calls = %d, want 3 (one repeated with the new token)", calls)
	}
}

func TestSimTokenRefreshedBeforeExpiry(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	p, err := sim.Start(sim.Options{TokenLifetime: time.Hour, Now: now})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	c := simClient(t, p, func(cfg *aep.Config) { cfg.Now = now })
	ctx := context.Background()

	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	advance(49 * time.Minute)
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if calls := p.Calls(sim.RouteToken); calls != 1 {
		t.Errorf("token calls with 11 min left = %d, want 1", calls)
	}
	advance(2 * time.Minute)
	if _, err := c.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	if calls := p.Calls(sim.RouteToken); calls != 2 {
		t.Errorf("token calls with 9 min left = %d, want 2", calls)
	}
}

func TestSimCreateTimeoutNotDuplicated(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p, func(cfg *aep.Config) { cfg.RequestTimeout = 200 * time.Millisecond })
	ctx := context.Background()
	sb := c.Sandbox("dev")

	// The simulator drops a call whose client gave up during the delay.
	p.InjectFaults(sim.RouteCreateSourceConnection, sim.Fault{Delay: time.Second})
	conn, err := sb.CreateSourceConnection(ctx, "Customer.io source (cio-tmo1)", "")
	if err != nil {
		t.Fatalf("CreateSourceConnection: %v", err)
	}
	if calls := p.Calls(sim.RouteSourceConnections); calls != 1 {
		t.Errorf("look-up calls = %d, want 1", calls)
	}
	if calls := p.Calls(sim.RouteCreateSourceConnection); calls != 2 {
		t.Errorf("create calls = %d, want 2", calls)
	}
	if got := p.Inventory()["dev"].SourceConnections; len(got) != 1 || got[0] != conn.ID {
		t.Errorf("source connections = %v, want only %s", got, conn.ID)
	}
}

// TestSimCreateResponseLost lets the simulator create the flow and then
// withholds the response until the client times out, so the client must
// find the flow by name instead of posting it again.
func TestSimCreateResponseLost(t *testing.T) {
	p := startSim(t)
	var lost atomic.Bool
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/data/foundation/flowservice/flows" && lost.CompareAndSwap(false, true) {
			p.GatewayHandler().ServeHTTP(httptest.NewRecorder(), r)
			<-r.Context().Done()
			return
		}
		p.GatewayHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(gateway.Close)

	c := simClient(t, p, func(cfg *aep.Config) {
		cfg.PlatformURL = gateway.URL
		cfg.RequestTimeout = 300 * time.Millisecond
	})
	ctx := context.Background()
	res := runSetup(t, ctx, c, "(cio-lost)")

	if calls := p.Calls(sim.RouteCreateFlow); calls != 1 {
		t.Errorf("create flow calls = %d, want 1", calls)
	}
	flows := p.Inventory()["dev"].Flows
	if len(flows) != 1 || flows[0] != res.flow.ID {
		t.Errorf("flows = %v, want only %s", flows, res.flow.ID)
	}
}

func TestSimCreateMalformedNotDuplicated(t *testing.T) {
	p := startSim(t)
	var lost atomic.Bool
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/data/foundation/catalog/dataSets" && lost.CompareAndSwap(false, true) {
			rec := httptest.NewRecorder()
			p.GatewayHandler().ServeHTTP(rec, r)
			w.WriteHeader(rec.Code)
			_, _ = io.WriteString(w, `["@/dataSe`)
			return
		}
		p.GatewayHandler().ServeHTTP(w, r)
	}))
	t.Cleanup(gateway.Close)

	c := simClient(t, p, func(cfg *aep.Config) { cfg.PlatformURL = gateway.URL })
	res := runSetup(t, context.Background(), c, "(cio-garbled)")

	if calls := p.Calls(sim.RouteCreateDataset); calls != 1 {
		t.Errorf("create dataset calls = %d, want 1", calls)
	}
	datasets := p.Inventory()["dev"].Datasets
	if len(datasets) != 1 || datasets[0] != res.dataset.ID {
		t.Errorf("datasets = %v, want only %s", datasets, res.dataset.ID)
	}
}

func TestSimEveryCreateSurvivesReset(t *testing.T) {
	routes := []string{
		sim.RouteCreateFieldGroup,
		sim.RouteCreateSchema,
		sim.RouteCreateDataset,
		sim.RouteCreateMappingSet,
		sim.RouteCreateSourceConnection,
		sim.RouteCreateTargetConnection,
		sim.RouteCreateFlow,
	}
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			p := startSim(t)
			c := simClient(t, p)
			p.InjectFaults(route, sim.Fault{Reset: true}, sim.Fault{Status: http.StatusBadGateway})

			runSetup(t, context.Background(), c, "(cio-rst1)")

			if calls := p.Calls(route); calls != 3 {
				t.Errorf("calls = %d, want 3", calls)
			}
			inv := p.Inventory()["dev"]
			for kind, ids := range map[string][]string{
				"field groups": inv.FieldGroups, "schemas": inv.Schemas, "datasets": inv.Datasets,
				"mapping sets": inv.MappingSets, "source connections": inv.SourceConnections,
				"target connections": inv.TargetConnections, "flows": inv.Flows,
			} {
				if len(ids) != 1 {
					t.Errorf("%s = %d, want 1", kind, len(ids))
				}
			}
		})
	}
}

func TestSimErrorCauses(t *testing.T) {
	p := startSim(t)
	seeded := p.Credential()
	add := func(id string, opts ...sim.CredentialOption) aep.Credentials {
		p.AddCredential(sim.Credential{ClientID: id, ClientSecret: "secret-" + id}, opts...)
		return aep.Credentials{ClientID: id, ClientSecret: "secret-" + id, OrgID: seeded.OrgID, Scopes: seeded.Scopes}
	}
	notEntitled := add("not-entitled-client", sim.NotEntitled())
	jwt := add("jwt-client", sim.ServiceAccountJWT())
	noAPI := add("no-api-client", sim.WithoutPlatformAPI())
	wrongSecret := aep.Credentials{ClientID: seeded.ClientID, ClientSecret: "wrong-secret", OrgID: seeded.OrgID, Scopes: seeded.Scopes}
	extraScope := aep.Credentials{ClientID: seeded.ClientID, ClientSecret: seeded.ClientSecret, OrgID: seeded.OrgID,
		Scopes: seeded.Scopes + ",not_a_scope"}

	tests := []struct {
		name  string
		creds aep.Credentials
		cause aep.Cause
	}{
		{"wrong secret", wrongSecret, aep.CauseInvalidClient},
		{"JWT credential", jwt, aep.CauseUnauthorizedClient},
		{"scope not allowed", extraScope, aep.CauseInvalidScope},
		{"not entitled", notEntitled, aep.CauseNotEntitled},
		{"API not added", noAPI, aep.CauseAPINotAdded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := simClient(t, p, func(cfg *aep.Config) { cfg.Credentials = tt.creds })
			_, err := c.ListSandboxes(context.Background())
			if got := aep.CauseOf(err); got != tt.cause {
				t.Errorf("cause = %q, want %q (error %v)", got, tt.cause, err)
			}
		})
	}

	t.Run("invalid scope carries the scopes", func(t *testing.T) {
		c := simClient(t, p, func(cfg *aep.Config) { cfg.Credentials = extraScope })
		err := c.Connect(context.Background())
		var e *aep.Error
		if !errors.As(err, &e) {
			t.Fatalf("error = %v, want *aep.Error", err)
		}
		if e.Scopes != extraScope.Scopes {
			t.Errorf("scopes = %q, want %q", e.Scopes, extraScope.Scopes)
		}
	})

	t.Run("unknown sandbox", func(t *testing.T) {
		c := simClient(t, p)
		_, err := c.Sandbox("nosuchsandbox").ListCustomerIOFlows(context.Background())
		if got := aep.CauseOf(err); got != aep.CauseSandboxNotFound {
			t.Errorf("cause = %q, want sandbox_not_found (error %v)", got, err)
		}
	})

	t.Run("source not provisioned", func(t *testing.T) {
		p.SetSourceProvisioned("stage", false)
		c := simClient(t, p)
		_, err := c.Sandbox("stage").CheckCustomerIOSource(context.Background())
		if got := aep.CauseOf(err); got != aep.CauseSourceNotProvisioned {
			t.Errorf("cause = %q, want source_not_provisioned (error %v)", got, err)
		}
	})

	t.Run("deleted flow not found", func(t *testing.T) {
		c := simClient(t, p)
		_, err := c.Sandbox("dev").GetFlow(context.Background(), "00000000-0000-0000-0000-000000000000")
		if !aep.IsNotFound(err) {
			t.Errorf("error = %v, want not found", err)
		}
	})
}

func TestSimSchemaMismatch(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p)
	ctx := context.Background()
	sb := c.Sandbox("dev")

	res := runSetup(t, ctx, c, "(cio-mism)")

	// A target connection for a seeded dataset whose schema is not the
	// mapping set's schema.
	datasets, err := sb.ListDatasets(ctx, aep.DatasetQuery{Name: "Web events dataset"})
	if err != nil || len(datasets) != 1 {
		t.Fatalf("ListDatasets(Web events dataset) = %v, %v", datasets, err)
	}
	web := datasets[0]
	target, err := sb.CreateTargetConnection(ctx, aep.TargetConnectionSpec{
		Name: "Mismatched target (cio-mism)", DatasetID: web.ID, SchemaID: web.SchemaRef.ID,
	})
	if err != nil {
		t.Fatalf("CreateTargetConnection: %v", err)
	}

	_, err = sb.CreateFlow(ctx, aep.FlowSpec{
		Name:               "Mismatched flow (cio-mism)",
		SourceConnectionID: res.source.ID,
		TargetConnectionID: target.ID,
		MappingID:          res.mapping.ID,
	})
	var e *aep.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *aep.Error", err)
	}
	if e.Cause != aep.CauseSchemaMismatch {
		t.Errorf("cause = %q, want schema_mismatch", e.Cause)
	}
	if e.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", e.Attempts)
	}
}

func TestSimMappingValidationIssues(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p)
	ctx := context.Background()
	sb := c.Sandbox("dev")
	res := runSetup(t, ctx, c, "(cio-val1)")
	tenant, _ := sb.TenantID(ctx)

	// No _id mapping, and one destination that is not in the schema.
	mappings := customerIOMappings(tenant)[1:]
	mappings = append(mappings, aep.Mapping{SourceType: aep.MappingAttribute, Source: "metric", Destination: "_" + tenant + ".nosuchfield"})
	issues, err := sb.ValidateMappingSet(ctx, aep.MappingSetSpec{SchemaID: res.schema.ID, Mappings: mappings})
	if err != nil {
		t.Fatalf("ValidateMappingSet: %v", err)
	}

	var missingID, unknownField bool
	for _, issue := range issues {
		if issue.Destination == "_id" {
			missingID = true
			if issue.Index != -1 {
				t.Errorf("missing _id index = %d, want -1", issue.Index)
			}
		}
		if issue.Destination == "_"+tenant+".nosuchfield" {
			unknownField = true
			if issue.Index != len(mappings)-1 {
				t.Errorf("unknown field index = %d, want %d", issue.Index, len(mappings)-1)
			}
		}
	}
	if !missingID {
		t.Errorf("issues %+v do not report the missing _id", issues)
	}
	if !unknownField {
		t.Errorf("issues %+v do not report the unknown destination", issues)
	}
}

func TestSimScaleListing(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	p, err := sim.Start(sim.Options{Datasets: 10000, Schemas: 3000})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	c := simClient(t, p)
	ctx := context.Background()
	sb := c.Sandbox("prod")

	datasets, err := sb.ListDatasets(ctx, aep.DatasetQuery{})
	if err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	if len(datasets) < 10000 {
		t.Errorf("datasets = %d, want at least 10000", len(datasets))
	}
	pages := (len(datasets) + 99) / 100
	if calls := p.Calls(sim.RouteDatasets); calls < pages || calls > pages+3 {
		t.Errorf("dataset page calls = %d, want %d to %d", calls, pages, pages+3)
	}

	schemas, err := sb.ListSchemas(ctx, aep.SchemaQuery{})
	if err != nil {
		t.Fatalf("ListSchemas: %v", err)
	}
	if len(schemas) < 3000 {
		t.Errorf("schemas = %d, want at least 3000", len(schemas))
	}
	seen := make(map[string]bool, len(schemas))
	for _, s := range schemas {
		if seen[s.ID] {
			t.Fatalf("schema %s listed twice", s.ID)
		}
		seen[s.ID] = true
	}
}
