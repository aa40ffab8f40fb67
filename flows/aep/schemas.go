package aep

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const (
	schemaRegistryPath = "/data/foundation/schemaregistry"
	tenantSchemasPath  = schemaRegistryPath + "/tenant/schemas"
	fieldGroupsPath    = schemaRegistryPath + "/tenant/fieldgroups"
)

// Schema Registry lists return at most 300 results per response, whatever
// limit the request sets.
const (
	xdmPageSize    = 300
	maxXDMPages    = 100
	fieldGroupsDef = "customFields"
)

// xdmSummary is a list entry or a create response of the Schema Registry.
type xdmSummary struct {
	ID      string     `json:"$id"`
	AltID   string     `json:"meta:altId"`
	Title   string     `json:"title"`
	Version flexString `json:"version"`
	Class   string     `json:"meta:class"`
}

func (x xdmSummary) schema() SchemaSummary {
	return SchemaSummary{ID: x.ID, AltID: x.AltID, Title: x.Title, Version: string(x.Version), Class: x.Class}
}

func (x xdmSummary) fieldGroup() FieldGroup {
	return FieldGroup{ID: x.ID, AltID: x.AltID, Title: x.Title, Version: string(x.Version)}
}

type xdmPage struct {
	Results []xdmSummary `json:"results"`
	Page    struct {
		Next flexString `json:"next"` // the next start value, null on the last page
	} `json:"_page"`
}

type statsResponse struct {
	TenantID string `json:"tenantId"`
}

// TenantID returns the org's tenant ID, e.g. "acme": custom fields live
// under "_acme". The value is cached per sandbox.
func (s *SandboxClient) TenantID(ctx context.Context) (string, error) {
	s.c.tenantCache.mu.Lock()
	id, ok := s.c.tenants[s.name]
	s.c.tenantCache.mu.Unlock()
	if ok {
		return id, nil
	}

	r, _ := s.request("TenantID", http.MethodGet, schemaRegistryPath+"/stats", nil)
	var stats statsResponse
	if err := s.c.do(ctx, r, &stats); err != nil {
		return "", err
	}
	if stats.TenantID == "" {
		return "", &Error{Op: "TenantID", Cause: CauseInvalidResponse, Status: http.StatusOK, Sandbox: s.name,
			Message: "the stats response has no tenantId"}
	}

	s.c.tenantCache.mu.Lock()
	s.c.tenants[s.name] = stats.TenantID
	s.c.tenantCache.mu.Unlock()
	return stats.TenantID, nil
}

// listXDM pages through a Schema Registry list with keyset paging: each
// response names the title to continue after in _page.next.
func (s *SandboxClient) listXDM(ctx context.Context, op, path, property string) ([]xdmSummary, error) {
	var all []xdmSummary
	start := ""

	for range maxXDMPages {
		r, _ := s.request(op, http.MethodGet, path, nil)
		r.accept = acceptXDMList
		r.query.Set("orderby", "title")
		r.query.Set("limit", strconv.Itoa(xdmPageSize))
		if start != "" {
			r.query.Set("start", start)
		}
		if property != "" {
			r.query.Set("property", property)
		}

		var page xdmPage
		if err := s.c.do(ctx, r, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Results...)

		next := string(page.Page.Next)
		if next == "" || next == start || len(page.Results) == 0 {
			break
		}
		start = next
	}
	return all, nil
}

// ListSchemas returns the tenant schemas that match q, sorted by title.
func (s *SandboxClient) ListSchemas(ctx context.Context, q SchemaQuery) ([]SchemaSummary, error) {
	return s.listSchemas(ctx, "ListSchemas", q)
}

func (s *SandboxClient) listSchemas(ctx context.Context, op string, q SchemaQuery) ([]SchemaSummary, error) {
	// The property parameter takes a comma-separated list, so a title with
	// a comma cannot be filtered on the server. The title is checked here
	// again in any case.
	property := ""
	switch {
	case q.Title != "" && !strings.Contains(q.Title, ","):
		property = "title==" + q.Title
	case q.Extends != "":
		property = "meta:extends==" + q.Extends
	}

	results, err := s.listXDM(ctx, op, tenantSchemasPath, property)
	if err != nil {
		return nil, err
	}

	var out []SchemaSummary
	for _, x := range results {
		if q.Title != "" && x.Title != q.Title {
			continue
		}
		out = append(out, x.schema())
	}
	return out, nil
}

