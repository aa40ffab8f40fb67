// Package aep is the client for Adobe IMS and the Adobe Experience Platform
// APIs that the wizard calls: sandboxes, Catalog, Schema Registry, Data Prep
// and Flow Service. It fetches and refreshes the OAuth Server-to-Server
// token, sets the gateway headers, retries transient failures and turns
// every Adobe error body into one typed *Error.
package aep

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Adobe identifiers for the Customer.io streaming source. They come from the
// Customer.io API tutorial and the GenericStreamingAEP flow spec page of the
// Experience Platform docs.
const (
	// CustomerIOConnectionSpecID is the source connection spec of Customer.io.
	CustomerIOConnectionSpecID = "96479064-7b8a-4d69-b9ed-21c5683837ea"

	// StreamingProviderID is the provider of the generic streaming sources,
	// sent on the Customer.io source connection.
	StreamingProviderID = "521eee4d-8cbe-4906-bb48-fb6bd4450033"

	// DataLakeConnectionSpecID is the target connection spec of the data lake.
	DataLakeConnectionSpecID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"

	// StreamingFlowSpecID is the GenericStreamingAEP flow spec used by the
	// Customer.io dataflow.
	StreamingFlowSpecID = "e77fde5a-22a8-11ed-861d-0242ac120002"

	// SpecVersion is the version of all the specs above.
	SpecVersion = "1.0"

	// ExperienceEventClass is the XDM ExperienceEvent class.
	ExperienceEventClass = "https://ns.adobe.com/xdm/context/experienceevent"

	// DefaultScopes is the scope list that Adobe's Experience Platform docs
	// use for OAuth Server-to-Server credentials.
	// NOTE: unconfirmed that every credential shows exactly this list, so the
	// UI lets the user paste the scopes of their own credential.
	DefaultScopes = "openid,AdobeID,read_organizations,additional_info.projectedProductContext,session"
)

// Default service addresses.
const (
	DefaultIMSURL      = "https://ims-na1.adobelogin.com"
	DefaultPlatformURL = "https://platform.adobe.io"
)

// Credentials is an OAuth Server-to-Server credential from the Adobe
// Developer Console.
type Credentials struct {
	ClientID     string
	ClientSecret string
	OrgID        string // ends with @AdobeOrg
	Scopes       string // comma-separated, see NormalizeScopes
}

// Timer is the timer that waits between retries. It has the method set of
// backoff.Timer, so tests can pass a fake that fires at once.
type Timer interface {
	Start(d time.Duration)
	Stop()
	C() <-chan time.Time
}

// SecretRegistry receives values that must never appear in a log line.
// *redact.Secrets implements it.
type SecretRegistry interface {
	Add(value string)
}

// Config configures a Client. Only Credentials is required.
type Config struct {
	// IMSURL and PlatformURL default to DefaultIMSURL and DefaultPlatformURL.
	// Plain HTTP is rejected unless the host is a loopback address.
	IMSURL      string
	PlatformURL string

	Credentials Credentials

	// HTTPClient defaults to a client without an overall timeout, because
	// RequestTimeout bounds each attempt.
	HTTPClient *http.Client

	// Logger defaults to a logger that discards everything.
	Logger *slog.Logger

	// Secrets, when set, receives the client secret and every access token
	// as it is issued, so a redacting log handler can scrub them.
	Secrets SecretRegistry

	// Now defaults to time.Now. The token cache reads it.
	Now func() time.Time

	// MaxAttempts bounds the attempts of one call, first try included.
	// It defaults to DefaultMaxAttempts.
	MaxAttempts int

	// RequestTimeout bounds each attempt. It defaults to DefaultRequestTimeout.
	RequestTimeout time.Duration

	// NewTimer returns the timer for the waits of one call. It defaults to a
	// real timer; tests pass a fake one.
	NewTimer func() Timer
}

// Client calls Adobe IMS and the Experience Platform gateway for one
// credential. It is safe for concurrent use.
type Client struct {
	cfg    Config
	ims    *url.URL
	gw     *url.URL
	http   *http.Client
	log    *slog.Logger
	tokens *tokenSource

	tenantCache
}

// SandboxClient calls the Platform APIs in one sandbox. Every request it
// sends carries the x-sandbox-name header.
type SandboxClient struct {
	c    *Client
	name string
}

// Sandbox is an Experience Platform sandbox.
type Sandbox struct {
	Name      string // technical name, sent as x-sandbox-name
	Title     string // display name
	Type      string // "production" or "development"
	State     string // "active", "creating", "failed", "deleted"
	Region    string
	IsDefault bool
}

// IsProduction reports whether the sandbox is a production sandbox.
func (s Sandbox) IsProduction() bool {
	return s.Type == "production"
}

// IsActive reports whether the sandbox can be used.
func (s Sandbox) IsActive() bool {
	return s.State == "active"
}

// SchemaRef is the schema of a dataset or mapping set.
type SchemaRef struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
}

// Dataset is a Catalog dataset.
type Dataset struct {
	ID          string
	Name        string
	Description string
	SchemaRef   *SchemaRef // nil for datasets without a schema, which cannot be a flow target
	Created     time.Time
	Updated     time.Time
}

// DatasetQuery filters ListDatasets. The zero value lists every dataset.
type DatasetQuery struct {
	Name       string // exact name
	NameSubstr string // case-insensitive part of the name
	WithSchema bool   // keep only datasets with a schemaRef
}

// SchemaSummary is one entry of a schema list.
type SchemaSummary struct {
	ID      string // $id
	AltID   string // meta:altId
	Title   string
	Version string
	Class   string // meta:class, empty when the list does not return it
}

