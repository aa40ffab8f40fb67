package aep

import (
	"context"
	"errors"
	"time"
)

// errNotImplemented marks the calls whose bodies are still being written.
var errNotImplemented = errors.New("aep: not implemented yet")

type tokenSource struct{}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) { return nil, errNotImplemented }

// NormalizeScopes splits s on commas, spaces and newlines, drops empty and
// duplicate entries and joins the rest with commas.
func NormalizeScopes(s string) string { return s }

// Connect fetches an access token, or refreshes it when it expires soon.
func (c *Client) Connect(ctx context.Context) error { return errNotImplemented }

// ListSandboxes returns the sandboxes the credential can use.
func (c *Client) ListSandboxes(ctx context.Context) ([]Sandbox, error) { return nil, errNotImplemented }

// Sandbox returns a client for the sandbox with the technical name name.
func (c *Client) Sandbox(name string) *SandboxClient { return &SandboxClient{c: c, name: name} }

// Name returns the sandbox's technical name.
func (s *SandboxClient) Name() string { return s.name }

// TenantID returns the tenant ID of the org, e.g. "acme" for fields under "_acme".
func (s *SandboxClient) TenantID(ctx context.Context) (string, error) { return "", errNotImplemented }

// ListDatasets returns the datasets that match q.
func (s *SandboxClient) ListDatasets(ctx context.Context, q DatasetQuery) ([]Dataset, error) {
	return nil, errNotImplemented
}

// GetDataset returns the dataset with the given ID.
func (s *SandboxClient) GetDataset(ctx context.Context, id string) (Dataset, error) {
	return Dataset{}, errNotImplemented
}

// FindDatasetByName returns the dataset named name, if any.
func (s *SandboxClient) FindDatasetByName(ctx context.Context, name string) (Dataset, bool, error) {
	return Dataset{}, false, errNotImplemented
}

// CreateDataset creates a dataset.
func (s *SandboxClient) CreateDataset(ctx context.Context, spec DatasetSpec) (Dataset, error) {
	return Dataset{}, errNotImplemented
}

// DeleteDataset deletes a dataset.
func (s *SandboxClient) DeleteDataset(ctx context.Context, id string) error { return errNotImplemented }

// ListSchemas returns the tenant schemas that match q.
func (s *SandboxClient) ListSchemas(ctx context.Context, q SchemaQuery) ([]SchemaSummary, error) {
	return nil, errNotImplemented
}

// GetSchema returns a resolved schema by $id or meta:altId.
func (s *SandboxClient) GetSchema(ctx context.Context, id string) (Schema, error) {
	return Schema{}, errNotImplemented
}

// FindSchemaByTitle returns the tenant schema titled title, if any.
func (s *SandboxClient) FindSchemaByTitle(ctx context.Context, title string) (SchemaSummary, bool, error) {
	return SchemaSummary{}, false, errNotImplemented
}

// CreateSchema creates a tenant schema.
func (s *SandboxClient) CreateSchema(ctx context.Context, spec SchemaSpec) (SchemaSummary, error) {
	return SchemaSummary{}, errNotImplemented
}

// DeleteSchema deletes a tenant schema by $id or meta:altId.
func (s *SandboxClient) DeleteSchema(ctx context.Context, id string) error { return errNotImplemented }

// FindFieldGroupByTitle returns the tenant field group titled title, if any.
func (s *SandboxClient) FindFieldGroupByTitle(ctx context.Context, title string) (FieldGroup, bool, error) {
	return FieldGroup{}, false, errNotImplemented
}

// CreateFieldGroup creates a tenant field group.
func (s *SandboxClient) CreateFieldGroup(ctx context.Context, spec FieldGroupSpec) (FieldGroup, error) {
	return FieldGroup{}, errNotImplemented
}

// DeleteFieldGroup deletes a tenant field group by $id or meta:altId.
func (s *SandboxClient) DeleteFieldGroup(ctx context.Context, id string) error {
	return errNotImplemented
}

