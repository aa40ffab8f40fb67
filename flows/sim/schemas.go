package sim

import (
	"cmp"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Schema Registry error codes. 1006, 1007 and 1012 are documented.
// NOTE: the codes for a duplicate title, a resource in use and an invalid
// payload are the simulator's own because Adobe does not document them.
const (
	xdmInvalid   = "1000"
	xdmNotFound  = "1012"
	xdmDuplicate = "1521"
	xdmInUse     = "1522"
)

// schemaPageMax is the maximum number of results the Schema Registry returns
// per list call, whatever limit requests.
const schemaPageMax = 300

// stats returns the tenant ID and resource counts of the sandbox.
func (p *Platform) stats(c *call) {
	p.mu.Lock()
	defer p.mu.Unlock()

	recent := []map[string]any{}
	for _, s := range newestSchemas(c.sandbox, 5) {
		recent = append(recent, map[string]any{"$id": s.id, "meta:altId": s.altID, "version": s.version, "title": s.title})
	}

	c.json(http.StatusOK, map[string]any{
		"imsOrg":   p.state.orgID,
		"tenantId": p.state.tenantID,
		"counts": map[string]any{
			"schemas":   len(c.sandbox.schemas),
			"mixins":    len(c.sandbox.fieldGroups),
			"datatypes": 0,
			"classes":   0,
			"unions":    0,
		},
		"recentlyCreatedResources": recent,
		"recentlyUpdatedResources": recent,
		"classUsage":               []any{},
	})
}

func newestSchemas(sb *sandbox, n int) []*schema {
	all := make([]*schema, 0, len(sb.schemas))
	for _, s := range sb.schemas {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b *schema) int {
		return cmp.Or(b.createdAt.Compare(a.createdAt), strings.Compare(a.id, b.id))
	})
	return all[:min(n, len(all))]
}

// registryItem is a schema or field group prepared for a list call.
type registryItem struct {
	fields  map[string][]string // values for property filters and orderby
	summary map[string]any      // the xed-id+json form
	full    map[string]any      // the xed+json form, only built when Accept requests it
}

// listSchemas lists tenant schemas with keyset paging.
func (p *Platform) listSchemas(c *call) {
	wantFull := !acceptsSummary(c.r)

	p.mu.Lock()
	items := make([]registryItem, 0, len(c.sandbox.schemas))
	for _, s := range c.sandbox.schemas {
		var raw map[string]any
		if wantFull {
			raw = p.schemaJSON(c.sandbox, s, false)
		}
		items = append(items, registryItem{
			fields: map[string][]string{
				"title":        {s.title},
				"$id":          {s.id},
				"meta:altId":   {s.altID},
				"version":      {s.version},
				"description":  {s.description},
				"meta:class":   {s.class},
				"meta:extends": c.sandbox.schemaExtends(s),
			},
			summary: map[string]any{"$id": s.id, "meta:altId": s.altID, "version": s.version, "title": s.title},
			full:    raw,
		})
	}
	p.mu.Unlock()

	p.listRegistry(c, items, "/data/foundation/schemaregistry/tenant/schemas", true)
}

// listFieldGroups lists tenant field groups with keyset paging.
func (p *Platform) listFieldGroups(c *call) {
	wantFull := !acceptsSummary(c.r)

	p.mu.Lock()
	items := make([]registryItem, 0, len(c.sandbox.fieldGroups))
	for _, fg := range c.sandbox.fieldGroups {
		var raw map[string]any
		if wantFull {
			raw = p.fieldGroupJSON(fg, false)
		}
		items = append(items, registryItem{
			fields: map[string][]string{
				"title":                 {fg.title},
				"$id":                   {fg.id},
				"meta:altId":            {fg.altID},
				"version":               {fg.version},
				"description":           {fg.description},
				"meta:intendedToExtend": fg.intendedToExtend,
			},
			summary: map[string]any{"$id": fg.id, "meta:altId": fg.altID, "version": fg.version, "title": fg.title},
			full:    raw,
		})
	}
	p.mu.Unlock()

	p.listRegistry(c, items, "/data/foundation/schemaregistry/tenant/fieldgroups", false)
}

