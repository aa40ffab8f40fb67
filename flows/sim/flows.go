package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// flowRequest is the body of POST /flows.
type flowRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	FlowSpec    *struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	} `json:"flowSpec"`
	SourceConnectionIDs []string `json:"sourceConnectionIds"`
	TargetConnectionIDs []string `json:"targetConnectionIds"`
	Transformations     []struct {
		Name   string         `json:"name"`
		Params map[string]any `json:"params"`
	} `json:"transformations"`
	Options map[string]any `json:"options"`
}

// createFlow stores a streaming dataflow from a Customer.io source connection
// to a data lake target connection through a mapping set, and opens its inlet.
// The flow starts enabled.
func (p *Platform) createFlow(c *call) {
	var fields map[string]json.RawMessage
	if err := c.decode(&fields); err != nil {
		c.fail(err)
		return
	}
	if _, ok := fields["state"]; ok {
		c.fail(newError(http.StatusBadRequest, flowStateInBody, "state must not be sent when creating a flow"))
		return
	}
	var req flowRequest
	raw, _ := json.Marshal(fields)
	if err := json.Unmarshal(raw, &req); err != nil {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "request body does not match the flow shape: "+err.Error()))
		return
	}

	switch {
	case strings.TrimSpace(req.Name) == "":
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "name is required"))
		return
	case req.FlowSpec == nil || req.FlowSpec.ID != streamingFlowSpecID:
		c.fail(newError(http.StatusBadRequest, flowInvalidSpec, "flowSpec.id must be "+streamingFlowSpecID+" (GenericStreamingAEP)"))
		return
	case len(req.SourceConnectionIDs) != 1 || len(req.TargetConnectionIDs) != 1:
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "a streaming flow needs exactly one source connection and one target connection"))
		return
	}

	mappingID, mappingVersion, err := mappingTransformation(req.Transformations)
	if err != nil {
		c.fail(err)
		return
	}

	p.mu.Lock()
	f, err := p.newFlow(c, &req, mappingID, mappingVersion)
	if err != nil {
		p.mu.Unlock()
		c.fail(err)
		return
	}
	c.sandbox.flows[f.id] = f
	p.state.inlets[f.inletID] = f
	p.mu.Unlock()

	p.log.Info("created flow", "sandbox", c.sandbox.name, "flow_id", f.id, "inlet_id", f.inletID, "request_id", c.id)
	c.json(http.StatusCreated, map[string]any{"id": f.id, "etag": f.etag})
}

// mappingTransformation returns the mapping set of the "Mapping"
// transformation. mappingVersion may be a number or a numeric string, because
// the spec types it as a string and Adobe's tutorials send 0.
func mappingTransformation(transformations []struct {
	Name   string         `json:"name"`
	Params map[string]any `json:"params"`
}) (string, int, *apiError) {
	for _, t := range transformations {
		if t.Name != mappingTransform {
			continue
		}
		id, _ := t.Params["mappingId"].(string)
		if id == "" {
			return "", 0, newError(http.StatusBadRequest, flowMappingInvalid, "transformations[Mapping].params.mappingId is required")
		}

		version := -1
		switch v := t.Params["mappingVersion"].(type) {
		case float64:
			if v == float64(int(v)) {
				version = int(v)
			}
		case string:
			if n, err := strconv.Atoi(v); err == nil {
				version = n
			}
		case nil:
			version = 0
		}
		if version < 0 {
			return "", 0, newError(http.StatusBadRequest, flowMappingVersion, "mappingVersion must be a non-negative integer")
		}
		return id, version, nil
	}
	return "", 0, newError(http.StatusBadRequest, flowMappingInvalid, `a transformation named "Mapping" is required for raw streaming data`)
}