// CheckCustomerIOSource returns the Customer.io connection spec, or an
// *Error with CauseSourceNotProvisioned when the sandbox does not offer it.
func (s *SandboxClient) CheckCustomerIOSource(ctx context.Context) (ConnectionSpec, error) {
	return ConnectionSpec{}, errNotImplemented
}

// CreateSourceConnection creates a Customer.io source connection.
func (s *SandboxClient) CreateSourceConnection(ctx context.Context, name, description string) (Connection, error) {
	return Connection{}, errNotImplemented
}

// FindSourceConnectionByName returns the source connection named name, if any.
func (s *SandboxClient) FindSourceConnectionByName(ctx context.Context, name string) (Connection, bool, error) {
	return Connection{}, false, errNotImplemented
}

// DeleteSourceConnection deletes a source connection.
func (s *SandboxClient) DeleteSourceConnection(ctx context.Context, id string) error {
	return errNotImplemented
}

// CreateTargetConnection creates a data lake target connection.
func (s *SandboxClient) CreateTargetConnection(ctx context.Context, spec TargetConnectionSpec) (Connection, error) {
	return Connection{}, errNotImplemented
}

// FindTargetConnectionByName returns the target connection named name, if any.
func (s *SandboxClient) FindTargetConnectionByName(ctx context.Context, name string) (Connection, bool, error) {
	return Connection{}, false, errNotImplemented
}

// DeleteTargetConnection deletes a target connection.
func (s *SandboxClient) DeleteTargetConnection(ctx context.Context, id string) error {
	return errNotImplemented
}

// ValidateMappingSet validates spec without creating it and returns the
// mappings that failed. An empty result means the mapping set is valid.
func (s *SandboxClient) ValidateMappingSet(ctx context.Context, spec MappingSetSpec) ([]MappingIssue, error) {
	return nil, errNotImplemented
}

// CreateMappingSet creates a mapping set.
func (s *SandboxClient) CreateMappingSet(ctx context.Context, spec MappingSetSpec) (MappingSet, error) {
	return MappingSet{}, errNotImplemented
}

// FindMappingSet returns a mapping set created at or after since with the
// same schema and mappings as spec, if any. Mapping sets have no name.
func (s *SandboxClient) FindMappingSet(ctx context.Context, spec MappingSetSpec, since time.Time) (MappingSet, bool, error) {
	return MappingSet{}, false, errNotImplemented
}

// DeleteMappingSet deletes a mapping set.
func (s *SandboxClient) DeleteMappingSet(ctx context.Context, id string) error {
	return errNotImplemented
}

// CreateFlow creates a streaming dataflow.
func (s *SandboxClient) CreateFlow(ctx context.Context, spec FlowSpec) (Flow, error) {
	return Flow{}, errNotImplemented
}

// GetFlow returns a dataflow, with InletURL once the service has filled it.
func (s *SandboxClient) GetFlow(ctx context.Context, id string) (Flow, error) {
	return Flow{}, errNotImplemented
}

// FindFlowByName returns the dataflow named name, if any.
func (s *SandboxClient) FindFlowByName(ctx context.Context, name string) (Flow, bool, error) {
	return Flow{}, false, errNotImplemented
}

// ListCustomerIOFlows returns the dataflows whose source connection uses the
// Customer.io connection spec.
func (s *SandboxClient) ListCustomerIOFlows(ctx context.Context) ([]Flow, error) {
	return nil, errNotImplemented
}

// ListRuns returns the runs of a dataflow that started at or after since.
func (s *SandboxClient) ListRuns(ctx context.Context, flowID string, since time.Time) ([]Run, error) {
	return nil, errNotImplemented
}

// EnableFlow enables a dataflow.
func (s *SandboxClient) EnableFlow(ctx context.Context, id string) error { return errNotImplemented }

// DisableFlow disables a dataflow.
func (s *SandboxClient) DisableFlow(ctx context.Context, id string) error { return errNotImplemented }

// DeleteFlow deletes a dataflow.
func (s *SandboxClient) DeleteFlow(ctx context.Context, id string) error { return errNotImplemented }