// listRegistry filters, sorts and pages a Schema Registry listing. start is
// the primary sort value to continue after, and limit a hint capped at 300. A
// page grows past limit rather than split items that share the primary sort
// value.
func (p *Platform) listRegistry(c *call, items []registryItem, path string, schemaLinks bool) {
	query := c.r.URL.Query()
	orderby := query.Get("orderby")
	if orderby == "" && (query.Has("start") || query.Has("limit")) {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, "start and limit require an orderby parameter"))
		return
	}

	limit := schemaPageMax
	if v := query.Get("limit"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 500 {
			c.fail(newError(http.StatusBadRequest, xdmInvalid, "limit must be a number from 0 to 500, got "+strconv.Quote(v)))
			return
		}
		if n >= 1 {
			limit = min(int(n), schemaPageMax)
		}
	}

	filters, err := parseFilters(splitFilters(query["property"]))
	if err != nil {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, err.Error()))
		return
	}
	items = slices.DeleteFunc(items, func(it registryItem) bool {
		return !matchAll(filters, func(field string) ([]string, bool) {
			v, ok := it.fields[field]
			return v, ok && len(v) > 0
		})
	})

	keys, err := parseRegistryOrder(orderby)
	if err != nil {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, err.Error()))
		return
	}
	slices.SortStableFunc(items, func(a, b registryItem) int {
		for _, k := range keys {
			if d := k.compare(a, b); d != 0 {
				return d
			}
		}
		return strings.Compare(a.fields["$id"][0], b.fields["$id"][0])
	})

	primary := keys[0]
	if query.Has("start") {
		start := query.Get("start")
		items = slices.DeleteFunc(items, func(it registryItem) bool { return !primary.after(it, start) })
	}

	end := min(limit, len(items))
	for end > 0 && end < len(items) && primary.value(items[end]) == primary.value(items[end-1]) {
		end++
	}
	page := items[:end]

	var next any
	var nextLink any
	if end < len(items) && end > 0 {
		start := primary.value(items[end-1])
		next = start
		q := url.Values{"orderby": {orderby}, "start": {start}}
		if query.Has("limit") {
			q.Set("limit", query.Get("limit"))
		}
		if orderby == "" {
			q.Set("orderby", "title")
		}
		for _, f := range query["property"] {
			q.Add("property", f)
		}
		nextLink = p.PlatformURL + path + "?" + q.Encode()
	}

	results := make([]map[string]any, 0, len(page))
	for _, it := range page {
		if it.full != nil {
			results = append(results, it.full)
		} else {
			results = append(results, it.summary)
		}
	}

	links := map[string]any{"next": nextLink}
	if schemaLinks {
		links["global_schemas"] = map[string]any{"href": p.PlatformURL + "/data/foundation/schemaregistry/global/schemas"}
	}
	pageOrder := orderby
	if pageOrder == "" {
		pageOrder = "title"
	}
	c.json(http.StatusOK, map[string]any{
		"results": results,
		"_page":   map[string]any{"orderby": pageOrder, "next": next, "count": len(results)},
		"_links":  links,
	})
}

// acceptsSummary reports whether a listing requests the xed-id+json summaries.
func acceptsSummary(r *http.Request) bool {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Accept"))
	return mediaType == "application/vnd.adobe.xed-id+json"
}

// orderKey is one field of a Schema Registry orderby, "-" meaning descending.
type orderKey struct {
	field string
	desc  bool
}

func parseRegistryOrder(orderby string) ([]orderKey, error) {
	if orderby == "" {
		return []orderKey{{field: "title"}}, nil
	}
	var keys []orderKey
	for _, part := range splitList(orderby) {
		field, desc := strings.CutPrefix(part, "-")
		field = strings.TrimPrefix(field, "+")
		switch field {
		case "title", "$id", "meta:altId", "version", "description":
		default:
			return nil, fmt.Errorf("orderby field %q is not supported; use title, $id, meta:altId, version or description", field)
		}
		keys = append(keys, orderKey{field, desc})
	}
	return keys, nil
}

