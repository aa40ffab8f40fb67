package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Catalog paging limits: limit defaults to 20 and may be 1 to 100, and a page
// that includes observableSchema contains at most 20 datasets.
const (
	catalogDefaultLimit    = 20
	catalogMaxLimit        = 100
	catalogObservableLimit = 20
)

// listDatasets returns a page of datasets as an object keyed by dataset ID, in
// the requested order. It pages with start and limit and filters with
// property=, name= and description=.
func (p *Platform) listDatasets(c *call) {
	query := c.r.URL.Query()

	limit, start := catalogDefaultLimit, 0
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > catalogMaxLimit {
			c.fail(newError(http.StatusBadRequest, "1002", "limit must be an integer from 1 to 100, got "+strconv.Quote(v)))
			return
		}
		limit = n
	}
	if v := query.Get("start"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			c.fail(newError(http.StatusBadRequest, "1002", "start must be a non-negative integer, got "+strconv.Quote(v)))
			return
		}
		start = n
	}

	properties := splitList(query.Get("properties"))
	if slices.Contains(properties, "observableSchema") {
		limit = min(limit, catalogObservableLimit)
	}

	filters, err := parseFilters(query["property"])
	if err != nil {
		c.fail(newError(http.StatusBadRequest, "1002", err.Error()))
		return
	}
	for _, field := range []string{"name", "description", "createdClient"} {
		if v := query.Get(field); v != "" {
			filters = append(filters, filter{field: field, op: "in", values: splitList(v)})
		}
	}
	order, err := parseCatalogOrder(query.Get("orderBy"))
	if err != nil {
		c.fail(newError(http.StatusBadRequest, "1002", err.Error()))
		return
	}

	p.mu.Lock()
	var matched []*dataset
	for _, d := range c.sandbox.datasetOrder {
		get := func(field string) ([]string, bool) {
			v, ok := datasetField(d, field)
			return []string{v}, ok
		}
		if matchAll(filters, get) {
			matched = append(matched, d)
		}
	}
	if order != nil {
		slices.SortStableFunc(matched, order)
	}

	var page []*dataset
	if start < len(matched) {
		page = matched[start:min(start+limit, len(matched))]
	}
	body := datasetMap(page, p.state.orgID, properties)
	p.mu.Unlock()

	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(body)
}

// getDataset returns one dataset as an object with one key.
func (p *Platform) getDataset(c *call) {
	id := c.r.PathValue("id")
	properties := splitList(c.r.URL.Query().Get("properties"))

	p.mu.Lock()
	d := c.sandbox.datasets[id]
	var body []byte
	if d != nil {
		body = datasetMap([]*dataset{d}, p.state.orgID, properties)
	}
	p.mu.Unlock()

	if d == nil {
		c.fail(newError(http.StatusNotFound, "1001", "dataset "+strconv.Quote(id)+" was not found"))
		return
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(body)
}

// datasetRequest is the body of POST /dataSets.
type datasetRequest struct {
	Name        string              `json:"name"`
	Description string              `json:"description"`
	SchemaRef   *schemaRef          `json:"schemaRef"`
	Tags        map[string][]string `json:"tags"`
}

// createDataset stores a dataset and returns 201 ["@/dataSets/{id}"]. A
// schemaRef must name a schema of the sandbox.
func (p *Platform) createDataset(c *call) {
	var req datasetRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}
	if strings.TrimSpace(req.Name) == "" {
		c.fail(newError(http.StatusBadRequest, "1002", "name is required"))
		return
	}
	if req.SchemaRef != nil && req.SchemaRef.ID == "" {
		c.fail(newError(http.StatusBadRequest, "1002", "schemaRef.id is required when schemaRef is set"))
		return
	}

	p.mu.Lock()
	if req.SchemaRef != nil && c.sandbox.lookupSchema(req.SchemaRef.ID) == nil {
		p.mu.Unlock()
		c.fail(newError(http.StatusBadRequest, "1002", "schema "+strconv.Quote(req.SchemaRef.ID)+" was not found in sandbox "+c.sandbox.name))
		return
	}

	d := &dataset{
		created:     p.state.nextCreated(),
		id:          randomHex(24),
		name:        req.Name,
		description: req.Description,
		tags:        copyTags(req.Tags),
		createdAt:   c.now,
		updatedAt:   c.now,
		clientID:    c.clientID,
	}
	if req.SchemaRef != nil {
		ref := *req.SchemaRef
		ref.ID = c.sandbox.lookupSchema(ref.ID).id
		if ref.ContentType == "" {
			ref.ContentType = "application/vnd.adobe.xed+json;version=1"
		}
		d.schemaRef = &ref
	}
	addDataset(c.sandbox, d)
	p.mu.Unlock()

	p.log.Info("created dataset", "sandbox", c.sandbox.name, "dataset_id", d.id, "request_id", c.id)
	c.w.Header().Set("Location", p.PlatformURL+"/data/foundation/catalog/dataSets/"+d.id)
	c.json(http.StatusCreated, []string{"@/dataSets/" + d.id})
}

