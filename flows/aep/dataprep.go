package aep

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const mappingSetsPath = "/data/foundation/conversion/mappingSets"

// mappingSchemaContentType is the content type of a mapping set's output
// schema.
const mappingSchemaContentType = "application/vnd.adobe.xed-full+json;version=1"

// Mapping set look-up. The list is read newest first, so it stops at the
// first page that reaches mapping sets older than the search window.
const (
	mappingSetPageSize = 50
	maxMappingSetPages = 20

	// createLookupWindow is how far back a look-up after an ambiguous create
	// searches. It covers clock skew between this machine and Adobe and a
	// slow create that the service finished after the client gave up.
	createLookupWindow = 10 * time.Minute
)

type dpMapping struct {
	SourceType  string `json:"sourceType,omitempty"`
	Source      string `json:"source,omitempty"`
	Destination string `json:"destination,omitempty"`

	// Legacy dialect, still present in responses.
	SourceAttribute    string `json:"sourceAttribute,omitempty"`
	DestinationXDMPath string `json:"destinationXdmPath,omitempty"`
}

func (m dpMapping) pair() [2]string {
	return [2]string{firstNonEmpty(m.Source, m.SourceAttribute), firstNonEmpty(m.Destination, m.DestinationXDMPath)}
}

type dpSchemaRef struct {
	SchemaRef SchemaRef `json:"schemaRef"`
}

type dpMappingSetBody struct {
	OutputSchema dpSchemaRef `json:"outputSchema"`
	Mappings     []dpMapping `json:"mappings"`
}

func mappingSetBody(spec MappingSetSpec) dpMappingSetBody {
	body := dpMappingSetBody{
		OutputSchema: dpSchemaRef{SchemaRef: SchemaRef{ID: spec.SchemaID, ContentType: mappingSchemaContentType}},
		Mappings:     make([]dpMapping, len(spec.Mappings)),
	}
	for i, m := range spec.Mappings {
		sourceType := m.SourceType
		if sourceType == "" {
			sourceType = MappingAttribute
		}
		body.Mappings[i] = dpMapping{SourceType: sourceType, Source: m.Source, Destination: m.Destination}
	}
	return body
}

type dpValidation struct {
	ValidationResponse []struct {
		Status string `json:"status"`
		Errors []struct {
			Destination string `json:"destination"`
			Source      string `json:"source"`
			Exception   string `json:"exception"`
			Code        string `json:"code"`
			Message     string `json:"message"`
		} `json:"errors"`
	} `json:"validationResponse"`
}

// ValidateMappingSet validates spec with Data Prep without creating it. It
// returns one issue per failed check, and an empty result means the mapping
// set is valid. An issue's Index is the position of its mapping in
// spec.Mappings, or -1 when the check concerns the whole set, such as a
// required destination that no mapping fills.
func (s *SandboxClient) ValidateMappingSet(ctx context.Context, spec MappingSetSpec) ([]MappingIssue, error) {
	r, err := s.request("ValidateMappingSet", http.MethodPost, mappingSetsPath+"/validate", mappingSetBody(spec))
	if err != nil {
		return nil, err
	}

	// Validation creates nothing, so it is retried like a read.
	var v dpValidation
	if err := s.c.do(ctx, r, &v); err != nil {
		return nil, err
	}

	var issues []MappingIssue
	for i, result := range v.ValidationResponse {
		if strings.EqualFold(result.Status, "SUCCESS") && len(result.Errors) == 0 {
			continue
		}

		index := -1
		if i < len(spec.Mappings) {
			index = i
		}
		if len(result.Errors) == 0 {
			issue := MappingIssue{Index: index, Code: result.Status}
			if index >= 0 {
				issue.Destination = spec.Mappings[index].Destination
			}
			issues = append(issues, issue)
			continue
		}

		for _, e := range result.Errors {
			issue := MappingIssue{
				Index:       index,
				Destination: e.Destination,
				Code:        e.Code,
				Message:     firstNonEmpty(e.Message, e.Exception),
			}
			if issue.Destination == "" && index >= 0 {
				issue.Destination = spec.Mappings[index].Destination
			}
			issues = append(issues, issue)
		}
	}
	return issues, nil
}

type dpMappingSet struct {
	ID           string      `json:"id"`
	Version      flexInt     `json:"version"`
	CreatedDate  epochTime   `json:"createdDate"`
	OutputSchema dpSchemaRef `json:"outputSchema"`
	SchemaRef    SchemaRef   `json:"schemaRef"`
	XDMSchema    string      `json:"xdmSchema"`
	Mappings     []dpMapping `json:"mappings"`
}

func (m dpMappingSet) mappingSet() MappingSet {
	return MappingSet{ID: m.ID, Version: int(m.Version), CreatedAt: m.CreatedDate.Time()}
}