func (k orderKey) value(it registryItem) string {
	if v := it.fields[k.field]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (k orderKey) compare(a, b registryItem) int {
	d := strings.Compare(k.value(a), k.value(b))
	if k.desc {
		return -d
	}
	return d
}

// after reports whether the item comes strictly after start in this order.
func (k orderKey) after(it registryItem, start string) bool {
	d := strings.Compare(k.value(it), start)
	if k.desc {
		return d < 0
	}
	return d > 0
}

// getSchema looks up a schema by meta:altId or URL-encoded $id. The Accept
// header picks the form: xed (references), xed-full (resolved fields), and the
// -notext and -desc variants without titles or descriptions.
func (p *Platform) getSchema(c *call) {
	id := c.r.PathValue("id")
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Accept"))
	full := strings.HasPrefix(mediaType, "application/vnd.adobe.xed-full")

	p.mu.Lock()
	s := c.sandbox.lookupSchema(id)
	var body map[string]any
	if s != nil {
		body = p.schemaJSON(c.sandbox, s, full)
	}
	p.mu.Unlock()

	if s == nil {
		c.fail(newError(http.StatusNotFound, xdmNotFound, "Requested resource "+id+" with version 1 is not found"))
		return
	}
	c.json(http.StatusOK, stripForAccept(body, mediaType))
}

// getFieldGroup looks up a field group by meta:altId or URL-encoded $id.
func (p *Platform) getFieldGroup(c *call) {
	id := c.r.PathValue("id")
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Accept"))
	full := strings.HasPrefix(mediaType, "application/vnd.adobe.xed-full")

	p.mu.Lock()
	fg := c.sandbox.lookupFieldGroup(id)
	var body map[string]any
	if fg != nil {
		body = p.fieldGroupJSON(fg, full)
	}
	p.mu.Unlock()

	if fg == nil {
		c.fail(newError(http.StatusNotFound, xdmNotFound, "Requested resource "+id+" with version 1 is not found"))
		return
	}
	c.json(http.StatusOK, stripForAccept(body, mediaType))
}

func stripForAccept(body map[string]any, mediaType string) any {
	switch {
	case strings.HasSuffix(mediaType, "-notext+json"):
		return stripText(body, false)
	case strings.HasSuffix(mediaType, "-desc+json"):
		return stripText(body, true)
	}
	return body
}

// schemaJSON renders a schema. full adds the resolved fields (properties and
// required) that the xed-full Accept variants return.
func (p *Platform) schemaJSON(sb *sandbox, s *schema, full bool) map[string]any {
	allOf := make([]any, 0, len(s.refs))
	for _, ref := range s.refs {
		allOf = append(allOf, map[string]any{"$ref": ref, "type": "object", "meta:xdmType": "object"})
	}

	out := map[string]any{
		"$id":                   s.id,
		"meta:altId":            s.altID,
		"meta:resourceType":     "schemas",
		"version":               s.version,
		"title":                 s.title,
		"type":                  "object",
		"description":           s.description,
		"refs":                  slices.Clone(s.refs),
		"imsOrg":                p.state.orgID,
		"meta:extensible":       false,
		"meta:abstract":         false,
		"meta:extends":          sb.schemaExtends(s),
		"meta:xdmType":          "object",
		"meta:registryMetadata": registryMetadata(s.createdAt.UnixMilli(), s.updatedAt.UnixMilli(), s.clientID),
		"meta:class":            s.class,
		"meta:containerId":      "tenant",
		"meta:sandboxId":        sb.id,
		"meta:sandboxType":      sb.kind,
		"meta:tenantNamespace":  tenantNamespace(p.state.tenantID),
	}
	if full {
		out["properties"] = sb.resolvedProperties(s)
		out["required"] = slices.Clone(classRequired[s.class])
		out["$schema"] = "http://json-schema.org/draft-06/schema#"
	} else {
		out["allOf"] = allOf
	}
	return out
}

// fieldGroupJSON renders a field group. full adds the merged properties.
func (p *Platform) fieldGroupJSON(fg *fieldGroup, full bool) map[string]any {
	out := map[string]any{
		"$id":                   fg.id,
		"meta:altId":            fg.altID,
		"meta:resourceType":     "mixins",
		"version":               fg.version,
		"title":                 fg.title,
		"type":                  "object",
		"description":           fg.description,
		"definitions":           deepCopy(fg.definitions),
		"allOf":                 deepCopy(fg.allOf),
		"imsOrg":                p.state.orgID,
		"meta:extensible":       true,
		"meta:abstract":         true,
		"meta:intendedToExtend": slices.Clone(fg.intendedToExtend),
		"meta:xdmType":          "object",
		"meta:registryMetadata": registryMetadata(fg.createdAt.UnixMilli(), fg.updatedAt.UnixMilli(), fg.clientID),
		"meta:containerId":      "tenant",
		"meta:tenantNamespace":  tenantNamespace(p.state.tenantID),
	}
	if full {
		out["properties"] = fieldGroupProperties(fg)
	}
	return out
}

func registryMetadata(createdMillis, updatedMillis int64, clientID string) map[string]any {
	return map[string]any{
		"repo:createdDate":         createdMillis,
		"repo:lastModifiedDate":    updatedMillis,
		"xdm:createdClientId":      clientID,
		"xdm:lastModifiedClientId": clientID,
		"eTag":                     fmt.Sprintf("%x", updatedMillis*7919+createdMillis),
		"meta:globalLibVersion":    "1.52.1",
	}
}

// fieldGroupRequest is the body of POST /tenant/fieldgroups.
type fieldGroupRequest struct {
	Type             string         `json:"type"`
	Title            string         `json:"title"`
	Description      string         `json:"description"`
	IntendedToExtend []string       `json:"meta:intendedToExtend"`
	Definitions      map[string]any `json:"definitions"`
	AllOf            []any          `json:"allOf"`
}

// createFieldGroup stores a field group. Custom fields must sit under the
// tenant namespace (for example "_acmecorp"), and titles are unique in a sandbox.
func (p *Platform) createFieldGroup(c *call) {
	var req fieldGroupRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}

	tenant := tenantNamespace(p.tenantID())
	switch {
	case strings.TrimSpace(req.Title) == "":
		c.fail(newError(http.StatusBadRequest, xdmInvalid, "title is required"))
		return
	case req.Type != "object":
		c.fail(newError(http.StatusBadRequest, xdmInvalid, `type must be "object"`))
		return
	case len(req.IntendedToExtend) == 0:
		c.fail(newError(http.StatusBadRequest, xdmInvalid, "meta:intendedToExtend must list at least one class"))
		return
	}
	for name, def := range req.Definitions {
		defMap, _ := def.(map[string]any)
		props, _ := defMap["properties"].(map[string]any)
		for field := range props {
			if field != tenant {
				c.fail(newError(http.StatusBadRequest, xdmInvalid,
					fmt.Sprintf("field %q in definition %q must be nested under the tenant namespace %q", field, name, tenant)))
				return
			}
		}
	}

	p.mu.Lock()
	for _, existing := range c.sandbox.fieldGroups {
		if existing.title == req.Title {
			p.mu.Unlock()
			c.fail(newError(http.StatusBadRequest, xdmDuplicate, "a field group titled "+strconv.Quote(req.Title)+" already exists: "+existing.id))
			return
		}
	}
	fg := &fieldGroup{
		created:          p.state.nextCreated(),
		id:               "https://ns.adobe.com/" + p.state.tenantID + "/mixins/" + randomHex(48),
		title:            req.Title,
		description:      req.Description,
		version:          "1.0",
		intendedToExtend: req.IntendedToExtend,
		definitions:      req.Definitions,
		allOf:            req.AllOf,
		createdAt:        c.now,
		updatedAt:        c.now,
		clientID:         c.clientID,
	}
	fg.altID = altID(fg.id)
	c.sandbox.fieldGroups[fg.id] = fg
	body := p.fieldGroupJSON(fg, false)
	p.mu.Unlock()

	p.log.Info("created field group", "sandbox", c.sandbox.name, "field_group_id", fg.id, "request_id", c.id)
	c.json(http.StatusCreated, body)
}

