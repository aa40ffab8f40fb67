package aep_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/flows/sim"
)

// instantTimer fires at once, so retries against the simulator take no time.
type instantTimer struct{ c chan time.Time }

func newInstantTimer() aep.Timer { return &instantTimer{c: make(chan time.Time, 1)} }

func (t *instantTimer) Start(time.Duration) { t.c <- time.Time{} }
func (t *instantTimer) Stop()               {}
func (t *instantTimer) C() <-chan time.Time { return t.c }

// recordingSecrets is a redact.Secrets that also keeps every value it was
// given, so a test can search the log for each token issued.
type recordingSecrets struct {
	*redact.Secrets
	mu     sync.Mutex
	values []string
}

func (r *recordingSecrets) Add(value string) {
	r.mu.Lock()
	r.values = append(r.values, value)
	r.mu.Unlock()
	r.Secrets.Add(value)
}

func (r *recordingSecrets) Values() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.values)
}

func startSim(t *testing.T) *sim.Platform {
	t.Helper()
	p, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatalf("sim.Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func simClient(t *testing.T, p *sim.Platform, configure ...func(*aep.Config)) *aep.Client {
	t.Helper()
	cred := p.Credential()
	cfg := aep.Config{
		IMSURL:      p.IMSURL,
		PlatformURL: p.PlatformURL,
		Credentials: aep.Credentials{
			ClientID:     cred.ClientID,
			ClientSecret: cred.ClientSecret,
			OrgID:        cred.OrgID,
			Scopes:       cred.Scopes,
		},
		NewTimer:       newInstantTimer,
		RequestTimeout: 5 * time.Second,
	}
	for _, f := range configure {
		f(&cfg)
	}

	c, err := aep.New(cfg)
	if err != nil {
		t.Fatalf("aep.New: %v", err)
	}
	return c
}

// customerIOFields is the field group content for the tests: a few
// Customer.io fields under the tenant namespace.
func customerIOFields(tenant string) map[string]any {
	str := func(title string) map[string]any { return map[string]any{"type": "string", "title": title} }
	return map[string]any{
		"_" + tenant: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"customerio": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"eventId":    str("Event ID"),
						"objectType": str("Object type"),
						"metric":     str("Metric"),
						"unixTime":   map[string]any{"type": "integer", "title": "Event time (unix s)"},
						"email":      str("Email"),
					},
				},
			},
		},
	}
}