// newFlow checks the references of a flow request and builds the flow. The
// mapping set's schema must be the target dataset's schema (1425-400).
// p.mu is held.
func (p *Platform) newFlow(c *call, req *flowRequest, mappingID string, mappingVersion int) (*flow, *apiError) {
	sb := c.sandbox
	missing := func(kind, id string) *apiError {
		return &apiError{status: http.StatusBadRequest, code: flowResourceNotFound,
			message: kind + " " + id + " was not found", resourceID: id, resourceType: kind}
	}

	source := sb.sourceConnections[req.SourceConnectionIDs[0]]
	if source == nil {
		return nil, missing("sourceConnections", req.SourceConnectionIDs[0])
	}
	target := sb.targetConnections[req.TargetConnectionIDs[0]]
	if target == nil {
		return nil, missing("targetConnections", req.TargetConnectionIDs[0])
	}
	ms := sb.mappingSets[mappingID]
	if ms == nil {
		return nil, newError(http.StatusBadRequest, flowMappingInvalid, "mapping set "+mappingID+" was not found")
	}
	if ms.version != mappingVersion {
		return nil, newError(http.StatusBadRequest, flowMappingVersion,
			"mapping set "+mappingID+" has no version "+strconv.Itoa(mappingVersion)+"; the current version is "+strconv.Itoa(ms.version))
	}
	d := sb.datasets[target.datasetID]
	if d == nil {
		return nil, missing("dataSets", target.datasetID)
	}
	if d.schemaRef == nil || d.schemaRef.ID != ms.schemaID {
		datasetSchema := "none"
		if d.schemaRef != nil {
			datasetSchema = d.schemaRef.ID
		}
		return nil, newError(http.StatusBadRequest, flowSchemaMismatch,
			"the mapping set's schema "+ms.schemaID+" does not match the schema "+datasetSchema+" of target dataset "+d.id)
	}

	options := map[string]any{}
	for k, v := range req.Options {
		if k != "inletUrl" {
			options[k] = v
		}
	}
	version := req.FlowSpec.Version
	if version == "" {
		version = "1.0"
	}

	return &flow{
		created:           p.state.nextCreated(),
		id:                uuid.NewString(),
		name:              req.Name,
		description:       req.Description,
		sandbox:           sb.name,
		specID:            req.FlowSpec.ID,
		specVersion:       version,
		sourceConnections: []string{source.id},
		targetConnections: []string{target.id},
		mappingID:         ms.id,
		mappingVersion:    ms.version,
		options:           options,
		state:             "enabled",
		lastOperation:     "create",
		inletID:           randomHex(64),
		etag:              newETag(c.now),
		createdAt:         c.now,
		updatedAt:         c.now,
		clientID:          c.clientID,
	}, nil
}

// getFlow returns one flow as items[0], with options.inletUrl.
func (p *Platform) getFlow(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	f := c.sandbox.flows[id]
	var item map[string]any
	if f != nil {
		item = p.flowJSON(c.sandbox, f)
	}
	p.mu.Unlock()

	if f == nil {
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: "flow " + id + " was not found", resourceID: id, resourceType: "flows"})
		return
	}
	c.json(http.StatusOK, map[string]any{"items": []any{item}})
}

// listFlows lists flows with property filters such as name==X,
// flowSpec.id==X or sourceConnectionIds[]==X.
func (p *Platform) listFlows(c *call) {
	p.mu.Lock()
	var items []flowItem
	for _, f := range c.sandbox.flows {
		items = append(items, flowItem{
			body:    p.flowJSON(c.sandbox, f),
			fields:  flowFields(f),
			name:    f.name,
			created: f.createdAt,
			updated: f.updatedAt,
		})
	}
	p.mu.Unlock()

	p.listFlowItems(c, "/flows", items)
}

func flowFields(f *flow) map[string][]string {
	fields := map[string][]string{
		"id":                  {f.id},
		"name":                {f.name},
		"state":               {f.state},
		"flowSpec.id":         {f.specID},
		"flowSpec.version":    {f.specVersion},
		"sourceConnectionIds": f.sourceConnections,
		"targetConnectionIds": f.targetConnections,
		"createdClient":       {f.clientID},
		"createdAt":           {strconv.FormatInt(millis(f.createdAt), 10)},
		"updatedAt":           {strconv.FormatInt(millis(f.updatedAt), 10)},
		"inheritedAttributes.sourceConnections.connectionSpec.id": {customerIOSpecID},
		"inheritedAttributes.targetConnections.connectionSpec.id": {dataLakeSpecID},
		"transformations.params.mappingId":                        {f.mappingID},
	}
	if f.description != "" {
		fields["description"] = []string{f.description}
	}
	return fields
}

