package existing

import (
	"context"
	"log/slog"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// DefaultConcurrency is how many dataflows List looks up at the same time. Each
// look-up sends up to three Platform requests, so four dataflows keep at most
// twelve requests in flight, few enough for a gateway that publishes no rate
// limit.
const DefaultConcurrency = 4

// platform is the part of *aep.SandboxClient this package calls, so the unit
// tests can replace it.
type platform interface {
	ListCustomerIOFlows(ctx context.Context) ([]aep.Flow, error)
	GetFlow(ctx context.Context, id string) (aep.Flow, error)
	GetDataset(ctx context.Context, id string) (aep.Dataset, error)
	ListRuns(ctx context.Context, flowID string, since time.Time) ([]aep.Run, error)
	EnableFlow(ctx context.Context, id string) error
	DisableFlow(ctx context.Context, id string) error
	DeleteFlow(ctx context.Context, id string) error
	DeleteSourceConnection(ctx context.Context, id string) error
	DeleteTargetConnection(ctx context.Context, id string) error
}

// targetConnectionGetter and sourceConnectionGetter are calls that the
// Flow Service offers but flows/aep does not publish yet. List uses them when
// the client has them: the target connection holds the dataset ID, and both
// connections have the names shown before a delete.
// NOTE: until the client has GetTargetConnection, List cannot fill
// Setup.DatasetID or Setup.DatasetName.
type targetConnectionGetter interface {
	GetTargetConnection(ctx context.Context, id string) (aep.Connection, error)
}

type sourceConnectionGetter interface {
	GetSourceConnection(ctx context.Context, id string) (aep.Connection, error)
}

// Options configures a Service. The zero value is ready to use.
type Options struct {
	// Logger defaults to a logger that discards everything.
	Logger *slog.Logger

	// Concurrency bounds the dataflows List looks up at the same time. It
	// defaults to DefaultConcurrency.
	Concurrency int
}

// Service finds, checks, enables, disables and deletes the Customer.io setups
// of one Adobe organization. It is safe for concurrent use and keeps no state
// between calls, so a refresh is just another call.
type Service struct {
	open        func(sandbox string) platform
	log         *slog.Logger
	concurrency int
}

// New returns a Service that calls the Platform APIs through client.
func New(client *aep.Client, opts Options) *Service {
	return newService(func(sandbox string) platform { return client.Sandbox(sandbox) }, opts)
}

func newService(open func(sandbox string) platform, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}

	return &Service{
		open:        open,
		log:         opts.Logger,
		concurrency: opts.Concurrency,
	}
}

// Setup is one Customer.io dataflow in a sandbox, with the resources it
// uses.
type Setup struct {
	Sandbox string

	FlowID   string
	FlowName string
	Created  time.Time
	State    string // "enabled" or "disabled"

	SourceConnectionID   string
	SourceConnectionName string // empty when the client cannot look it up
	TargetConnectionID   string
	TargetConnectionName string // empty when the client cannot look it up

	DatasetID   string
	DatasetName string
	SchemaID    string // $id of the dataset's schema, when the dataset has one

	// DatasetDeleted is set when the target connection names a dataset that
	// no longer exists, so the dataflow cannot ingest anything.
	DatasetDeleted bool

	// InletURL is the streaming endpoint. It is empty until Adobe fills it in,
	// a few moments after the dataflow is created.
	InletURL string

	// WebhookURL is the URL Customer.io posts to: InletURL with the dataflow
	// ID in the x-adobe-flow-id query parameter. It is empty while InletURL is.
	WebhookURL string

	// DetailsErr is the error of the failed detail look-ups, or nil when
	// every look-up succeeded. The dataflow itself was found either way.
	DetailsErr error
}

// Enabled reports whether the dataflow is enabled.
func (s Setup) Enabled() bool {
	return s.State == stateEnabled
}

// Dataflow states as the Flow Service returns them.
const (
	stateEnabled  = "enabled"
	stateDisabled = "disabled"
)

// ResourceKind is the kind of a Platform resource.
type ResourceKind string

// Resource kinds.
const (
	KindFlow             ResourceKind = "flow"
	KindSourceConnection ResourceKind = "source_connection"
	KindTargetConnection ResourceKind = "target_connection"
	KindDataset          ResourceKind = "dataset"
	KindSchema           ResourceKind = "schema"
)

// Resource is one Platform resource of a setup.
type Resource struct {
	Kind ResourceKind
	ID   string
	Name string // empty when unknown
}