func customerIOMappings(tenant string) []aep.Mapping {
	prefix := "_" + tenant + ".customerio."
	return []aep.Mapping{
		{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"},
		{SourceType: aep.MappingExpression, Source: `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`, Destination: "timestamp"},
		{SourceType: aep.MappingAttribute, Source: "event_id", Destination: prefix + "eventId"},
		{SourceType: aep.MappingAttribute, Source: "object_type", Destination: prefix + "objectType"},
		{SourceType: aep.MappingAttribute, Source: "metric", Destination: prefix + "metric"},
		{SourceType: aep.MappingAttribute, Source: "timestamp", Destination: prefix + "unixTime"},
		{SourceType: aep.MappingAttribute, Source: "data.identifiers.email", Destination: prefix + "email"},
	}
}

// setupResult holds what runSetup created.
type setupResult struct {
	fieldGroup aep.FieldGroup
	schema     aep.SchemaSummary
	dataset    aep.Dataset
	mapping    aep.MappingSet
	source     aep.Connection
	target     aep.Connection
	flow       aep.Flow
}

// runSetup creates every resource of a Customer.io dataflow in sandbox dev,
// the way the wizard does, checking each call on the way.
func runSetup(t *testing.T, ctx context.Context, c *aep.Client, suffix string) setupResult {
	t.Helper()
	sb := c.Sandbox("dev")
	var res setupResult

	tenant, err := sb.TenantID(ctx)
	if err != nil {
		t.Fatalf("TenantID: %v", err)
	}
	if tenant == "" {
		t.Fatal("TenantID is empty")
	}

	if _, err := sb.CheckCustomerIOSource(ctx); err != nil {
		t.Fatalf("CheckCustomerIOSource: %v", err)
	}

	res.fieldGroup, err = sb.CreateFieldGroup(ctx, aep.FieldGroupSpec{
		Title:            "Customer.io reporting event " + suffix,
		Description:      "Fields copied from Customer.io reporting webhooks",
		IntendedToExtend: []string{aep.ExperienceEventClass},
		Properties:       customerIOFields(tenant),
	})
	if err != nil {
		t.Fatalf("CreateFieldGroup: %v", err)
	}

	res.schema, err = sb.CreateSchema(ctx, aep.SchemaSpec{
		Title:         "Customer.io events " + suffix,
		Class:         aep.ExperienceEventClass,
		FieldGroupIDs: []string{res.fieldGroup.ID},
	})
	if err != nil {
		t.Fatalf("CreateSchema: %v", err)
	}

	res.dataset, err = sb.CreateDataset(ctx, aep.DatasetSpec{Name: "Customer.io events " + suffix, SchemaID: res.schema.ID})
	if err != nil {
		t.Fatalf("CreateDataset: %v", err)
	}

	spec := aep.MappingSetSpec{SchemaID: res.schema.ID, Mappings: customerIOMappings(tenant)}
	issues, err := sb.ValidateMappingSet(ctx, spec)
	if err != nil {
		t.Fatalf("ValidateMappingSet: %v", err)
	}
	if len(issues) != 0 {
		t.Fatalf("ValidateMappingSet issues = %+v, want none", issues)
	}

	res.mapping, err = sb.CreateMappingSet(ctx, spec)
	if err != nil {
		t.Fatalf("CreateMappingSet: %v", err)
	}

	res.source, err = sb.CreateSourceConnection(ctx, "Customer.io source "+suffix, "Created by a test")
	if err != nil {
		t.Fatalf("CreateSourceConnection: %v", err)
	}

	res.target, err = sb.CreateTargetConnection(ctx, aep.TargetConnectionSpec{
		Name:      "Customer.io target " + suffix,
		DatasetID: res.dataset.ID,
		SchemaID:  res.schema.ID,
	})
	if err != nil {
		t.Fatalf("CreateTargetConnection: %v", err)
	}

	res.flow, err = sb.CreateFlow(ctx, aep.FlowSpec{
		Name:               "Customer.io dataflow " + suffix,
		SourceConnectionID: res.source.ID,
		TargetConnectionID: res.target.ID,
		MappingID:          res.mapping.ID,
		MappingVersion:     res.mapping.Version,
	})
	if err != nil {
		t.Fatalf("CreateFlow: %v", err)
	}
	return res
}

func TestSimEveryCall(t *testing.T) {
	p := startSim(t)
	c := simClient(t, p)
	ctx := context.Background()

	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}

	sandboxes, err := c.ListSandboxes(ctx)
	if err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	names := make([]string, len(sandboxes))
	for i, s := range sandboxes {
		names[i] = s.Name
		if s.Name == "prod" && !s.IsProduction() {
			t.Error("prod is not flagged as production")
		}
		if !s.IsActive() {
			t.Errorf("sandbox %s is not active", s.Name)
		}
	}
	for _, want := range []string{"prod", "dev", "stage"} {
		if !slices.Contains(names, want) {
			t.Errorf("sandboxes %v lack %s", names, want)
		}
	}

	sb := c.Sandbox("dev")

	// Seeded data.
	datasets, err := sb.ListDatasets(ctx, aep.DatasetQuery{})
	if err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	withSchema, err := sb.ListDatasets(ctx, aep.DatasetQuery{WithSchema: true})
	if err != nil {
		t.Fatalf("ListDatasets with schema: %v", err)
	}
	if len(withSchema) == 0 || len(withSchema) >= len(datasets) {
		t.Errorf("datasets with schema = %d of %d, want some but not all", len(withSchema), len(datasets))
	}
	web, err := sb.GetDataset(ctx, withSchema[0].ID)
	if err != nil {
		t.Fatalf("GetDataset: %v", err)
	}
	if web.SchemaRef == nil || web.Name == "" {
		t.Errorf("GetDataset = %+v, want a name and a schemaRef", web)
	}

	schemas, err := sb.ListSchemas(ctx, aep.SchemaQuery{})
	if err != nil {
		t.Fatalf("ListSchemas: %v", err)
	}
	if len(schemas) == 0 {
		t.Fatal("ListSchemas returned none")
	}
	events, err := sb.ListSchemas(ctx, aep.SchemaQuery{Extends: aep.ExperienceEventClass})
	if err != nil {
		t.Fatalf("ListSchemas extends: %v", err)
	}
	if len(events) == 0 || len(events) >= len(schemas) {
		t.Errorf("ExperienceEvent schemas = %d of %d, want some but not all", len(events), len(schemas))
	}

	// The whole setup, then every look-up of what it created.
	res := runSetup(t, ctx, c, "(cio-e2e1)")

	schema, err := sb.GetSchema(ctx, res.schema.ID)
	if err != nil {
		t.Fatalf("GetSchema: %v", err)
	}
	if schema.Class != aep.ExperienceEventClass {
		t.Errorf("schema class = %q, want ExperienceEvent", schema.Class)
	}
	assertField(t, schema.Fields, "_id", true)
	assertField(t, schema.Fields, "timestamp", true)
	tenant, _ := sb.TenantID(ctx)
	assertField(t, schema.Fields, "_"+tenant+".customerio.eventId", false)

	byAltID, err := sb.GetSchema(ctx, res.schema.AltID)
	if err != nil {
		t.Fatalf("GetSchema by altId: %v", err)
	}
	if byAltID.ID != res.schema.ID {
		t.Errorf("GetSchema by altId id = %q, want %q", byAltID.ID, res.schema.ID)
	}

	if fg, ok, err := sb.FindFieldGroupByTitle(ctx, res.fieldGroup.Title); err != nil || !ok || fg.ID != res.fieldGroup.ID {
		t.Errorf("FindFieldGroupByTitle = %+v, %v, %v; want %s", fg, ok, err, res.fieldGroup.ID)
	}
	if s, ok, err := sb.FindSchemaByTitle(ctx, res.schema.Title); err != nil || !ok || s.ID != res.schema.ID {
		t.Errorf("FindSchemaByTitle = %+v, %v, %v; want %s", s, ok, err, res.schema.ID)
	}
	if d, ok, err := sb.FindDatasetByName(ctx, res.dataset.Name); err != nil || !ok || d.ID != res.dataset.ID {
		t.Errorf("FindDatasetByName = %+v, %v, %v; want %s", d, ok, err, res.dataset.ID)
	}
	if d, err := sb.GetDataset(ctx, res.dataset.ID); err != nil || d.SchemaRef == nil || d.SchemaRef.ID != res.schema.ID {
		t.Errorf("GetDataset(created) = %+v, %v; want schema %s", d, err, res.schema.ID)
	}
	spec := aep.MappingSetSpec{SchemaID: res.schema.ID, Mappings: customerIOMappings(tenant)}
	if m, ok, err := sb.FindMappingSet(ctx, spec, time.Now().Add(-time.Hour)); err != nil || !ok || m.ID != res.mapping.ID {
		t.Errorf("FindMappingSet = %+v, %v, %v; want %s", m, ok, err, res.mapping.ID)
	}
	if sc, ok, err := sb.FindSourceConnectionByName(ctx, res.source.Name); err != nil || !ok || sc.ID != res.source.ID {
		t.Errorf("FindSourceConnectionByName = %+v, %v, %v; want %s", sc, ok, err, res.source.ID)
	}
	if tc, ok, err := sb.FindTargetConnectionByName(ctx, res.target.Name); err != nil || !ok || tc.ID != res.target.ID {
		t.Errorf("FindTargetConnectionByName = %+v, %v, %v; want %s", tc, ok, err, res.target.ID)
	}
	if f, ok, err := sb.FindFlowByName(ctx, res.flow.Name); err != nil || !ok || f.ID != res.flow.ID {
		t.Errorf("FindFlowByName = %+v, %v, %v; want %s", f, ok, err, res.flow.ID)
	}

	flow, err := sb.GetFlow(ctx, res.flow.ID)
	if err != nil {
		t.Fatalf("GetFlow: %v", err)
	}
	if !strings.HasPrefix(flow.InletURL, p.InletURL+"/collection/") {
		t.Errorf("inlet URL = %q, want one under %s", flow.InletURL, p.InletURL)
	}
	if flow.MappingID != res.mapping.ID {
		t.Errorf("flow mapping = %q, want %q", flow.MappingID, res.mapping.ID)
	}
	if !slices.Contains(flow.SourceConnectionIDs, res.source.ID) {
		t.Errorf("flow sources = %v, want %s", flow.SourceConnectionIDs, res.source.ID)
	}

	flows, err := sb.ListCustomerIOFlows(ctx)
	if err != nil {
		t.Fatalf("ListCustomerIOFlows: %v", err)
	}
	if !slices.ContainsFunc(flows, func(f aep.Flow) bool { return f.ID == res.flow.ID }) {
		t.Errorf("ListCustomerIOFlows = %+v, want flow %s", flows, res.flow.ID)
	}

	// An event posted to the webhook URL shows up in a run.
	postEvent(t, aep.WebhookURL(flow.InletURL, flow.ID))
	runs, err := sb.ListRuns(ctx, flow.ID, time.Time{})
	if err != nil {
		t.Fatalf("ListRuns: %v", err)
	}
	var input int64
	for _, r := range runs {
		input += r.InputRecords
	}
	if input != 1 {
		t.Errorf("run input records = %d, want 1 (runs %+v)", input, runs)
	}

	if err := sb.DisableFlow(ctx, flow.ID); err != nil {
		t.Fatalf("DisableFlow: %v", err)
	}
	if f, _ := sb.GetFlow(ctx, flow.ID); f.State != "disabled" {
		t.Errorf("state after DisableFlow = %q, want disabled", f.State)
	}
	if err := sb.EnableFlow(ctx, flow.ID); err != nil {
		t.Fatalf("EnableFlow: %v", err)
	}
	if f, _ := sb.GetFlow(ctx, flow.ID); f.State != "enabled" {
		t.Errorf("state after EnableFlow = %q, want enabled", f.State)
	}

	// Roll back, newest first.
	rollback(t, ctx, sb, res)
	if inv := p.Inventory(); len(inv) != 0 {
		t.Errorf("inventory after rollback = %+v, want empty", inv)
	}

	if _, err := sb.GetFlow(ctx, flow.ID); !aep.IsNotFound(err) {
		t.Errorf("GetFlow after delete = %v, want not found", err)
	}
}