// flowJSON renders a flow. options is not in the spec's FlowItemDTO, but
// real responses carry options.inletUrl there.
func (p *Platform) flowJSON(sb *sandbox, f *flow) map[string]any {
	out := p.auditFields(sb, f.id, f.createdAt, f.updatedAt, f.clientID)
	out["name"] = f.name
	out["description"] = f.description
	out["flowSpec"] = map[string]any{"id": f.specID, "version": f.specVersion}
	out["state"] = f.state
	out["version"] = f.etag
	out["etag"] = f.etag
	out["sourceConnectionIds"] = slices.Clone(f.sourceConnections)
	out["targetConnectionIds"] = slices.Clone(f.targetConnections)

	sources := []any{}
	for _, id := range f.sourceConnections {
		spec := map[string]any{"id": customerIOSpecID, "version": "1.0"}
		if conn := sb.sourceConnections[id]; conn != nil {
			spec = map[string]any{"id": conn.specID, "version": conn.specVersion}
		}
		sources = append(sources, map[string]any{"id": id, "connectionSpec": spec})
	}
	targets := []any{}
	for _, id := range f.targetConnections {
		spec := map[string]any{"id": dataLakeSpecID, "version": "1.0"}
		if conn := sb.targetConnections[id]; conn != nil {
			spec = map[string]any{"id": conn.specID, "version": conn.specVersion}
		}
		targets = append(targets, map[string]any{"id": id, "connectionSpec": spec})
	}
	out["inheritedAttributes"] = map[string]any{
		"properties":        map[string]any{"isSourceFlow": true},
		"sourceConnections": sources,
		"targetConnections": targets,
	}

	options := deepCopy(f.options).(map[string]any)
	options["inletUrl"] = p.InletURL + "/collection/" + f.inletID
	out["options"] = options

	// The spec types mappingVersion as a string, so responses carry it that way.
	out["transformations"] = []any{map[string]any{
		"name":   mappingTransform,
		"params": map[string]any{"mappingId": f.mappingID, "mappingVersion": strconv.Itoa(f.mappingVersion)},
	}}
	out["runs"] = "/runs?property=flowId==" + f.id
	out["lastOperation"] = map[string]any{
		"started":   millis(f.updatedAt),
		"updated":   millis(f.updatedAt),
		"operation": f.lastOperation,
	}
	return out
}

// flowAction enables or disables a flow (op=enable or op=disable, any case).
// If-Match is optional, but a stale etag fails with 1404-412.
func (p *Platform) flowAction(c *call) {
	id := c.r.PathValue("id")
	op := strings.ToLower(c.r.URL.Query().Get("op"))
	if op != "enable" && op != "disable" {
		c.fail(newError(http.StatusBadRequest, flowInvalidRequest, "op must be enable or disable, got "+strconv.Quote(c.r.URL.Query().Get("op"))))
		return
	}

	p.mu.Lock()
	f := c.sandbox.flows[id]
	if f == nil {
		p.mu.Unlock()
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: "flow " + id + " was not found", resourceID: id, resourceType: "flows"})
		return
	}
	if match := c.r.Header.Get("If-Match"); match != "" && match != f.etag {
		p.mu.Unlock()
		c.fail(&apiError{status: http.StatusPreconditionFailed, code: flowIfMatchStale,
			message: "If-Match " + match + " does not match the current etag " + f.etag, resourceID: id, resourceType: "flows"})
		return
	}
	f.state = op + "d"
	f.lastOperation = op
	f.updatedAt = c.now
	f.etag = newETag(c.now)
	etag := f.etag
	p.mu.Unlock()

	p.log.Info("changed flow state", "sandbox", c.sandbox.name, "flow_id", id, "state", op+"d", "request_id", c.id)
	c.json(http.StatusOK, map[string]any{"id": id, "etag": etag})
}

// deleteFlow removes a flow and closes its inlet.
func (p *Platform) deleteFlow(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	f := c.sandbox.flows[id]
	if f != nil {
		delete(c.sandbox.flows, id)
		delete(p.state.inlets, f.inletID)
	}
	p.mu.Unlock()

	if f == nil {
		c.fail(&apiError{status: http.StatusNotFound, code: flowResourceNotFound,
			message: "flow " + id + " was not found", resourceID: id, resourceType: "flows"})
		return
	}
	p.log.Info("deleted flow", "sandbox", c.sandbox.name, "flow_id", id, "request_id", c.id)
	c.w.WriteHeader(http.StatusNoContent)
}