// deleteDataset removes a dataset and returns 200 ["@/dataSets/{id}"].
func (p *Platform) deleteDataset(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	d := c.sandbox.datasets[id]
	if d != nil {
		delete(c.sandbox.datasets, id)
		c.sandbox.datasetOrder = slices.DeleteFunc(c.sandbox.datasetOrder, func(x *dataset) bool { return x == d })
	}
	p.mu.Unlock()

	if d == nil {
		c.fail(newError(http.StatusNotFound, "1001", "dataset "+strconv.Quote(id)+" was not found"))
		return
	}
	p.log.Info("deleted dataset", "sandbox", c.sandbox.name, "dataset_id", id, "request_id", c.id)
	c.json(http.StatusOK, []string{"@/dataSets/" + id})
}

// datasetMap encodes datasets as one JSON object keyed by ID, keeping the
// given order (a Go map would sort the keys). properties, when not empty,
// keeps only those top-level fields.
func datasetMap(datasets []*dataset, orgID string, properties []string) []byte {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, d := range datasets {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(d.id)
		value, _ := json.Marshal(datasetJSON(d, orgID, properties))
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(value)
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func datasetJSON(d *dataset, orgID string, properties []string) map[string]any {
	out := map[string]any{
		"version":          "1.0.0",
		"imsOrg":           orgID,
		"name":             d.name,
		"created":          millis(d.createdAt),
		"updated":          millis(d.updatedAt),
		"createdClient":    d.clientID,
		"createdUser":      d.clientID + "@AdobeID",
		"updatedUser":      d.clientID + "@AdobeID",
		"viewId":           d.id[12:] + d.id[:12],
		"files":            "@/dataSetFiles?dataSetId=" + d.id,
		"observableSchema": map[string]any{},
	}
	if d.description != "" {
		out["description"] = d.description
	}
	if d.schemaRef != nil {
		out["schemaRef"] = *d.schemaRef
	}
	if d.tags != nil {
		out["tags"] = copyTags(d.tags)
	}

	if len(properties) == 0 {
		return out
	}
	trimmed := map[string]any{}
	for _, name := range properties {
		if v, ok := out[name]; ok {
			trimmed[name] = v
		}
	}
	return trimmed
}

// datasetField returns a dataset field for property filters.
func datasetField(d *dataset, field string) (string, bool) {
	switch field {
	case "id":
		return d.id, true
	case "name":
		return d.name, true
	case "description":
		return d.description, d.description != ""
	case "createdClient":
		return d.clientID, true
	case "created":
		return strconv.FormatInt(millis(d.createdAt), 10), true
	case "updated":
		return strconv.FormatInt(millis(d.updatedAt), 10), true
	case "schemaRef", "schemaRef.id":
		if d.schemaRef == nil {
			return "", false
		}
		return d.schemaRef.ID, true
	case "schemaRef.contentType":
		if d.schemaRef == nil {
			return "", false
		}
		return d.schemaRef.ContentType, true
	}
	return "", false
}

// parseCatalogOrder parses orderBy, such as "desc:updated" or
// "asc:created,name". An empty value keeps creation order.
func parseCatalogOrder(orderBy string) (func(a, b *dataset) int, error) {
	if orderBy == "" {
		return nil, nil
	}

	type key struct {
		field string
		desc  bool
	}
	var keys []key
	for _, part := range splitList(orderBy) {
		dir, field, found := strings.Cut(part, ":")
		if !found {
			dir, field = "asc", part
		}
		if dir != "asc" && dir != "desc" {
			return nil, fmt.Errorf("orderBy direction must be asc or desc, got %q", dir)
		}
		switch field {
		case "created", "updated", "name", "id":
		default:
			return nil, fmt.Errorf("orderBy field %q is not supported; use created, updated, name or id", field)
		}
		keys = append(keys, key{field, dir == "desc"})
	}

	return func(a, b *dataset) int {
		for _, k := range keys {
			var diff int
			switch k.field {
			case "created":
				diff = a.createdAt.Compare(b.createdAt)
			case "updated":
				diff = a.updatedAt.Compare(b.updatedAt)
			case "name":
				diff = strings.Compare(a.name, b.name)
			case "id":
				diff = strings.Compare(a.id, b.id)
			}
			if k.desc {
				diff = -diff
			}
			if diff != 0 {
				return diff
			}
		}
		return 0
	}, nil
}

// filter is one property filter, such as name==X, name~regex or created>1000.
type filter struct {
	field  string
	op     string // ==, !=, ~, <, <=, >, >=, exists, missing, in
	values []string
	regex  *regexp.Regexp
}

// filterOperators are tried in order, so two-character operators come first.
var filterOperators = []string{"==", "!=", "<=", ">=", "~", "<", ">"}

// parseFilters parses property= values. A value without an operator tests
// that the field exists, and a leading "!" that it does not.
func parseFilters(values []string) ([]filter, error) {
	var filters []filter
	for _, expr := range values {
		f, err := parseFilter(expr)
		if err != nil {
			return nil, err
		}
		filters = append(filters, f)
	}
	return filters, nil
}

func parseFilter(expr string) (filter, error) {
	expr = strings.TrimSpace(expr)
	best := -1
	var op string
	for _, candidate := range filterOperators {
		if i := strings.Index(expr, candidate); i > 0 && (best < 0 || i < best) {
			best, op = i, candidate
		}
	}

	if best < 0 {
		if field, negated := strings.CutPrefix(expr, "!"); negated {
			return filter{field: field, op: "missing"}, nil
		}
		if expr == "" {
			return filter{}, fmt.Errorf("property filter is empty")
		}
		return filter{field: expr, op: "exists"}, nil
	}

	f := filter{field: expr[:best], op: op, values: []string{expr[best+len(op):]}}
	if op == "~" {
		re, err := regexp.Compile(f.values[0])
		if err != nil {
			return filter{}, fmt.Errorf("property filter %q has an invalid regular expression: %v", expr, err)
		}
		f.regex = re
	}
	return f, nil
}

// fieldGetter returns the values of a resource field (several for array
// fields) and whether the field is present.
type fieldGetter func(field string) ([]string, bool)

// matchAll reports whether a resource passes every filter.
func matchAll(filters []filter, get fieldGetter) bool {
	for _, f := range filters {
		if !f.match(get) {
			return false
		}
	}
	return true
}

func (f filter) match(get fieldGetter) bool {
	values, present := get(f.field)
	switch f.op {
	case "exists":
		return present
	case "missing":
		return !present
	case "!=":
		return !present || !slices.Contains(values, f.values[0])
	}
	if !present {
		return false
	}

	// An array field matches when any of its values does.
	for _, value := range values {
		if f.matchValue(value) {
			return true
		}
	}
	return false
}

func (f filter) matchValue(value string) bool {
	switch f.op {
	case "in":
		return slices.Contains(f.values, value)
	case "==":
		return value == f.values[0]
	case "~":
		return f.regex.MatchString(value)
	}

	// Ordering operators compare numbers when both sides are numbers.
	cmp := strings.Compare(value, f.values[0])
	a, errA := strconv.ParseFloat(value, 64)
	b, errB := strconv.ParseFloat(f.values[0], 64)
	if errA == nil && errB == nil {
		cmp = compareFloats(a, b)
	}
	switch f.op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

func compareFloats(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// splitFilters splits comma-separated property filters, as Flow Service and
// the Schema Registry accept them. A comma inside a value stays when the text
// after it contains no operator, so "title==A, B" remains one filter.
func splitFilters(values []string) []string {
	var out []string
	for _, v := range values {
		var current []string
		for part := range strings.SplitSeq(v, ",") {
			if len(current) > 0 && !hasOperator(part) {
				current[len(current)-1] += "," + part
				continue
			}
			current = append(current, part)
		}
		out = append(out, current...)
	}
	return out
}

func hasOperator(expr string) bool {
	for _, op := range filterOperators {
		if strings.Contains(expr, op) {
			return true
		}
	}
	return false
}

// splitList splits a comma-separated parameter and drops empty items.
func splitList(v string) []string {
	var items []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}