func (m dpMappingSet) schemaID() string {
	return firstNonEmpty(m.OutputSchema.SchemaRef.ID, m.SchemaRef.ID, m.XDMSchema)
}

// CreateMappingSet creates a mapping set. After an ambiguous failure it
// calls FindMappingSet before posting again, because mapping sets have no
// name to look them up by.
func (s *SandboxClient) CreateMappingSet(ctx context.Context, spec MappingSetSpec) (MappingSet, error) {
	r, err := s.request("CreateMappingSet", http.MethodPost, mappingSetsPath, mappingSetBody(spec))
	if err != nil {
		return MappingSet{}, err
	}

	since := s.c.cfg.Now().Add(-createLookupWindow)
	var created dpMappingSet
	var existing MappingSet
	found, err := s.c.createOrFind(ctx, r, &created, func(ctx context.Context) (bool, error) {
		m, ok, err := s.FindMappingSet(ctx, spec, since)
		existing = m
		return ok, err
	})
	if err != nil {
		return MappingSet{}, err
	}
	if found {
		return existing, nil
	}
	if created.ID == "" {
		return MappingSet{}, missingID(r)
	}

	m := created.mappingSet()
	if m.CreatedAt.IsZero() {
		m.CreatedAt = s.c.cfg.Now()
	}
	return m, nil
}

// FindMappingSet returns the newest mapping set created at or after since
// whose schema is spec.SchemaID and whose mappings pair the same sources
// with the same destinations as spec, in any order. Mapping sets have no
// name, so this is how a retried or resumed setup finds its own.
func (s *SandboxClient) FindMappingSet(ctx context.Context, spec MappingSetSpec, since time.Time) (MappingSet, bool, error) {
	const op = "FindMappingSet"
	want := mappingPairs(mappingSetBody(spec).Mappings)

	for page := range maxMappingSetPages {
		// limit and start are both required by the API.
		r, _ := s.request(op, http.MethodGet, mappingSetsPath, nil)
		r.query.Set("limit", strconv.Itoa(mappingSetPageSize))
		r.query.Set("start", strconv.Itoa(page*mappingSetPageSize))
		r.query.Set("orderBy", "-createdDate")

		var list struct {
			Data []dpMappingSet `json:"data"`
		}
		if err := s.c.do(ctx, r, &list); err != nil {
			return MappingSet{}, false, err
		}

		older := false
		for _, m := range list.Data {
			if m.CreatedDate.Time().Before(since) {
				older = true
				continue
			}
			if m.schemaID() != spec.SchemaID && m.schemaID() != "" {
				continue
			}

			match, err := s.mappingSetMatches(ctx, m, spec.SchemaID, want)
			if err != nil {
				return MappingSet{}, false, err
			}
			if match {
				return m.mappingSet(), true, nil
			}
		}

		if older || len(list.Data) < mappingSetPageSize {
			break
		}
	}
	return MappingSet{}, false, nil
}

// mappingSetMatches compares a listed mapping set with the wanted schema
// and mappings, fetching the full mapping set when the list entry lacks
// them.
func (s *SandboxClient) mappingSetMatches(ctx context.Context, m dpMappingSet, schemaID string, want [][2]string) (bool, error) {
	if len(m.Mappings) == 0 || m.schemaID() == "" {
		r, _ := s.request("FindMappingSet", http.MethodGet, gatewayPath(mappingSetsPath, m.ID), nil)
		var full dpMappingSet
		if err := s.c.do(ctx, r, &full); err != nil {
			if IsNotFound(err) {
				return false, nil
			}
			return false, err
		}
		m.Mappings = full.Mappings
		m.OutputSchema = full.OutputSchema
		m.SchemaRef = full.SchemaRef
		m.XDMSchema = full.XDMSchema
	}

	return m.schemaID() == schemaID && slices.Equal(mappingPairs(m.Mappings), want), nil
}

// mappingPairs returns the sorted source and destination pairs of mappings.
// Source types are left out because responses rename them, e.g. ATTRIBUTE
// comes back as "text/x.schema-path".
func mappingPairs(mappings []dpMapping) [][2]string {
	pairs := make([][2]string, len(mappings))
	for i, m := range mappings {
		pairs[i] = m.pair()
	}
	slices.SortFunc(pairs, func(a, b [2]string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	})
	return pairs
}

// DeleteMappingSet deletes a mapping set.
// NOTE: DELETE /mappingSets/{id} is not in Adobe's published Data Prep API
// spec; the aepp library calls it, so a real org may reject it.
func (s *SandboxClient) DeleteMappingSet(ctx context.Context, id string) error {
	r, _ := s.request("DeleteMappingSet", http.MethodDelete, gatewayPath(mappingSetsPath, id), nil)
	return s.c.delete(ctx, r)
}
