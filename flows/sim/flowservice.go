package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Flow Service IDs that the Customer.io streaming source uses.
const (
	customerIOSpecID    = "96479064-7b8a-4d69-b9ed-21c5683837ea"
	dataLakeSpecID      = "c604ff05-7f1a-43c0-8e18-33bf874cb11c"
	streamingProviderID = "521eee4d-8cbe-4906-bb48-fb6bd4450033"
	streamingFlowSpecID = "e77fde5a-22a8-11ed-861d-0242ac120002"
	mappingTransform    = "Mapping"
)

// Flow Service error codes from Adobe's "Flow Service error messages" page.
const (
	flowNotEntitled      = "1100" // 400: source not provisioned or beta not enabled
	flowLimitAndCount    = "1401" // 400
	flowIfMatchStale     = "1404" // 412
	flowStateInBody      = "1410" // 400
	flowMappingVersion   = "1412" // 400
	flowInvalidSpec      = "1413" // 400
	flowConnectionInUse  = "1418" // 400
	flowMappingInvalid   = "1419" // 400
	flowSchemaMismatch   = "1425" // 400
	flowResourceNotFound = "1439" // 404 for a path ID, 400 for an ID in a body
)

// flowInvalidRequest is the code for a malformed parameter or body field.
// NOTE: Adobe documents no code for this case, so 1409 is the simulator's own.
const flowInvalidRequest = "1409"

// NOTE: the internal name of the Customer.io connection spec and the data
// lake provider ID are not documented, so these values are placeholders.
const (
	customerIOSpecName = "Customer.io"
	dataLakeProviderID = "0ed90a81-07f4-4586-8190-b40eccef1c5a"
)

// flowDefaultLimit is the page size of Flow Service lists without limit.
// NOTE: Adobe does not document the default page size.
const flowDefaultLimit = 100

// getConnectionSpec returns the Customer.io source spec or the data lake
// target spec. The source spec fails with 1100-400 where Customer.io is not
// provisioned.
func (p *Platform) getConnectionSpec(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	provisioned := c.sandbox.sourceProvisioned
	p.mu.Unlock()

	var spec map[string]any
	switch id {
	case customerIOSpecID:
		if !provisioned {
			c.fail(notProvisioned(c.sandbox.name))
			return
		}
		spec = map[string]any{
			"id":         customerIOSpecID,
			"name":       customerIOSpecName,
			"providerId": streamingProviderID,
			"version":    "1.0",
			"sourceSpec": map[string]any{
				"attributes": map[string]any{
					"uiAttributes": map[string]any{
						"isSource":    true,
						"category":    "Marketing Automation",
						"label":       "Customer.io",
						"description": "Stream Customer.io reporting webhook events to Experience Platform.",
					},
				},
			},
		}
	case dataLakeSpecID:
		spec = map[string]any{
			"id":         dataLakeSpecID,
			"name":       "Data Lake",
			"providerId": dataLakeProviderID,
			"version":    "1.0",
		}
	default:
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: "connection spec " + id + " was not found", resourceID: id, resourceType: "connectionSpecs"})
		return
	}
	c.json(http.StatusOK, map[string]any{"items": []any{spec}})
}

func notProvisioned(sandbox string) *apiError {
	return newError(http.StatusBadRequest, flowNotEntitled,
		"the organization is not entitled to connection spec "+customerIOSpecID+" (Customer.io) in sandbox "+sandbox)
}

