package ui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/redact"
	"github.com/cioaep/setup/flows/setup"
)

// Backend connects to Adobe with one credential. NewBackend returns the real one; tests use
// fakes.
type Backend interface {
	// Connect checks the credential by fetching an access token and returns a session that
	// makes every later call with it.
	Connect(ctx context.Context, creds aep.Credentials) (Session, error)
}

// Session is the Adobe work the wizard does for one connected credential. Every method
// blocks on the network, so the wizard calls them off the UI goroutine.
type Session interface {
	ListSandboxes(ctx context.Context) ([]aep.Sandbox, error)

	// ListDatasets returns every dataset of the sandbox with its schema title and, for those
	// a dataflow cannot stream into, the reason.
	ListDatasets(ctx context.Context, sandbox string) ([]DatasetChoice, error)

	// LoadMapping reads the dataset's schema and returns a mapping model with the suggested
	// mappings applied. A schema that is not an ExperienceEvent schema is an error.
	LoadMapping(ctx context.Context, sandbox, datasetID string) (*setup.MappingModel, error)

	Apply(ctx context.Context, plan setup.Plan, progress func(setup.Event)) (setup.Result, error)
	Resume(ctx context.Context, runID string, progress func(setup.Event)) (setup.Result, error)
	Rollback(ctx context.Context, runID string, progress func(setup.Event)) error

	// Setups returns the service that lists, checks and removes the Customer.io setups
	// already in Adobe.
	Setups() Setups
}

// Setups is the work on the Customer.io setups already in a sandbox. *existing.Service
// implements it. Every method except DescribeDelete blocks on the network.
type Setups interface {
	List(ctx context.Context, sandbox string) ([]existing.Setup, error)
	Enable(ctx context.Context, s existing.Setup) (existing.Setup, error)
	Disable(ctx context.Context, s existing.Setup) (existing.Setup, error)
	DescribeDelete(s existing.Setup) existing.DeletePlan
	Delete(ctx context.Context, s existing.Setup) (existing.DeleteResult, error)
	Health(ctx context.Context, sandbox, flowID string, now time.Time) (existing.Health, error)
}

// DatasetProblem is the reason a dataset cannot be the target of the dataflow. The empty
// value means it can be.
type DatasetProblem string

// Dataset problems.
const (
	DatasetOK DatasetProblem = ""

	// DatasetNoSchema: the dataset has no schema, so Flow Service cannot write to it.
	DatasetNoSchema DatasetProblem = "no_schema"

	// DatasetNotEvent: the dataset's schema is not of the ExperienceEvent class.
	DatasetNotEvent DatasetProblem = "not_experience_event"
)

// DatasetChoice is one row of the existing-dataset list.
type DatasetChoice struct {
	Dataset     aep.Dataset
	SchemaTitle string // empty when the dataset has no schema or the schema is not listed
	Problem     DatasetProblem
}

// BackendConfig configures NewBackend.
type BackendConfig struct {
	// IMSURL and PlatformURL default to Adobe's production hosts. Demo mode points them at
	// the simulated platform.
	IMSURL      string
	PlatformURL string

	// JournalDir is the folder of the setup journals, see setup.DefaultJournalDir.
	JournalDir string

	// Secrets receives the client secret and every access token, for the redacting logger.
	Secrets aep.SecretRegistry

	// Logger defaults to discarding everything.
	Logger *slog.Logger

	// Now defaults to time.Now. Tests pass a fixed clock.
	Now func() time.Time

	// PollInterval and PollTimeout tune how the setup waits for the dataflow's inlet URL;
	// zero keeps the setup package's defaults.
	PollInterval time.Duration
	PollTimeout  time.Duration
}

// NewBackend returns the Backend that calls Adobe through flows/aep and runs setups with
// flows/setup.
func NewBackend(cfg BackendConfig) Backend {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &adobeBackend{cfg: cfg}
}

type adobeBackend struct {
	cfg BackendConfig
}

func (b *adobeBackend) Connect(ctx context.Context, creds aep.Credentials) (Session, error) {
	client, err := aep.New(aep.Config{
		IMSURL:      b.cfg.IMSURL,
		PlatformURL: b.cfg.PlatformURL,
		Credentials: creds,
		Logger:      b.cfg.Logger,
		Secrets:     b.cfg.Secrets,
		Now:         b.cfg.Now,
	})
	if err != nil {
		return nil, err
	}

	b.cfg.Logger.Info("connecting to Adobe", "client_id", creds.ClientID, "org_id", creds.OrgID)
	if err := client.Connect(ctx); err != nil {
		return nil, err
	}

	runner := &setup.Runner{
		Client:       client,
		JournalDir:   b.cfg.JournalDir,
		Logger:       b.cfg.Logger,
		Now:          b.cfg.Now,
		PollInterval: b.cfg.PollInterval,
		PollTimeout:  b.cfg.PollTimeout,
	}
	setups := existing.New(client, existing.Options{Logger: b.cfg.Logger})
	return &adobeSession{client: client, runner: runner, setups: setups, log: b.cfg.Logger}, nil
}

