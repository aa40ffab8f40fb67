package contract_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/contract"
	"github.com/cioaep/setup/flows/sim"
)

// clientRoutes are the routes the Adobe client uses, named as the simulator
// names them. Every one must be exercised by TestClientContract.
var clientRoutes = []string{
	sim.RouteToken,
	sim.RouteSandboxes,
	sim.RouteStats,
	sim.RouteDatasets,
	sim.RouteDataset,
	sim.RouteCreateDataset,
	sim.RouteDeleteDataset,
	sim.RouteSchemas,
	sim.RouteSchema,
	sim.RouteCreateSchema,
	sim.RouteDeleteSchema,
	sim.RouteFieldGroups,
	sim.RouteCreateFieldGroup,
	sim.RouteDeleteFieldGroup,
	sim.RouteConnectionSpec,
	sim.RouteSourceConnections,
	sim.RouteSourceConnection,
	sim.RouteCreateSourceConnection,
	sim.RouteDeleteSourceConnection,
	sim.RouteTargetConnections,
	sim.RouteTargetConnection,
	sim.RouteCreateTargetConnection,
	sim.RouteDeleteTargetConnection,
	sim.RouteValidateMappingSet,
	sim.RouteCreateMappingSet,
	sim.RouteMappingSets,
	sim.RouteDeleteMappingSet,
	sim.RouteCreateFlow,
	sim.RouteFlow,
	sim.RouteFlows,
	sim.RouteFlowAction,
	sim.RouteDeleteFlow,
	sim.RouteRuns,
	sim.RouteCollect,
}

// contractRig is the simulated platform behind validating servers and an
// Adobe client pointed at them.
type contractRig struct {
	platform *sim.Platform
	recorder *contract.Recorder
	// Base URLs of the validating servers.
	imsURL, gatewayURL, inletURL string
	client                       *aep.Client
}

func newContractRig(t *testing.T) *contractRig {
	t.Helper()

	specs := loadSpecs(t)
	platform, err := sim.Start(sim.Options{})
	if err != nil {
		t.Fatalf("start the simulator: %v", err)
	}
	t.Cleanup(func() { platform.Close() })

	// The simulator's own listeners stay unused: the client talks to
	// servers that pass every exchange through the recorder.
	recorder := specs.NewRecorder(nil)
	serve := func(handler http.Handler) string {
		server := httptest.NewServer(recorder.Middleware(handler))
		t.Cleanup(server.Close)
		return server.URL
	}
	imsURL := serve(platform.IMSHandler())
	gatewayURL := serve(platform.GatewayHandler())
	inletURL := serve(platform.InletHandler())

	credential := platform.Credential()
	client, err := aep.New(aep.Config{
		IMSURL:      imsURL,
		PlatformURL: gatewayURL,
		Credentials: aep.Credentials{
			ClientID:     credential.ClientID,
			ClientSecret: credential.ClientSecret,
			OrgID:        credential.OrgID,
			Scopes:       credential.Scopes,
		},
	})
	if err != nil {
		t.Fatalf("aep.New: %v", err)
	}
	return &contractRig{
		platform:   platform,
		recorder:   recorder,
		imsURL:     imsURL,
		gatewayURL: gatewayURL,
		inletURL:   inletURL,
		client:     client,
	}
}