// connectionRequest is the body that creates a source or target connection.
type connectionRequest struct {
	Name             string `json:"name"`
	Description      string `json:"description"`
	ProviderID       string `json:"providerId"`
	BaseConnectionID string `json:"baseConnectionId"`
	ConnectionSpec   *struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"connectionSpec"`
	Data struct {
		Format string `json:"format"`
		Schema *struct {
			ID      string `json:"id"`
			Version string `json:"version"`
		} `json:"schema"`
	} `json:"data"`
	Params struct {
		DataSetID string `json:"dataSetId"`
	} `json:"params"`
}

// createSourceConnection stores a Customer.io source connection. It needs no
// base connection, and data.format must be json.
func (p *Platform) createSourceConnection(c *call) {
	var req connectionRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}
	if err := validateConnection(&req, customerIOSpecID); err != nil {
		c.fail(err)
		return
	}

	p.mu.Lock()
	if !c.sandbox.sourceProvisioned {
		p.mu.Unlock()
		c.fail(notProvisioned(c.sandbox.name))
		return
	}
	conn := p.newConnection(c, &req)
	conn.providerID = req.ProviderID
	c.sandbox.sourceConnections[conn.id] = conn
	p.mu.Unlock()

	p.log.Info("created source connection", "sandbox", c.sandbox.name, "source_connection_id", conn.id, "request_id", c.id)
	c.json(http.StatusCreated, map[string]any{"id": conn.id, "etag": conn.etag})
}

// createTargetConnection stores a data lake target connection. The dataset in
// params.dataSetId must exist and data.schema.id must be its schema.
func (p *Platform) createTargetConnection(c *call) {
	var req connectionRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}
	if err := validateConnection(&req, dataLakeSpecID); err != nil {
		c.fail(err)
		return
	}
	if req.Params.DataSetID == "" {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "params.dataSetId is required for a data lake target connection"))
		return
	}
	if req.Data.Schema == nil || req.Data.Schema.ID == "" {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "data.schema.id is required for a data lake target connection"))
		return
	}

	p.mu.Lock()
	d := c.sandbox.datasets[req.Params.DataSetID]
	switch {
	case d == nil:
		p.mu.Unlock()
		c.fail(&apiError{status: http.StatusBadRequest, code: flowResourceNotFound,
			message: "dataset " + req.Params.DataSetID + " was not found", resourceID: req.Params.DataSetID, resourceType: "dataSets"})
		return
	case d.schemaRef == nil || d.schemaRef.ID != req.Data.Schema.ID:
		p.mu.Unlock()
		c.fail(newError(http.StatusBadRequest, flowSchemaMismatch,
			"data.schema.id "+req.Data.Schema.ID+" is not the schema of dataset "+d.id))
		return
	}
	conn := p.newConnection(c, &req)
	conn.datasetID = d.id
	conn.schemaID = req.Data.Schema.ID
	conn.schemaType = req.Data.Schema.Version
	c.sandbox.targetConnections[conn.id] = conn
	p.mu.Unlock()

	p.log.Info("created target connection", "sandbox", c.sandbox.name, "target_connection_id", conn.id, "request_id", c.id)
	c.json(http.StatusCreated, map[string]any{"id": conn.id, "etag": conn.etag})
}

func validateConnection(req *connectionRequest, specID string) *apiError {
	switch {
	case strings.TrimSpace(req.Name) == "":
		return newError(http.StatusBadRequest, flowInvalidRequest, "name is required")
	case req.ConnectionSpec == nil || req.ConnectionSpec.ID == "":
		return newError(http.StatusBadRequest, flowInvalidRequest, "connectionSpec.id is required")
	case req.ConnectionSpec.ID != specID:
		return newError(http.StatusBadRequest, flowInvalidSpec, "connection spec "+req.ConnectionSpec.ID+" is not valid here; expected "+specID)
	case req.Data.Format != "json":
		return newError(http.StatusBadRequest, flowInvalidRequest, `data.format must be "json", got `+strconv.Quote(req.Data.Format))
	}
	return nil
}

// newConnection builds a connection from a validated request. p.mu is held.
func (p *Platform) newConnection(c *call, req *connectionRequest) *connection {
	version := req.ConnectionSpec.Version
	if version == "" {
		version = "1.0"
	}
	return &connection{
		created:     p.state.nextCreated(),
		id:          uuid.NewString(),
		name:        req.Name,
		description: req.Description,
		specID:      req.ConnectionSpec.ID,
		specVersion: version,
		format:      req.Data.Format,
		etag:        newETag(c.now),
		createdAt:   c.now,
		updatedAt:   c.now,
		clientID:    c.clientID,
	}
}

func (p *Platform) getSourceConnection(c *call) {
	p.getConnection(c, "sourceConnections", func(sb *sandbox) map[string]*connection { return sb.sourceConnections })
}

func (p *Platform) getTargetConnection(c *call) {
	p.getConnection(c, "targetConnections", func(sb *sandbox) map[string]*connection { return sb.targetConnections })
}

// getConnection returns one connection as items[0], as Flow Service does.
func (p *Platform) getConnection(c *call, kind string, conns func(*sandbox) map[string]*connection) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	conn := conns(c.sandbox)[id]
	var item map[string]any
	if conn != nil {
		item = p.connectionJSON(c.sandbox, conn)
	}
	p.mu.Unlock()

	if conn == nil {
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: kind + " " + id + " was not found", resourceID: id, resourceType: kind})
		return
	}
	c.json(http.StatusOK, map[string]any{"items": []any{item}})
}

func (p *Platform) listSourceConnections(c *call) {
	p.listConnections(c, "/sourceConnections", func(sb *sandbox) map[string]*connection { return sb.sourceConnections })
}

func (p *Platform) listTargetConnections(c *call) {
	p.listConnections(c, "/targetConnections", func(sb *sandbox) map[string]*connection { return sb.targetConnections })
}

func (p *Platform) listConnections(c *call, path string, conns func(*sandbox) map[string]*connection) {
	p.mu.Lock()
	var items []flowItem
	for _, conn := range conns(c.sandbox) {
		items = append(items, flowItem{
			body:    p.connectionJSON(c.sandbox, conn),
			fields:  connectionFields(conn),
			name:    conn.name,
			created: conn.createdAt,
			updated: conn.updatedAt,
		})
	}
	p.mu.Unlock()

	p.listFlowItems(c, path, items)
}

func connectionFields(conn *connection) map[string][]string {
	fields := map[string][]string{
		"id":                     {conn.id},
		"name":                   {conn.name},
		"state":                  {"enabled"},
		"connectionSpec.id":      {conn.specID},
		"connectionSpec.version": {conn.specVersion},
		"data.format":            {conn.format},
		"createdClient":          {conn.clientID},
		"createdAt":              {strconv.FormatInt(millis(conn.createdAt), 10)},
		"updatedAt":              {strconv.FormatInt(millis(conn.updatedAt), 10)},
	}
	if conn.description != "" {
		fields["description"] = []string{conn.description}
	}
	if conn.datasetID != "" {
		fields["params.dataSetId"] = []string{conn.datasetID}
		fields["data.schema.id"] = []string{conn.schemaID}
	}
	return fields
}

func (p *Platform) connectionJSON(sb *sandbox, conn *connection) map[string]any {
	out := p.auditFields(sb, conn.id, conn.createdAt, conn.updatedAt, conn.clientID)
	out["name"] = conn.name
	out["description"] = conn.description
	out["state"] = "enabled"
	out["connectionSpec"] = map[string]any{"id": conn.specID, "version": conn.specVersion}
	out["version"] = conn.etag
	out["etag"] = conn.etag

	data := map[string]any{"format": conn.format}
	params := map[string]any{}
	if conn.datasetID != "" {
		data["schema"] = map[string]any{"id": conn.schemaID, "version": conn.schemaType}
		params["dataSetId"] = conn.datasetID
	}
	out["data"] = data
	out["params"] = params
	if conn.providerID != "" {
		out["providerId"] = conn.providerID
	}
	return out
}

// auditFields returns the fields every Flow Service resource carries.
func (p *Platform) auditFields(sb *sandbox, id string, created, updated time.Time, clientID string) map[string]any {
	return map[string]any{
		"id":            id,
		"createdAt":     millis(created),
		"updatedAt":     millis(updated),
		"createdBy":     clientID + "@AdobeID",
		"updatedBy":     clientID + "@AdobeID",
		"createdClient": clientID,
		"updatedClient": clientID,
		"sandboxId":     sb.id,
		"sandboxName":   sb.name,
		"imsOrgId":      p.state.orgID,
	}
}

func (p *Platform) deleteSourceConnection(c *call) {
	p.deleteConnection(c, "sourceConnections", func(sb *sandbox) map[string]*connection { return sb.sourceConnections },
		func(f *flow) []string { return f.sourceConnections })
}

func (p *Platform) deleteTargetConnection(c *call) {
	p.deleteConnection(c, "targetConnections", func(sb *sandbox) map[string]*connection { return sb.targetConnections },
		func(f *flow) []string { return f.targetConnections })
}

// deleteConnection removes a connection unless a flow still uses it.
func (p *Platform) deleteConnection(c *call, kind string, conns func(*sandbox) map[string]*connection, used func(*flow) []string) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	conn := conns(c.sandbox)[id]
	var users []string
	if conn != nil {
		for _, f := range c.sandbox.flows {
			if slices.Contains(used(f), id) {
				users = append(users, f.id)
			}
		}
		if len(users) == 0 {
			delete(conns(c.sandbox), id)
		}
	}
	p.mu.Unlock()

	switch {
	case conn == nil:
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: kind + " " + id + " was not found", resourceID: id, resourceType: kind})
	case len(users) > 0:
		slices.Sort(users)
		c.fail(&apiError{status: http.StatusBadRequest, code: flowConnectionInUse,
			message: kind + " " + id + " is used by flow(s) " + strings.Join(users, ", ") + "; delete them first", resourceID: id, resourceType: kind})
	default:
		p.log.Info("deleted connection", "kind", kind, "sandbox", c.sandbox.name, "id", id, "request_id", c.id)
		c.w.WriteHeader(http.StatusNoContent)
	}
}

// flowItem is one resource in a Flow Service list.
type flowItem struct {
	body    map[string]any
	fields  map[string][]string
	name    string
	created time.Time
	updated time.Time
}

// listQuery is the part of a Flow Service list request that a continuation
// token carries, so that the next page keeps the same filter and order.
type listQuery struct {
	Offset   int      `json:"o"`
	Limit    int      `json:"l"`
	Property []string `json:"p,omitempty"`
	OrderBy  string   `json:"s,omitempty"`
}

// listFlowItems filters, sorts and pages a Flow Service list. Pages continue
// with continuationToken, which _links.next.href carries.
func (p *Platform) listFlowItems(c *call, path string, items []flowItem) {
	query := c.r.URL.Query()
	if query.Get("count") == "true" && query.Has("limit") {
		c.fail(newError(http.StatusBadRequest, flowLimitAndCount, "limit and count cannot be used together"))
		return
	}

	lq := listQuery{Limit: flowDefaultLimit, Property: query["property"], OrderBy: query.Get("orderby")}
	if token := query.Get("continuationToken"); token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || json.Unmarshal(raw, &lq) != nil {
			c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "continuationToken is not valid"))
			return
		}
	}
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "limit must be a positive integer, got "+strconv.Quote(v)))
			return
		}
		lq.Limit = n
	}

	filters, err := parseFilters(splitFilters(lq.Property))
	if err != nil {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, err.Error()))
		return
	}
	items = slices.DeleteFunc(items, func(it flowItem) bool {
		return !matchAll(filters, func(field string) ([]string, bool) {
			v, ok := it.fields[strings.TrimSuffix(field, "[]")]
			return v, ok && len(v) > 0
		})
	})

	order, err := flowOrder(lq.OrderBy)
	if err != nil {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, err.Error()))
		return
	}
	slices.SortStableFunc(items, order)

	if query.Get("count") == "true" {
		c.json(http.StatusOK, map[string]any{"count": len(items)})
		return
	}

	start := min(lq.Offset, len(items))
	end := min(start+lq.Limit, len(items))
	page := make([]map[string]any, 0, end-start)
	for _, it := range items[start:end] {
		page = append(page, it.body)
	}

	links := map[string]any{}
	if end < len(items) {
		next := lq
		next.Offset = end
		raw, _ := json.Marshal(next)
		token := base64.RawURLEncoding.EncodeToString(raw)
		links["next"] = map[string]any{"href": path + "?" + url.Values{"continuationToken": {token}}.Encode()}
	}
	c.json(http.StatusOK, map[string]any{"items": page, "_links": links})
}

// flowOrder parses orderby, such as "name" or "-createdAt". Without it, lists
// are in creation order.
// NOTE: Adobe does not document the default order.
func flowOrder(orderby string) (func(a, b flowItem) int, error) {
	field, desc := strings.CutPrefix(orderby, "-")
	field = strings.TrimPrefix(field, "+")

	var compare func(a, b flowItem) int
	switch field {
	case "", "createdAt":
		compare = func(a, b flowItem) int { return a.created.Compare(b.created) }
	case "updatedAt":
		compare = func(a, b flowItem) int { return a.updated.Compare(b.updated) }
	case "name":
		compare = func(a, b flowItem) int { return strings.Compare(a.name, b.name) }
	default:
		return nil, fmt.Errorf("orderby field %q is not supported; use name, createdAt or updatedAt", field)
	}

	return func(a, b flowItem) int {
		d := compare(a, b)
		if d == 0 {
			d = strings.Compare(a.fields["id"][0], b.fields["id"][0])
		}
		if desc {
			return -d
		}
		return d
	}, nil
}
