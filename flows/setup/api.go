package setup

import (
	"log/slog"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// DataChoice is the destination of the Customer.io events: a ready-made
// dataset or an existing one.
type DataChoice int

const (
	// ReadyMade creates a Customer.io field group, schema and dataset, and
	// generates the mapping.
	ReadyMade DataChoice = iota

	// ExistingDataset streams into a dataset the user picks, with a mapping
	// the user reviews in a MappingModel.
	ExistingDataset
)

// String returns the machine name of the choice, as stored in the journal.
func (d DataChoice) String() string {
	switch d {
	case ReadyMade:
		return "ready_made"
	case ExistingDataset:
		return "existing_dataset"
	default:
		return "unknown"
	}
}

// MarshalText encodes the choice by its machine name.
func (d DataChoice) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText decodes a machine name written by MarshalText.
func (d *DataChoice) UnmarshalText(text []byte) error {
	switch string(text) {
	case "ready_made":
		*d = ReadyMade
	case "existing_dataset":
		*d = ExistingDataset
	default:
		return &Error{Cause: CauseInvalidInput, Value: string(text)}
	}
	return nil
}

// Input is the set of choices the user made in the wizard.
type Input struct {
	Sandbox aep.Sandbox
	Data    DataChoice

	// DatasetID and Mappings are used with ExistingDataset only. The
	// ready-made mapping is generated once the tenant ID is known.
	DatasetID string
	Mappings  []aep.Mapping

	// EventGroups are the Customer.io event groups the webhook will send,
	// by machine name (see customerio.GroupNames). They are kept in the
	// journal and the result for the Customer.io instructions.
	EventGroups []string

	// ConfirmProduction must be set to write into a production sandbox.
	ConfirmProduction bool
}

// ResourceKind is a kind of Adobe resource the setup creates.
type ResourceKind string

// Resource kinds, in the order a setup creates them.
const (
	KindFieldGroup       ResourceKind = "field_group"
	KindSchema           ResourceKind = "schema"
	KindDataset          ResourceKind = "dataset"
	KindMappingSet       ResourceKind = "mapping_set"
	KindSourceConnection ResourceKind = "source_connection"
	KindTargetConnection ResourceKind = "target_connection"
	KindFlow             ResourceKind = "dataflow"
)

// PlannedResource is one resource a plan will create.
type PlannedResource struct {
	Kind ResourceKind

	// Name is the name or title the resource gets in Adobe. Mapping sets
	// have no name field in Adobe, so theirs is only a label for the review.
	Name string
}

// Plan is a checked Input with the names of everything it will create.
// Make one with NewPlan.
type Plan struct {
	// RunID is short, random and part of every created resource's name,
	// such as "cio-7f3a9c".
	RunID   string
	Sandbox aep.Sandbox
	Data    DataChoice

	DatasetID         string        // ExistingDataset only
	Mappings          []aep.Mapping // ExistingDataset only
	EventGroups       []string
	ConfirmProduction bool

	// Resources lists what the run will create, in creation order.
	Resources []PlannedResource
}

// StepID names one step of a setup run.
type StepID string

// Steps of a setup run. Steps() returns the ones a plan uses, in order.
const (
	// StepCheckSource checks that the Customer.io source is provisioned in
	// the sandbox.
	StepCheckSource StepID = "check_source"

	// StepFieldGroup reads the tenant ID and creates the ready-made field group.
	StepFieldGroup StepID = "field_group"
	// StepSchema creates the ready-made schema.
	StepSchema StepID = "schema"
	// StepDataset creates the ready-made dataset.
	StepDataset StepID = "dataset"

	// StepReadDataset reads the existing dataset and its schema, and checks
	// the mapping against the schema.
	StepReadDataset StepID = "read_dataset"

	// StepValidateMapping has Data Prep validate the mapping set.
	StepValidateMapping StepID = "validate_mapping"
	// StepMappingSet creates the mapping set.
	StepMappingSet StepID = "mapping_set"

	// StepSourceConnection creates the Customer.io source connection.
	StepSourceConnection StepID = "source_connection"
	// StepTargetConnection creates the data lake target connection.
	StepTargetConnection StepID = "target_connection"
	// StepFlow creates the streaming dataflow.
	StepFlow StepID = "dataflow"
	// StepInlet polls the dataflow until its streaming endpoint (inlet URL)
	// appears, then builds the webhook URL.
	StepInlet StepID = "inlet"

	// StepRollback is the step of every event sent by Rollback.
	StepRollback StepID = "rollback"
)

// StepState is the state of one step.
type StepState string

// Step states.
const (
	Pending  StepState = "pending"
	Running  StepState = "running"
	Retrying StepState = "retrying" // events only, the journal keeps Running
	Done     StepState = "done"
	Failed   StepState = "failed"
	Skipped  StepState = "skipped" // done by an earlier attempt of the run
)

// Event reports progress of a run. The runner calls the progress callback
// from its own goroutines, one call at a time, so the callback must not block.
type Event struct {
	RunID string
	Step  StepID
	State StepState

	// Attempt and MaxAttempts count the attempts of the Adobe call that is
	// being retried. They are set when State is Retrying.
	Attempt, MaxAttempts int
	// Wait is the time until the next attempt, when State is Retrying.
	Wait time.Duration

	// Resource is the resource a step created, or Rollback deleted.
	Resource *Resource

	// Err is the failure: an *Error when State is Failed, the error of the
	// failed attempt (usually an *aep.Error) when State is Retrying.
	Err error
}

// Resource is an Adobe resource a run created.
type Resource struct {
	Kind ResourceKind `json:"kind"`

	// ID is the ID the delete call takes: the $id of field groups and
	// schemas, the ID of every other kind.
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Version int    `json:"version,omitempty"` // mapping sets only

	CreatedAt time.Time `json:"createdAt"`

	// DeletedAt is set once Rollback deleted the resource.
	DeletedAt *time.Time `json:"deletedAt,omitempty"`
}

// Result is the outcome of a finished setup: the webhook URL and the IDs
// behind it.
type Result struct {
	RunID   string
	Sandbox string // technical name

	// WebhookURL is {InletURL}?x-adobe-flow-id={FlowID}, the URL to paste
	// into the Customer.io reporting webhook.
	WebhookURL string
	FlowID     string
	InletURL   string
	DatasetID  string
	SchemaID   string // $id

	EventGroups []string

	// FlowCreatedAt is the creation time of the dataflow. SendAfter is five
	// minutes later, because Adobe recommends waiting about five minutes
	// after creating a streaming dataflow before sending data to it.
	FlowCreatedAt time.Time
	SendAfter     time.Time
}

// Runner carries out plans, resumes and rolls back runs. Set Client and
// JournalDir; the zero value of every other field is a usable default.
type Runner struct {
	Client *aep.Client

	// JournalDir holds one journal file per run, <RunID>.json. See
	// DefaultJournalDir.
	JournalDir string

	// Logger defaults to a logger that discards everything.
	Logger *slog.Logger

	// Now defaults to time.Now.
	Now func() time.Time

	// PollInterval is the first wait between two reads of the dataflow while
	// its inlet URL is missing. Each wait doubles, up to 8 times this value.
	// It defaults to DefaultPollInterval.
	PollInterval time.Duration

	// PollTimeout bounds the total wait for the inlet URL. It defaults to
	// DefaultPollTimeout.
	PollTimeout time.Duration
}

// Poll defaults. Adobe documents no time for the inlet URL to appear.
// NOTE: unconfirmed bound. Three minutes is a guess, and a run that times out
// here can be resumed, which polls again.
const (
	DefaultPollInterval = 3 * time.Second
	DefaultPollTimeout  = 3 * time.Minute
)

// SendDelay is the wait Adobe recommends between creating a streaming
// dataflow and sending data to it.
const SendDelay = 5 * time.Minute