// SchemaQuery filters ListSchemas. The zero value lists every tenant schema.
type SchemaQuery struct {
	Title   string // exact title
	Extends string // class or field group that the schema extends, e.g. ExperienceEventClass
}

// Schema is a resolved schema with its fields flattened.
type Schema struct {
	SchemaSummary
	Description string
	Extends     []string // meta:extends
	Fields      []SchemaField
}

// SchemaField is one field of a resolved schema.
type SchemaField struct {
	Path     string // dot-separated, e.g. "_acme.customerio.eventId"
	Type     string // JSON type: string, integer, number, boolean, object, array
	Format   string // e.g. "date-time", "uri"
	Title    string
	Required bool
}

// FieldGroup is a Schema Registry field group (formerly mixin).
type FieldGroup struct {
	ID      string // $id, e.g. https://ns.adobe.com/acme/mixins/{hash}
	AltID   string
	Title   string
	Version string
}

// FieldGroupSpec is the input of CreateFieldGroup.
type FieldGroupSpec struct {
	Title            string
	Description      string
	IntendedToExtend []string // classes, e.g. ExperienceEventClass

	// Properties is the JSON Schema "properties" object of the field group's
	// only definition, usually one key: "_{tenantId}".
	Properties map[string]any
}

// SchemaSpec is the input of CreateSchema.
type SchemaSpec struct {
	Title         string
	Description   string
	Class         string   // e.g. ExperienceEventClass
	FieldGroupIDs []string // $id of each field group
}

// DatasetSpec is the input of CreateDataset.
type DatasetSpec struct {
	Name        string
	Description string
	SchemaID    string // $id of the schema
}

// ConnectionSpec is a Flow Service connection spec.
type ConnectionSpec struct {
	ID         string
	Name       string
	ProviderID string
	Version    string
}

// Connection is a Flow Service source or target connection.
type Connection struct {
	ID               string
	Name             string
	Etag             string
	ConnectionSpecID string
	DatasetID        string // target connections only
	SchemaID         string // target connections only
	CreatedAt        time.Time
}

// TargetConnectionSpec is the input of CreateTargetConnection.
type TargetConnectionSpec struct {
	Name        string
	Description string
	DatasetID   string
	SchemaID    string // $id of the dataset's schema
}

// Mapping is one Data Prep mapping from a source path or expression to a
// destination XDM path.
type Mapping struct {
	SourceType  string // MappingAttribute, MappingExpression or MappingStatic
	Source      string
	Destination string
}

// Mapping source types.
const (
	MappingAttribute  = "ATTRIBUTE"
	MappingExpression = "EXPRESSION"
	MappingStatic     = "STATIC"
)

// MappingSetSpec is the input of ValidateMappingSet, CreateMappingSet and
// FindMappingSet.
type MappingSetSpec struct {
	SchemaID string // $id of the target dataset's schema
	Mappings []Mapping
}

// MappingSet is a created Data Prep mapping set.
type MappingSet struct {
	ID        string
	Version   int
	CreatedAt time.Time
}

// MappingIssue is one failed mapping reported by ValidateMappingSet.
type MappingIssue struct {
	Index       int // position in MappingSetSpec.Mappings
	Destination string
	Code        string
	Message     string
}

// FlowSpec is the input of CreateFlow.
type FlowSpec struct {
	Name               string
	Description        string
	SourceConnectionID string
	TargetConnectionID string
	MappingID          string
	MappingVersion     int
}

// Flow is a Flow Service dataflow.
type Flow struct {
	ID                      string
	Name                    string
	State                   string // "enabled" or "disabled"
	Etag                    string
	FlowSpecID              string
	SourceConnectionIDs     []string
	TargetConnectionIDs     []string
	SourceConnectionSpecIDs []string // from inheritedAttributes, when returned
	InletURL                string   // options.inletUrl, empty until the service fills it
	MappingID               string
	MappingVersion          int
	CreatedAt               time.Time
}

// Run is one dataflow run. Streaming runs are time windows.
type Run struct {
	ID            string
	FlowID        string
	WindowStart   time.Time
	WindowEnd     time.Time
	InputRecords  int64
	OutputRecords int64
	FailedRecords int64
	Status        string
	Errors        []RunError
}

// RunError is one error of a run, e.g. code "MAPPER-3700-400".
type RunError struct {
	Code    string
	Message string
}

// WebhookURL returns the URL that Customer.io posts to: the inlet URL with
// the dataflow ID in the x-adobe-flow-id query parameter.
func WebhookURL(inletURL, flowID string) string {
	u, err := url.Parse(inletURL)
	if err != nil {
		return inletURL + "?x-adobe-flow-id=" + url.QueryEscape(flowID)
	}

	q := u.Query()
	q.Set("x-adobe-flow-id", flowID)
	u.RawQuery = q.Encode()
	return u.String()
}

// RetryEvent reports one retry of a call.
type RetryEvent struct {
	Op          string // client method, e.g. "CreateFlow"
	Attempt     int    // the attempt that failed, starting at 1
	MaxAttempts int
	Wait        time.Duration // wait before the next attempt
	Err         error         // the failure of Attempt
}

type retryObserverKey struct{}

// WithRetryObserver returns a context whose calls report each retry to fn.
// fn runs on the calling goroutine and must not block.
func WithRetryObserver(ctx context.Context, fn func(RetryEvent)) context.Context {
	return context.WithValue(ctx, retryObserverKey{}, fn)
}

func retryObserver(ctx context.Context) func(RetryEvent) {
	fn, _ := ctx.Value(retryObserverKey{}).(func(RetryEvent))
	return fn
}
