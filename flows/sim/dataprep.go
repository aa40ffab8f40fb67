package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Data Prep source types. Legacy mappings send "text/x.schema-path", which is
// an attribute.
const (
	sourceAttribute  = "ATTRIBUTE"
	sourceExpression = "EXPRESSION"
	sourceStatic     = "STATIC"
	legacySchemaPath = "text/x.schema-path"
)

// Data Prep error codes.
// NOTE: Adobe does not document Data Prep error bodies or codes, so these are
// the simulator's own.
const (
	prepInvalid  = "1000"
	prepNotFound = "1001"
)

// mappingSetRequest is the body of POST /mappingSets and /mappingSets/validate.
type mappingSetRequest struct {
	Name         string `json:"name"`
	OutputSchema *struct {
		SchemaRef *schemaRef `json:"schemaRef"`
	} `json:"outputSchema"`
	Mappings []mappingRequest `json:"mappings"`
}

// mappingRequest accepts both dialects: sourceType, source and destination,
// and the legacy sourceAttribute and destinationXdmPath.
type mappingRequest struct {
	SourceType         string `json:"sourceType"`
	Source             string `json:"source"`
	Destination        string `json:"destination"`
	SourceAttribute    string `json:"sourceAttribute"`
	DestinationXdmPath string `json:"destinationXdmPath"`
	Name               string `json:"name"`
	Description        string `json:"description"`
}

// normalize converts a legacy mapping to the current dialect.
func (m mappingRequest) normalize() mapping {
	out := mapping{
		sourceType:  m.SourceType,
		source:      m.Source,
		destination: m.Destination,
		name:        m.Name,
		description: m.Description,
	}
	if out.source == "" {
		out.source = m.SourceAttribute
	}
	if out.destination == "" {
		out.destination = m.DestinationXdmPath
	}
	if out.sourceType == "" || out.sourceType == legacySchemaPath {
		out.sourceType = sourceAttribute
	}
	return out
}

// mappingProblem is one validation error, in the shape of Data Prep's
// validationResponse errors.
type mappingProblem struct {
	Destination string `json:"destination,omitempty"`
	Source      string `json:"source,omitempty"`
	SourceType  string `json:"sourceType,omitempty"`
	Exception   string `json:"exception"`
}

// validationEntry is the result for one mapping, or for the mapping set as a
// whole when the last entry reports required fields that nothing fills.
type validationEntry struct {
	Status string           `json:"status"`
	Errors []mappingProblem `json:"errors,omitempty"`
}

// checkMappingSet validates a request against its output schema. It returns a
// request-level error, or one entry per mapping plus a final entry when a
// required field of the class has no mapping.
func (p *Platform) checkMappingSet(c *call, req *mappingSetRequest) (*schema, []mapping, []validationEntry, *apiError) {
	if req.OutputSchema == nil || req.OutputSchema.SchemaRef == nil || req.OutputSchema.SchemaRef.ID == "" {
		return nil, nil, nil, newError(http.StatusBadRequest, prepInvalid, "outputSchema.schemaRef.id is required")
	}
	if len(req.Mappings) == 0 {
		return nil, nil, nil, newError(http.StatusBadRequest, prepInvalid, "mappings must not be empty")
	}

	s := c.sandbox.lookupSchema(req.OutputSchema.SchemaRef.ID)
	if s == nil {
		return nil, nil, nil, newError(http.StatusBadRequest, prepInvalid,
			"output schema "+req.OutputSchema.SchemaRef.ID+" was not found in sandbox "+c.sandbox.name)
	}
	fields := c.sandbox.schemaFields(s)

	mappings := make([]mapping, 0, len(req.Mappings))
	entries := make([]validationEntry, 0, len(req.Mappings)+1)
	mapped := map[string]bool{}
	for _, m := range req.Mappings {
		mp := m.normalize()
		mappings = append(mappings, mp)
		mapped[mp.destination] = true

		problems := checkMapping(mp, fields, s.id)
		if len(problems) == 0 {
			entries = append(entries, validationEntry{Status: "SUCCESS"})
		} else {
			entries = append(entries, validationEntry{Status: "FAILED", Errors: problems})
		}
	}

	var missing []mappingProblem
	for _, field := range classRequired[s.class] {
		if !mapped[field] {
			missing = append(missing, mappingProblem{
				Destination: field,
				Exception:   fmt.Sprintf("required field %q of class %s has no mapping", field, s.class),
			})
		}
	}
	if len(missing) > 0 {
		entries = append(entries, validationEntry{Status: "FAILED", Errors: missing})
	}
	return s, mappings, entries, nil
}