// schemaRequest is the body of POST /tenant/schemas.
type schemaRequest struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	AllOf       []struct {
		Ref string `json:"$ref"`
	} `json:"allOf"`
}

// createSchema stores a schema made of one known class and field groups that
// extend that class. Titles are unique in a sandbox.
func (p *Platform) createSchema(c *call) {
	var req schemaRequest
	if err := c.decode(&req); err != nil {
		c.fail(err)
		return
	}
	if strings.TrimSpace(req.Title) == "" {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, "title is required"))
		return
	}
	if req.Type != "object" {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, `type must be "object"`))
		return
	}

	var class string
	var refs []string
	for _, item := range req.AllOf {
		switch {
		case item.Ref == classExperienceEvent || item.Ref == classProfile:
			if class != "" {
				c.fail(newError(http.StatusBadRequest, xdmInvalid, "a schema must reference exactly one class"))
				return
			}
			class = item.Ref
		case item.Ref == "":
			c.fail(newError(http.StatusBadRequest, xdmInvalid, "every allOf item needs a $ref"))
			return
		}
		refs = append(refs, item.Ref)
	}
	if class == "" {
		c.fail(newError(http.StatusBadRequest, xdmInvalid, "allOf must reference one class: "+classExperienceEvent+" or "+classProfile))
		return
	}

	p.mu.Lock()
	defer p.mu.Unlock()

	for i, ref := range refs {
		if ref == class || strings.HasPrefix(ref, "https://ns.adobe.com/xdm/") {
			continue // the class, or a global field group, which adds no simulated fields
		}
		fg := c.sandbox.lookupFieldGroup(ref)
		if fg == nil {
			c.fail(newError(http.StatusBadRequest, xdmInvalid, "referenced field group "+ref+" was not found"))
			return
		}
		if len(fg.intendedToExtend) > 0 && !slices.Contains(fg.intendedToExtend, class) {
			c.fail(newError(http.StatusBadRequest, xdmInvalid, "field group "+fg.id+" does not extend class "+class))
			return
		}
		refs[i] = fg.id
	}
	for _, existing := range c.sandbox.schemas {
		if existing.title == req.Title {
			c.fail(newError(http.StatusBadRequest, xdmDuplicate, "a schema titled "+strconv.Quote(req.Title)+" already exists: "+existing.id))
			return
		}
	}

	s := &schema{
		created:     p.state.nextCreated(),
		id:          "https://ns.adobe.com/" + p.state.tenantID + "/schemas/" + randomHex(48),
		title:       req.Title,
		description: req.Description,
		version:     "1.0",
		class:       class,
		refs:        refs,
		createdAt:   c.now,
		updatedAt:   c.now,
		clientID:    c.clientID,
	}
	s.altID = altID(s.id)
	c.sandbox.schemas[s.id] = s

	p.log.Info("created schema", "sandbox", c.sandbox.name, "schema_id", s.id, "request_id", c.id)
	c.json(http.StatusCreated, p.schemaJSON(c.sandbox, s, false))
}