// must fails the test when err is not nil.
func must(t *testing.T, step string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// mustFind fails the test when a look-up failed or found nothing.
func mustFind(t *testing.T, step string, found bool, err error) {
	t.Helper()
	must(t, step, err)
	if !found {
		t.Fatalf("%s: not found", step)
	}
}

func TestClientContract(t *testing.T) {
	rig := newContractRig(t)
	ctx := t.Context()
	stamp := time.Now().UTC().Format("20060102T150405")

	// Sign in and pick a sandbox.
	must(t, "Connect", rig.client.Connect(ctx))
	sandboxes, err := rig.client.ListSandboxes(ctx)
	must(t, "ListSandboxes", err)
	if len(sandboxes) == 0 {
		t.Fatal("ListSandboxes returned no sandbox")
	}
	sandbox := rig.client.Sandbox("dev")
	tenant, err := sandbox.TenantID(ctx)
	must(t, "TenantID", err)

	// Read what exists.
	datasets, err := sandbox.ListDatasets(ctx, aep.DatasetQuery{WithSchema: true})
	must(t, "ListDatasets", err)
	if len(datasets) == 0 {
		t.Fatal("ListDatasets returned no dataset with a schema")
	}
	_, err = sandbox.GetDataset(ctx, datasets[0].ID)
	must(t, "GetDataset", err)

	schemas, err := sandbox.ListSchemas(ctx, aep.SchemaQuery{Extends: aep.ExperienceEventClass})
	must(t, "ListSchemas", err)
	if len(schemas) == 0 {
		t.Fatal("ListSchemas returned no ExperienceEvent schema")
	}
	_, err = sandbox.GetSchema(ctx, schemas[0].ID)
	must(t, "GetSchema", err)

	// Create the schema and dataset for the events.
	fieldGroup, err := sandbox.CreateFieldGroup(ctx, aep.FieldGroupSpec{
		Title:            "Contract test field group " + stamp,
		Description:      "Created by the contract test",
		IntendedToExtend: []string{aep.ExperienceEventClass},
		Properties: map[string]any{
			"_" + tenant: map[string]any{
				"type": "object",
				"properties": map[string]any{
					"customerio": map[string]any{
						"type": "object",
						"properties": map[string]any{
							"eventId": map[string]any{"type": "string", "title": "Event ID"},
							"metric":  map[string]any{"type": "string", "title": "Metric"},
						},
					},
				},
			},
		},
	})
	must(t, "CreateFieldGroup", err)
	_, found, err := sandbox.FindFieldGroupByTitle(ctx, "Contract test field group "+stamp)
	mustFind(t, "FindFieldGroupByTitle", found, err)

	schema, err := sandbox.CreateSchema(ctx, aep.SchemaSpec{
		Title:         "Contract test schema " + stamp,
		Description:   "Created by the contract test",
		Class:         aep.ExperienceEventClass,
		FieldGroupIDs: []string{fieldGroup.ID},
	})
	must(t, "CreateSchema", err)
	_, found, err = sandbox.FindSchemaByTitle(ctx, "Contract test schema "+stamp)
	mustFind(t, "FindSchemaByTitle", found, err)

	dataset, err := sandbox.CreateDataset(ctx, aep.DatasetSpec{
		Name:        "Contract test dataset " + stamp,
		Description: "Created by the contract test",
		SchemaID:    schema.ID,
	})
	must(t, "CreateDataset", err)
	_, found, err = sandbox.FindDatasetByName(ctx, "Contract test dataset "+stamp)
	mustFind(t, "FindDatasetByName", found, err)

	// Build the dataflow.
	_, err = sandbox.CheckCustomerIOSource(ctx)
	must(t, "CheckCustomerIOSource", err)

	source, err := sandbox.CreateSourceConnection(ctx, "Contract test source "+stamp, "Created by the contract test")
	must(t, "CreateSourceConnection", err)
	_, found, err = sandbox.FindSourceConnectionByName(ctx, "Contract test source "+stamp)
	mustFind(t, "FindSourceConnectionByName", found, err)
	_, err = sandbox.GetSourceConnection(ctx, source.ID)
	must(t, "GetSourceConnection", err)

	target, err := sandbox.CreateTargetConnection(ctx, aep.TargetConnectionSpec{
		Name:        "Contract test target " + stamp,
		Description: "Created by the contract test",
		DatasetID:   dataset.ID,
		SchemaID:    schema.ID,
	})
	must(t, "CreateTargetConnection", err)
	_, found, err = sandbox.FindTargetConnectionByName(ctx, "Contract test target "+stamp)
	mustFind(t, "FindTargetConnectionByName", found, err)
	readTarget, err := sandbox.GetTargetConnection(ctx, target.ID)
	must(t, "GetTargetConnection", err)
	if readTarget.DatasetID != dataset.ID {
		t.Errorf("GetTargetConnection dataset = %q, want %q", readTarget.DatasetID, dataset.ID)
	}

	mappingStart := time.Now()
	mappingSpec := aep.MappingSetSpec{
		SchemaID: schema.ID,
		Mappings: []aep.Mapping{
			{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"},
			{SourceType: aep.MappingExpression, Source: `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`, Destination: "timestamp"},
			{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_" + tenant + ".customerio.eventId"},
			{SourceType: aep.MappingAttribute, Source: "metric", Destination: "_" + tenant + ".customerio.metric"},
		},
	}
	issues, err := sandbox.ValidateMappingSet(ctx, mappingSpec)
	must(t, "ValidateMappingSet", err)
	if len(issues) != 0 {
		t.Fatalf("ValidateMappingSet issues = %v, want none", issues)
	}
	mappingSet, err := sandbox.CreateMappingSet(ctx, mappingSpec)
	must(t, "CreateMappingSet", err)
	_, found, err = sandbox.FindMappingSet(ctx, mappingSpec, mappingStart.Add(-time.Minute))
	mustFind(t, "FindMappingSet", found, err)

	flow, err := sandbox.CreateFlow(ctx, aep.FlowSpec{
		Name:               "Contract test dataflow " + stamp,
		Description:        "Created by the contract test",
		SourceConnectionID: source.ID,
		TargetConnectionID: target.ID,
		MappingID:          mappingSet.ID,
		MappingVersion:     mappingSet.Version,
	})
	must(t, "CreateFlow", err)
	flow, err = sandbox.GetFlow(ctx, flow.ID)
	must(t, "GetFlow", err)
	if flow.InletURL == "" {
		t.Fatal("GetFlow returned no inlet URL")
	}
	_, found, err = sandbox.FindFlowByName(ctx, "Contract test dataflow "+stamp)
	mustFind(t, "FindFlowByName", found, err)
	flows, err := sandbox.ListCustomerIOFlows(ctx)
	must(t, "ListCustomerIOFlows", err)
	if len(flows) == 0 {
		t.Error("ListCustomerIOFlows returned no flow")
	}
	must(t, "DisableFlow", sandbox.DisableFlow(ctx, flow.ID))
	must(t, "EnableFlow", sandbox.EnableFlow(ctx, flow.ID))

	// Post one event the way Customer.io does, then read the runs.
	postInletEvent(t, ctx, rig.inletURL, flow)
	_, err = sandbox.ListRuns(ctx, flow.ID, time.Time{})
	must(t, "ListRuns", err)

	// Roll everything back, newest first.
	must(t, "DeleteFlow", sandbox.DeleteFlow(ctx, flow.ID))
	must(t, "DeleteMappingSet", sandbox.DeleteMappingSet(ctx, mappingSet.ID))
	must(t, "DeleteTargetConnection", sandbox.DeleteTargetConnection(ctx, target.ID))
	must(t, "DeleteSourceConnection", sandbox.DeleteSourceConnection(ctx, source.ID))
	must(t, "DeleteDataset", sandbox.DeleteDataset(ctx, dataset.ID))
	must(t, "DeleteSchema", sandbox.DeleteSchema(ctx, schema.ID))
	must(t, "DeleteFieldGroup", sandbox.DeleteFieldGroup(ctx, fieldGroup.ID))

	report := rig.recorder.Report()
	for _, v := range report.Violations {
		t.Errorf("contract violation: %s", v)
	}
	for _, route := range report.Uncovered(clientRoutes...) {
		t.Errorf("route %s was not exercised", route)
	}
	for _, v := range report.Tolerated {
		t.Logf("tolerated: %s", v)
	}
}

// postInletEvent posts the first email fixture to the flow's inlet path on
// the validating inlet server, with the flow ID in the query as in the
// webhook URL given to Customer.io.
func postInletEvent(t *testing.T, ctx context.Context, inletServer string, flow aep.Flow) {
	t.Helper()

	inlet, err := url.Parse(flow.InletURL)
	must(t, "parse the inlet URL", err)
	webhook, err := url.Parse(aep.WebhookURL(inletServer+inlet.Path, flow.ID))
	must(t, "build the webhook URL", err)

	event := fixtureEvents(t)["email.json[0]"]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhook.String(), strings.NewReader(string(event)))
	must(t, "build the inlet request", err)
	req.Header.Set("Content-Type", "application/json")

	resp, err := http.DefaultClient.Do(req)
	must(t, "post to the inlet", err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inlet status = %d, body %s; want 200", resp.StatusCode, body)
	}
}

// calledMethods are the network methods of the Adobe client that
// TestClientContract calls. Add a new method there and here.
var calledMethods = []string{
	"Client.Connect", "Client.ListSandboxes",
	"SandboxClient.TenantID",
	"SandboxClient.ListDatasets", "SandboxClient.GetDataset", "SandboxClient.FindDatasetByName",
	"SandboxClient.CreateDataset", "SandboxClient.DeleteDataset",
	"SandboxClient.ListSchemas", "SandboxClient.GetSchema", "SandboxClient.FindSchemaByTitle",
	"SandboxClient.CreateSchema", "SandboxClient.DeleteSchema",
	"SandboxClient.FindFieldGroupByTitle", "SandboxClient.CreateFieldGroup", "SandboxClient.DeleteFieldGroup",
	"SandboxClient.CheckCustomerIOSource",
	"SandboxClient.CreateSourceConnection", "SandboxClient.FindSourceConnectionByName", "SandboxClient.GetSourceConnection", "SandboxClient.DeleteSourceConnection",
	"SandboxClient.CreateTargetConnection", "SandboxClient.FindTargetConnectionByName", "SandboxClient.GetTargetConnection", "SandboxClient.DeleteTargetConnection",
	"SandboxClient.ValidateMappingSet", "SandboxClient.CreateMappingSet", "SandboxClient.FindMappingSet", "SandboxClient.DeleteMappingSet",
	"SandboxClient.CreateFlow", "SandboxClient.GetFlow", "SandboxClient.FindFlowByName", "SandboxClient.ListCustomerIOFlows",
	"SandboxClient.EnableFlow", "SandboxClient.DisableFlow", "SandboxClient.DeleteFlow",
	"SandboxClient.ListRuns",
}

func TestClientContractCallsEveryMethod(t *testing.T) {
	contextType := reflect.TypeFor[context.Context]()
	for _, clientType := range []reflect.Type{reflect.TypeFor[*aep.Client](), reflect.TypeFor[*aep.SandboxClient]()} {
		for method := range clientType.Methods() {
			// Methods that take a context make network calls; the others
			// (Sandbox, Name) only build or return values.
			if method.Type.NumIn() < 2 || method.Type.In(1) != contextType {
				continue
			}
			name := clientType.Elem().Name() + "." + method.Name
			if !slices.Contains(calledMethods, name) {
				t.Errorf("%s is not called by TestClientContract", name)
			}
		}
	}
}

func TestClientContractErrorExchanges(t *testing.T) {
	rig := newContractRig(t)
	ctx := t.Context()

	// A wrong client secret gets IMS's OAuth error body.
	credential := rig.platform.Credential()
	wrong, err := aep.New(aep.Config{
		IMSURL:      rig.imsURL,
		PlatformURL: rig.gatewayURL,
		Credentials: aep.Credentials{
			ClientID:     credential.ClientID,
			ClientSecret: "wrong-secret",
			OrgID:        credential.OrgID,
			Scopes:       credential.Scopes,
		},
	})
	must(t, "aep.New", err)
	if err := wrong.Connect(ctx); aep.CauseOf(err) != aep.CauseInvalidClient {
		t.Errorf("Connect with a wrong secret: %v, want cause %s", err, aep.CauseInvalidClient)
	}

	// An expired token gets the gateway's 401013, then a fresh token.
	must(t, "Connect", rig.client.Connect(ctx))
	rig.platform.ExpireTokens()
	_, err = rig.client.ListSandboxes(ctx)
	must(t, "ListSandboxes after the token expired", err)

	// A transient 503 is retried.
	rig.platform.InjectFaults(sim.RouteFlows, sim.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "0"})
	_, err = rig.client.Sandbox("dev").ListCustomerIOFlows(ctx)
	must(t, "ListCustomerIOFlows after a 503", err)

	report := rig.recorder.Report()
	for _, v := range report.Violations {
		t.Errorf("contract violation: %s", v)
	}
	if got := report.Routes[sim.RouteToken].Statuses[http.StatusBadRequest]; got != 1 {
		t.Errorf("IMS 400 answers = %d, want 1", got)
	}
	if got := report.ToleratedBy("documented-error-statuses"); len(got) < 2 {
		t.Errorf("tolerated error statuses = %v, want the 401 and the 503", got)
	}
}