func checkMapping(m mapping, fields map[string]fieldType, schemaID string) []mappingProblem {
	problem := func(format string, args ...any) mappingProblem {
		return mappingProblem{Destination: m.destination, Source: m.source, SourceType: m.sourceType, Exception: fmt.Sprintf(format, args...)}
	}

	var problems []mappingProblem
	switch m.sourceType {
	case sourceAttribute, sourceExpression, sourceStatic:
	default:
		problems = append(problems, problem("sourceType %q is not one of ATTRIBUTE, EXPRESSION or STATIC", m.sourceType))
	}
	if strings.TrimSpace(m.source) == "" {
		problems = append(problems, problem("source is empty"))
	}
	if m.destination == "" {
		problems = append(problems, problem("destination is empty"))
	} else if _, ok := fields[m.destination]; !ok {
		problems = append(problems, problem("destination %q is not a field of schema %s", m.destination, schemaID))
	}
	if m.sourceType == sourceExpression {
		if err := checkExpressionSyntax(m.source); err != "" {
			problems = append(problems, problem("expression is not valid: %s", err))
		}
	}
	return problems
}

// checkExpressionSyntax checks that quotes and parentheses are balanced. It
// does not know Data Prep's functions.
func checkExpressionSyntax(expr string) string {
	depth := 0
	var quote rune
	for _, r := range expr {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return "unbalanced parentheses"
			}
		}
	}
	if quote != 0 {
		return "unterminated string"
	}
	if depth != 0 {
		return "unbalanced parentheses"
	}
	return ""
}

func failed(entries []validationEntry) []mappingProblem {
	var problems []mappingProblem
	for _, e := range entries {
		problems = append(problems, e.Errors...)
	}
	return problems
}

// validateMappingSet checks a mapping set without storing it. It returns 200
// with one result per mapping, also when some fail.
func (p *Platform) validateMappingSet(c *call) {
	var req mappingSetRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}

	p.mu.Lock()
	_, _, entries, err := p.checkMappingSet(c, &req)
	p.mu.Unlock()

	if err != nil {
		c.fail(err)
		return
	}
	c.json(http.StatusOK, map[string]any{"validationResponse": entries})
}

// createMappingSet stores a valid mapping set as version 0. It returns 200,
// not 201, with dates in epoch milliseconds as the real service does.
func (p *Platform) createMappingSet(c *call) {
	var req mappingSetRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}

	p.mu.Lock()
	s, mappings, entries, err := p.checkMappingSet(c, &req)
	if err == nil {
		if problems := failed(entries); len(problems) > 0 {
			var parts []string
			for _, pr := range problems {
				parts = append(parts, pr.Exception)
			}
			err = newError(http.StatusBadRequest, prepInvalid, "mapping set is not valid: "+strings.Join(parts, "; "))
		}
	}
	if err != nil {
		p.mu.Unlock()
		c.fail(err)
		return
	}

	for i := range mappings {
		mappings[i].id = randomHex(32)
	}
	contentType := req.OutputSchema.SchemaRef.ContentType
	if contentType == "" {
		contentType = "application/vnd.adobe.xed-full+json;version=1"
	}
	ms := &mappingSet{
		created:    p.state.nextCreated(),
		id:         randomHex(32),
		name:       req.Name,
		schemaID:   s.id,
		schemaType: contentType,
		mappings:   mappings,
		createdAt:  c.now,
		updatedAt:  c.now,
		clientID:   c.clientID,
	}
	c.sandbox.mappingSets[ms.id] = ms
	p.mu.Unlock()

	p.log.Info("created mapping set", "sandbox", c.sandbox.name, "mapping_set_id", ms.id, "request_id", c.id)
	c.json(http.StatusOK, map[string]any{
		"id":           ms.id,
		"version":      ms.version,
		"createdDate":  millis(ms.createdAt),
		"modifiedDate": millis(ms.updatedAt),
		"createdBy":    ms.clientID,
		"modifiedBy":   ms.clientID,
	})
}