// deleteSchema removes a schema unless a dataset still uses it.
func (p *Platform) deleteSchema(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	s := c.sandbox.lookupSchema(id)
	var users []string
	if s != nil {
		for _, d := range c.sandbox.datasetOrder {
			if d.schemaRef != nil && d.schemaRef.ID == s.id {
				users = append(users, d.id)
			}
		}
		if len(users) == 0 {
			delete(c.sandbox.schemas, s.id)
		}
	}
	p.mu.Unlock()

	switch {
	case s == nil:
		c.fail(newError(http.StatusNotFound, xdmNotFound, "Requested resource "+id+" is not found"))
	case len(users) > 0:
		c.fail(newError(http.StatusBadRequest, xdmInUse, "schema "+s.id+" is used by dataset(s) "+strings.Join(users, ", ")+"; delete them first"))
	default:
		p.log.Info("deleted schema", "sandbox", c.sandbox.name, "schema_id", s.id, "request_id", c.id)
		c.w.WriteHeader(http.StatusNoContent)
	}
}

// deleteFieldGroup removes a field group unless a schema still uses it.
func (p *Platform) deleteFieldGroup(c *call) {
	id := c.r.PathValue("id")

	p.mu.Lock()
	fg := c.sandbox.lookupFieldGroup(id)
	var users []string
	if fg != nil {
		for _, s := range c.sandbox.schemas {
			if slices.Contains(s.refs, fg.id) {
				users = append(users, s.id)
			}
		}
		if len(users) == 0 {
			delete(c.sandbox.fieldGroups, fg.id)
		}
	}
	p.mu.Unlock()

	switch {
	case fg == nil:
		c.fail(newError(http.StatusNotFound, xdmNotFound, "Requested resource "+id+" is not found"))
	case len(users) > 0:
		slices.Sort(users)
		c.fail(newError(http.StatusBadRequest, xdmInUse, "field group "+fg.id+" is used by schema(s) "+strings.Join(users, ", ")+"; delete them first"))
	default:
		p.log.Info("deleted field group", "sandbox", c.sandbox.name, "field_group_id", fg.id, "request_id", c.id)
		c.w.WriteHeader(http.StatusNoContent)
	}
}

// tenantID returns the organization's tenant ID.
func (p *Platform) tenantID() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.tenantID
}