type adobeSession struct {
	client *aep.Client
	runner *setup.Runner
	setups *existing.Service
	log    *slog.Logger
}

func (s *adobeSession) ListSandboxes(ctx context.Context) ([]aep.Sandbox, error) {
	return s.client.ListSandboxes(ctx)
}

// ListDatasets lists datasets and schemas at the same time, then joins them in memory, so
// the list costs two paged listings whatever the number of datasets.
func (s *adobeSession) ListDatasets(ctx context.Context, sandbox string) ([]DatasetChoice, error) {
	sb := s.client.Sandbox(sandbox)

	var (
		wg         sync.WaitGroup
		schemas    []aep.SchemaSummary
		schemasErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		schemas, schemasErr = sb.ListSchemas(ctx, aep.SchemaQuery{})
	}()
	datasets, err := sb.ListDatasets(ctx, aep.DatasetQuery{})
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if schemasErr != nil {
		// Titles are a convenience: the list still works with schema IDs only.
		s.log.Warn("listing schemas failed, datasets show no schema titles", "sandbox", sandbox, "err", schemasErr)
	}

	byID := make(map[string]aep.SchemaSummary, len(schemas))
	for _, schema := range schemas {
		byID[schema.ID] = schema
	}

	choices := make([]DatasetChoice, len(datasets))
	for i, dataset := range datasets {
		choice := DatasetChoice{Dataset: dataset}
		switch {
		case dataset.SchemaRef == nil || dataset.SchemaRef.ID == "":
			choice.Problem = DatasetNoSchema
		default:
			schema, ok := byID[dataset.SchemaRef.ID]
			choice.SchemaTitle = schema.Title
			// The class is known only when the list returns it; LoadMapping checks the
			// others once the user picks one.
			if ok && schema.Class != "" && schema.Class != aep.ExperienceEventClass {
				choice.Problem = DatasetNotEvent
			}
		}
		choices[i] = choice
	}
	return choices, nil
}

func (s *adobeSession) LoadMapping(ctx context.Context, sandbox, datasetID string) (*setup.MappingModel, error) {
	sb := s.client.Sandbox(sandbox)

	dataset, err := sb.GetDataset(ctx, datasetID)
	if err != nil {
		return nil, err
	}
	if dataset.SchemaRef == nil || dataset.SchemaRef.ID == "" {
		return nil, &setup.Error{Cause: setup.CauseNoSchema, Sandbox: sandbox, Value: datasetID}
	}

	schema, err := sb.GetSchema(ctx, dataset.SchemaRef.ID)
	if err != nil {
		return nil, err
	}
	if err := setup.CheckSchema(schema); err != nil {
		return nil, err
	}

	model := setup.NewMappingModel(schema)
	added := model.Suggest()
	s.log.Info("mapping loaded", "sandbox", sandbox, "dataset", datasetID, "schema", schema.ID,
		"targets", len(model.Targets), "suggested", added)
	return model, nil
}

func (s *adobeSession) Apply(ctx context.Context, plan setup.Plan, progress func(setup.Event)) (setup.Result, error) {
	return s.runner.Apply(ctx, plan, progress)
}

func (s *adobeSession) Resume(ctx context.Context, runID string, progress func(setup.Event)) (setup.Result, error) {
	return s.runner.Resume(ctx, runID, progress)
}

func (s *adobeSession) Rollback(ctx context.Context, runID string, progress func(setup.Event)) error {
	return s.runner.Rollback(ctx, runID, progress)
}

func (s *adobeSession) Setups() Setups {
	return s.setups
}

// CustomerIOConfig contains the settings the Done screen's webhook panel uses to reach
// Customer.io's App API.
type CustomerIOConfig struct {
	// BaseURLs overrides the App API base URL per region. Demo mode points both regions at
	// the simulated Customer.io; nil keeps Customer.io's own hosts.
	BaseURLs map[customerio.Region]string

	// AppAPIKey and Region fill in the panel, in demo mode with the key registered with the
	// simulator. Empty values leave the key to the user, or to the credential store.
	AppAPIKey string
	Region    customerio.Region

	// Secrets receives the App API key, so the redacting logger scrubs it.
	Secrets *redact.Secrets
}