// FindSchemaByTitle returns the tenant schema titled title, if any.
func (s *SandboxClient) FindSchemaByTitle(ctx context.Context, title string) (SchemaSummary, bool, error) {
	found, err := s.listSchemas(ctx, "FindSchemaByTitle", SchemaQuery{Title: title})
	if err != nil || len(found) == 0 {
		return SchemaSummary{}, false, err
	}
	return found[0], true, nil
}

// FindFieldGroupByTitle returns the tenant field group titled title, if any.
func (s *SandboxClient) FindFieldGroupByTitle(ctx context.Context, title string) (FieldGroup, bool, error) {
	property := ""
	if !strings.Contains(title, ",") {
		property = "title==" + title
	}

	results, err := s.listXDM(ctx, "FindFieldGroupByTitle", fieldGroupsPath, property)
	if err != nil {
		return FieldGroup{}, false, err
	}
	for _, x := range results {
		if x.Title == title {
			return x.fieldGroup(), true, nil
		}
	}
	return FieldGroup{}, false, nil
}

// xdmNode is one JSON Schema node of a resolved XDM schema.
type xdmNode struct {
	Type        json.RawMessage     `json:"type"` // a string or a list such as ["string", "null"]
	Format      string              `json:"format"`
	Title       string              `json:"title"`
	Ref         string              `json:"$ref"`
	Properties  map[string]*xdmNode `json:"properties"`
	Required    []string            `json:"required"`
	Items       *xdmNode            `json:"items"`
	AllOf       []*xdmNode          `json:"allOf"`
	Definitions map[string]*xdmNode `json:"definitions"`
}

// xdmSchema is a resolved schema. Its title is xdmNode.Title.
type xdmSchema struct {
	xdmNode
	ID          string     `json:"$id"`
	AltID       string     `json:"meta:altId"`
	Version     flexString `json:"version"`
	Class       string     `json:"meta:class"`
	Description string     `json:"description"`
	Extends     []string   `json:"meta:extends"`
}

// GetSchema returns a schema by $id or meta:altId, resolved so that the
// fields of its class and field groups are included, and flattens its
// fields.
func (s *SandboxClient) GetSchema(ctx context.Context, id string) (Schema, error) {
	r, _ := s.request("GetSchema", http.MethodGet, gatewayPath(tenantSchemasPath, id), nil)
	r.accept = acceptXDMResolved

	var x xdmSchema
	if err := s.c.do(ctx, r, &x); err != nil {
		return Schema{}, err
	}

	return Schema{
		SchemaSummary: SchemaSummary{ID: x.ID, AltID: x.AltID, Title: x.Title, Version: string(x.Version), Class: x.Class},
		Description:   x.Description,
		Extends:       x.Extends,
		Fields:        flattenFields(&x.xdmNode),
	}, nil
}

// flattenFields lists the leaf fields of root with dot-separated paths, in
// path order. Objects with properties are walked, not listed; arrays and
// objects without properties are listed as leaves. A field is required when
// it and every object above it are required.
func flattenFields(root *xdmNode) []SchemaField {
	var fields []SchemaField
	walkFields(root, root.Definitions, "", true, &fields, 0)
	slices.SortFunc(fields, func(a, b SchemaField) int { return strings.Compare(a.Path, b.Path) })
	return fields
}

// maxFieldDepth guards against a self-referencing schema.
const maxFieldDepth = 32