func rollback(t *testing.T, ctx context.Context, sb *aep.SandboxClient, res setupResult) {
	t.Helper()
	steps := []struct {
		name string
		run  func() error
	}{
		{"DeleteFlow", func() error { return sb.DeleteFlow(ctx, res.flow.ID) }},
		{"DeleteMappingSet", func() error { return sb.DeleteMappingSet(ctx, res.mapping.ID) }},
		{"DeleteTargetConnection", func() error { return sb.DeleteTargetConnection(ctx, res.target.ID) }},
		{"DeleteSourceConnection", func() error { return sb.DeleteSourceConnection(ctx, res.source.ID) }},
		{"DeleteDataset", func() error { return sb.DeleteDataset(ctx, res.dataset.ID) }},
		{"DeleteSchema", func() error { return sb.DeleteSchema(ctx, res.schema.ID) }},
		{"DeleteFieldGroup", func() error { return sb.DeleteFieldGroup(ctx, res.fieldGroup.ID) }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}

func assertField(t *testing.T, fields []aep.SchemaField, path string, required bool) {
	t.Helper()
	i := slices.IndexFunc(fields, func(f aep.SchemaField) bool { return f.Path == path })
	if i < 0 {
		t.Errorf("schema lacks field %s", path)
		return
	}
	if fields[i].Required != required {
		t.Errorf("field %s required = %v, want %v", path, fields[i].Required, required)
	}
}

func postEvent(t *testing.T, webhookURL string) {
	t.Helper()
	body, err := os.ReadFile("../../../shared/fixtures/customerio/customer.json")
	if err != nil {
		body = []byte(`{"event_id": "01E4C4CT6YDC7Y5M7FE1GWWPQJ", "object_type": "customer", "metric": "subscribed",
			"timestamp": 1613063089, "data": {"customer_id": "42", "identifiers": {"id": "42", "email": "test@example.com"}}}`)
	}
	body = firstEvent(body)

	resp, err := http.Post(webhookURL, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("posting to the webhook URL: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inlet status = %d, want 200", resp.StatusCode)
	}
}

// firstEvent returns the first element when body is a JSON array of events.
func firstEvent(body []byte) []byte {
	var events []json.RawMessage
	if err := json.Unmarshal(body, &events); err != nil || len(events) == 0 {
		return body
	}
	return events[0]
}

func TestSimRedactedLog(t *testing.T) {
	p := startSim(t)
	secrets := &recordingSecrets{Secrets: redact.NewSecrets()}

	var redacted, raw bytes.Buffer
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	handler := fanOut{redact.NewHandler(slog.NewTextHandler(&redacted, opts), secrets.Secrets), slog.NewJSONHandler(&raw, opts)}
	c := simClient(t, p, func(cfg *aep.Config) {
		cfg.Logger = slog.New(handler)
		cfg.Secrets = secrets
	})
	ctx := context.Background()

	// A scripted session: token, lists, creates, a retried call, an expired
	// token and an error.
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if _, err := c.ListSandboxes(ctx); err != nil {
		t.Fatalf("ListSandboxes: %v", err)
	}
	p.InjectFaults(sim.RouteDatasets, sim.Fault{Status: http.StatusServiceUnavailable})
	if _, err := c.Sandbox("dev").ListDatasets(ctx, aep.DatasetQuery{}); err != nil {
		t.Fatalf("ListDatasets: %v", err)
	}
	p.ExpireTokens()
	res := runSetup(t, ctx, c, "(cio-log1)")
	if _, err := c.Sandbox("nosuchsandbox").GetFlow(ctx, res.flow.ID); err == nil {
		t.Error("GetFlow in an unknown sandbox succeeded")
	}
	rollback(t, ctx, c.Sandbox("dev"), res)

	values := secrets.Values()
	cred := p.Credential()
	if !slices.Contains(values, cred.ClientSecret) {
		t.Error("the client secret was not registered with the redactor")
	}
	tokens := 0
	for _, v := range values {
		if v != cred.ClientSecret {
			tokens++
		}
	}
	if tokens < 2 {
		t.Errorf("tokens registered = %d, want at least 2 (one after ExpireTokens)", tokens)
	}

	for name, out := range map[string]string{"redacted": redacted.String(), "raw": raw.String()} {
		if !strings.Contains(out, "aep request") {
			t.Errorf("%s log has no request lines", name)
		}
		if !strings.Contains(out, "aep retry") {
			t.Errorf("%s log has no retry line", name)
		}
		for _, v := range values {
			if strings.Contains(out, v) {
				t.Errorf("%s log contains a secret or token (%d characters)", name, len(v))
			}
		}
	}
}

// fanOut sends each record to several handlers.
type fanOut []slog.Handler

func (f fanOut) Enabled(ctx context.Context, level slog.Level) bool {
	return slices.ContainsFunc(f, func(h slog.Handler) bool { return h.Enabled(ctx, level) })
}

func (f fanOut) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (f fanOut) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanOut, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanOut) WithGroup(name string) slog.Handler {
	out := make(fanOut, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