// listMappingSets pages mapping sets. limit and start are both required.
func (p *Platform) listMappingSets(c *call) {
	query := c.r.URL.Query()
	limit, errLimit := strconv.Atoi(query.Get("limit"))
	start, errStart := strconv.Atoi(query.Get("start"))
	if errLimit != nil || errStart != nil || limit < 1 || start < 0 {
		c.fail(newError(http.StatusBadRequest, prepInvalid, "limit (a positive integer) and start (a non-negative integer) are both required"))
		return
	}
	name := query.Get("name")
	desc := strings.HasPrefix(query.Get("orderBy"), "-")

	p.mu.Lock()
	var all []*mappingSet
	for _, ms := range c.sandbox.mappingSets {
		if name == "" || ms.name == name {
			all = append(all, ms)
		}
	}
	slices.SortFunc(all, func(a, b *mappingSet) int {
		d := a.createdAt.Compare(b.createdAt)
		if d == 0 {
			d = strings.Compare(a.id, b.id)
		}
		if desc {
			return -d
		}
		return d
	})
	data := []map[string]any{}
	for i := start; i < len(all) && len(data) < limit; i++ {
		data = append(data, mappingSetJSON(all[i]))
	}
	total := len(all)
	p.mu.Unlock()

	links := map[string]any{}
	if start+limit < total {
		links["next"] = map[string]any{
			"href":      fmt.Sprintf("/data/foundation/conversion/mappingSets?limit=%d&start=%d", limit, start+limit),
			"templated": false,
		}
	}
	c.json(http.StatusOK, map[string]any{
		"data":   data,
		"_page":  map[string]any{"count": len(data), "limit": limit},
		"_links": links,
	})
}

// getMappingSet returns one mapping set. Each mapping carries both dialects.
func (p *Platform) getMappingSet(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	ms := c.sandbox.mappingSets[id]
	var body map[string]any
	if ms != nil {
		body = mappingSetJSON(ms)
	}
	p.mu.Unlock()

	if ms == nil {
		c.fail(newError(http.StatusNotFound, prepNotFound, "mapping set "+id+" was not found"))
		return
	}
	c.json(http.StatusOK, body)
}

// deleteMappingSet removes a mapping set. The published spec lacks this
// operation, but the aepp wrapper calls it and expects 204.
func (p *Platform) deleteMappingSet(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	ms := c.sandbox.mappingSets[id]
	delete(c.sandbox.mappingSets, id)
	p.mu.Unlock()

	if ms == nil {
		c.fail(newError(http.StatusNotFound, prepNotFound, "mapping set "+id+" was not found"))
		return
	}
	p.log.Info("deleted mapping set", "sandbox", c.sandbox.name, "mapping_set_id", id, "request_id", c.id)
	c.w.WriteHeader(http.StatusNoContent)
}

// mappingSetJSON renders a mapping set with dates in epoch milliseconds.
// NOTE: the spec types the dates as date-time strings, but Adobe's docs and
// real responses give epoch milliseconds.
func mappingSetJSON(ms *mappingSet) map[string]any {
	mappings := make([]map[string]any, 0, len(ms.mappings))
	for _, m := range ms.mappings {
		item := map[string]any{
			"id":                 m.id,
			"version":            ms.version,
			"createdDate":        millis(ms.createdAt),
			"modifiedDate":       millis(ms.updatedAt),
			"createdBy":          ms.clientID,
			"modifiedBy":         ms.clientID,
			"sourceType":         m.sourceType,
			"source":             m.source,
			"destination":        m.destination,
			"sourceAttribute":    m.source,
			"destinationXdmPath": m.destination,
			"identity":           false,
			"primaryIdentity":    false,
			"functionVersion":    0,
		}
		if m.name != "" {
			item["name"] = m.name
		}
		if m.description != "" {
			item["description"] = m.description
		}
		mappings = append(mappings, item)
	}

	out := map[string]any{
		"id":           ms.id,
		"version":      ms.version,
		"createdDate":  millis(ms.createdAt),
		"modifiedDate": millis(ms.updatedAt),
		"createdBy":    ms.clientID,
		"modifiedBy":   ms.clientID,
		"outputSchema": map[string]any{
			"schemaRef": map[string]any{"id": ms.schemaID, "contentType": ms.schemaType},
		},
		"mappings": mappings,
	}
	if ms.name != "" {
		out["name"] = ms.name
	}
	return out
}