func walkFields(n *xdmNode, defs map[string]*xdmNode, prefix string, required bool, out *[]SchemaField, depth int) {
	if depth > maxFieldDepth {
		return
	}

	props, req := mergedProperties(n, defs)
	for name, child := range props {
		if child == nil {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		childRequired := required && slices.Contains(req, name)

		childProps, _ := mergedProperties(child, defs)
		if len(childProps) > 0 {
			walkFields(child, defs, path, childRequired, out, depth+1)
			continue
		}

		*out = append(*out, SchemaField{
			Path:     path,
			Type:     nodeType(child),
			Format:   child.Format,
			Title:    child.Title,
			Required: childRequired,
		})
	}
}

// mergedProperties returns the properties and required names of n together
// with those of its allOf members, following local "#/definitions/..."
// references. A resolved schema normally has them all in properties.
func mergedProperties(n *xdmNode, defs map[string]*xdmNode) (map[string]*xdmNode, []string) {
	props := make(map[string]*xdmNode, len(n.Properties))
	for k, v := range n.Properties {
		props[k] = v
	}
	required := slices.Clone(n.Required)

	for _, member := range n.AllOf {
		if member == nil {
			continue
		}
		if name, ok := strings.CutPrefix(member.Ref, "#/definitions/"); ok && defs[name] != nil {
			member = defs[name]
		}
		for k, v := range member.Properties {
			if _, exists := props[k]; !exists {
				props[k] = v
			}
		}
		required = append(required, member.Required...)
	}
	return props, required
}

func nodeType(n *xdmNode) string {
	var one string
	if err := json.Unmarshal(n.Type, &one); err == nil {
		return one
	}

	var many []string
	if err := json.Unmarshal(n.Type, &many); err == nil {
		for _, t := range many {
			if t != "null" {
				return t
			}
		}
	}
	return ""
}

// CreateFieldGroup creates a tenant field group whose one definition holds
// spec.Properties. After an ambiguous failure it looks the field group up
// by title before posting again.
func (s *SandboxClient) CreateFieldGroup(ctx context.Context, spec FieldGroupSpec) (FieldGroup, error) {
	body := map[string]any{
		"title":                 spec.Title,
		"description":           spec.Description,
		"type":                  "object",
		"meta:intendedToExtend": spec.IntendedToExtend,
		"definitions":           map[string]any{fieldGroupsDef: map[string]any{"properties": spec.Properties}},
		"allOf":                 []any{map[string]string{"$ref": "#/definitions/" + fieldGroupsDef}},
	}
	r, err := s.request("CreateFieldGroup", http.MethodPost, fieldGroupsPath, body)
	if err != nil {
		return FieldGroup{}, err
	}

	var created xdmSummary
	var existing FieldGroup
	found, err := s.c.createOrFind(ctx, r, &created, func(ctx context.Context) (bool, error) {
		fg, ok, err := s.FindFieldGroupByTitle(ctx, spec.Title)
		existing = fg
		return ok, err
	})
	if err != nil {
		return FieldGroup{}, err
	}
	if found {
		return existing, nil
	}
	if created.ID == "" {
		return FieldGroup{}, missingID(r)
	}
	return created.fieldGroup(), nil
}

// CreateSchema creates a tenant schema of spec.Class with the given field
// groups. After an ambiguous failure it looks the schema up by title before
// posting again.
func (s *SandboxClient) CreateSchema(ctx context.Context, spec SchemaSpec) (SchemaSummary, error) {
	allOf := []map[string]string{{"$ref": spec.Class}}
	for _, id := range spec.FieldGroupIDs {
		allOf = append(allOf, map[string]string{"$ref": id})
	}
	body := map[string]any{
		"title":       spec.Title,
		"description": spec.Description,
		"type":        "object",
		"allOf":       allOf,
	}
	r, err := s.request("CreateSchema", http.MethodPost, tenantSchemasPath, body)
	if err != nil {
		return SchemaSummary{}, err
	}

	var created xdmSummary
	var existing SchemaSummary
	found, err := s.c.createOrFind(ctx, r, &created, func(ctx context.Context) (bool, error) {
		sc, ok, err := s.FindSchemaByTitle(ctx, spec.Title)
		existing = sc
		return ok, err
	})
	if err != nil {
		return SchemaSummary{}, err
	}
	if found {
		return existing, nil
	}
	if created.ID == "" {
		return SchemaSummary{}, missingID(r)
	}

	summary := created.schema()
	if summary.Class == "" {
		summary.Class = spec.Class
	}
	return summary, nil
}

// DeleteSchema deletes a tenant schema by $id or meta:altId.
func (s *SandboxClient) DeleteSchema(ctx context.Context, id string) error {
	r, _ := s.request("DeleteSchema", http.MethodDelete, gatewayPath(tenantSchemasPath, id), nil)
	return s.c.delete(ctx, r)
}

// DeleteFieldGroup deletes a tenant field group by $id or meta:altId.
func (s *SandboxClient) DeleteFieldGroup(ctx context.Context, id string) error {
	r, _ := s.request("DeleteFieldGroup", http.MethodDelete, gatewayPath(fieldGroupsPath, id), nil)
	return s.c.delete(ctx, r)
}

// missingID reports a create response without the new resource's ID.
func missingID(r *request) *Error {
	return &Error{Op: r.op, Cause: CauseInvalidResponse, Status: http.StatusCreated, Sandbox: r.sandbox,
		Message: "the response does not contain the new resource's ID"}
}
