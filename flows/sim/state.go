package sim

import (
	"slices"
	"time"
)

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

	// inlets maps a streaming inlet ID to the flow that owns it.
	inlets map[string]*flow
	events []eventRecord

	faults  map[string][]Fault
	latency time.Duration
	calls   map[string]int

	// seq numbers every created resource, so the inventory keeps creation order.
	seq int
}

// credential is a credential registered with IMS, with its restrictions.
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
	id        string
	name      string
	title     string
	kind      string // "production" or "development"
	isDefault bool
	created   time.Time

	sourceProvisioned bool

	fieldGroups map[string]*fieldGroup // by $id
	schemas     map[string]*schema     // by $id
	datasets    map[string]*dataset    // by ID
	// datasetOrder keeps datasets in creation order, the Catalog's default order.
	datasetOrder []*dataset

	mappingSets       map[string]*mappingSet
	sourceConnections map[string]*connection
	targetConnections map[string]*connection
	flows             map[string]*flow
}

func newSandbox(name, title, kind string, isDefault bool, created time.Time, id string) *sandbox {
	return &sandbox{
		id:                id,
		name:              name,
		title:             title,
		kind:              kind,
		isDefault:         isDefault,
		created:           created,
		sourceProvisioned: true,
		fieldGroups:       map[string]*fieldGroup{},
		schemas:           map[string]*schema{},
		datasets:          map[string]*dataset{},
		mappingSets:       map[string]*mappingSet{},
		sourceConnections: map[string]*connection{},
		targetConnections: map[string]*connection{},
		flows:             map[string]*flow{},
	}
}

// created marks a resource made through the API, with its creation number.
// Seeded resources have seq 0.
type created struct {
	seq int
}

func (c created) fromAPI() bool { return c.seq > 0 }

// fieldGroup is a tenant field group (the API still calls them mixins in IDs).
type fieldGroup struct {
	created
	id               string
	altID            string
	title            string
	description      string
	version          string
	intendedToExtend []string
	definitions      map[string]any
	allOf            []any
	createdAt        time.Time
	updatedAt        time.Time
	clientID         string
}

// schema is a tenant schema: a class plus field groups.
type schema struct {
	created
	id          string
	altID       string
	title       string
	description string
	version     string
	class       string
	refs        []string // $ref values of allOf: the class and the field groups
	createdAt   time.Time
	updatedAt   time.Time
	clientID    string
}

// dataset is a Catalog dataset. schemaRef is nil for datasets without a schema.
type dataset struct {
	created
	id          string
	name        string
	description string
	schemaRef   *schemaRef
	tags        map[string][]string
	createdAt   time.Time
	updatedAt   time.Time
	clientID    string
}

type schemaRef struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
}

// mappingSet is a Data Prep mapping set, stored in the current dialect.
type mappingSet struct {
	created
	id         string
	name       string
	version    int
	schemaID   string
	schemaType string
	mappings   []mapping
	createdAt  time.Time
	updatedAt  time.Time
	clientID   string
}

// mapping is one mapping of a mapping set.
type mapping struct {
	id          string
	sourceType  string // ATTRIBUTE, EXPRESSION or STATIC
	source      string
	destination string
	name        string
	description string
}

// connection is a Flow Service source or target connection.
type connection struct {
	created
	id          string
	name        string
	description string
	specID      string
	specVersion string
	providerID  string
	format      string
	schemaID    string // target connections only
	schemaType  string // target connections only
	datasetID   string // target connections only
	etag        string
	createdAt   time.Time
	updatedAt   time.Time
	clientID    string
}

// flow is a Flow Service dataflow with its streaming inlet.
type flow struct {
	created
	id                string
	name              string
	description       string
	sandbox           string
	specID            string
	specVersion       string
	sourceConnections []string
	targetConnections []string
	mappingID         string
	mappingVersion    int
	options           map[string]any
	state             string // "enabled" or "disabled"
	lastOperation     string
	inletID           string
	etag              string
	createdAt         time.Time
	updatedAt         time.Time
	clientID          string
}

func (sb *sandbox) createdResources() Resources {
	var res Resources
	res.FieldGroups = createdIDs(sb.fieldGroups, func(f *fieldGroup) (created, string) { return f.created, f.id })
	res.Schemas = createdIDs(sb.schemas, func(s *schema) (created, string) { return s.created, s.id })
	res.Datasets = createdIDs(sb.datasets, func(d *dataset) (created, string) { return d.created, d.id })
	res.MappingSets = createdIDs(sb.mappingSets, func(m *mappingSet) (created, string) { return m.created, m.id })
	res.SourceConnections = createdIDs(sb.sourceConnections, func(c *connection) (created, string) { return c.created, c.id })
	res.TargetConnections = createdIDs(sb.targetConnections, func(c *connection) (created, string) { return c.created, c.id })
	res.Flows = createdIDs(sb.flows, func(f *flow) (created, string) { return f.created, f.id })
	return res
}

// createdIDs returns the IDs of the resources created through the API, in
// creation order.
func createdIDs[T any](resources map[string]T, describe func(T) (created, string)) []string {
	type entry struct {
		seq int
		id  string
	}

	var entries []entry
	for _, r := range resources {
		c, id := describe(r)
		if c.fromAPI() {
			entries = append(entries, entry{c.seq, id})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return a.seq - b.seq })

	var ids []string
	for _, e := range entries {
		ids = append(ids, e.id)
	}
	return ids
}

// nextCreated numbers a resource created through the API.
func (s *state) nextCreated() created {
	s.seq++
	return created{seq: s.seq}
}

// lookupSchema finds a tenant schema by $id or meta:altId.
func (sb *sandbox) lookupSchema(id string) *schema {
	if s := sb.schemas[id]; s != nil {
		return s
	}
	for _, s := range sb.schemas {
		if s.altID == id {
			return s
		}
	}
	return nil
}

// lookupFieldGroup finds a tenant field group by $id or meta:altId.
func (sb *sandbox) lookupFieldGroup(id string) *fieldGroup {
	if f := sb.fieldGroups[id]; f != nil {
		return f
	}
	for _, f := range sb.fieldGroups {
		if f.altID == id {
			return f
		}
	}
	return nil
}
