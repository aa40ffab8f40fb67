package aep

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

const catalogBasePath = "/data/foundation/catalog/dataSets"

// Catalog paging. A page holds at most 100 datasets and the response contains
// neither the total nor a link to the next page, so pages are requested in
// windows of datasetPageWindow at once until one comes back short. A big
// org has 10000 datasets: 100 pages, 25 windows.
const (
	datasetPageSize   = 100
	datasetPageWindow = 4

	// maxDatasetPages stops a listing after 100000 datasets, ten times the
	// biggest org the wizard is built for, so a server that keeps returning
	// full pages cannot loop forever.
	maxDatasetPages = 1000
)

// datasetProperties trims each dataset to the fields the wizard reads.
const datasetProperties = "name,description,schemaRef,created,updated"

// datasetSchemaContentType is the content type of a dataset's schemaRef.
const datasetSchemaContentType = "application/vnd.adobe.xed+json;version=1"

type catalogDataset struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	SchemaRef   *SchemaRef `json:"schemaRef"`
	Created     epochTime  `json:"created"`
	Updated     epochTime  `json:"updated"`
}

func (d catalogDataset) toDataset(id string) Dataset {
	ds := Dataset{
		ID:          id,
		Name:        d.Name,
		Description: d.Description,
		Created:     d.Created.Time(),
		Updated:     d.Updated.Time(),
	}
	if d.SchemaRef != nil && d.SchemaRef.ID != "" {
		ref := *d.SchemaRef
		ds.SchemaRef = &ref
	}
	return ds
}

// ListDatasets returns the datasets that match q, most recently updated
// first.
func (s *SandboxClient) ListDatasets(ctx context.Context, q DatasetQuery) ([]Dataset, error) {
	return s.listDatasets(ctx, "ListDatasets", q)
}

func (s *SandboxClient) listDatasets(ctx context.Context, op string, q DatasetQuery) ([]Dataset, error) {
	byID := make(map[string]Dataset)

	// The first page alone serves most sandboxes. Only when it is full do
	// windows of several pages follow.
	first, window := 0, 1
	for first < maxDatasetPages {
		pages, err := s.fetchDatasetPages(ctx, op, q, first, window)
		if err != nil {
			return nil, err
		}

		short := false
		for _, page := range pages {
			for id, d := range page {
				byID[id] = d.toDataset(id)
			}
			if len(page) < datasetPageSize {
				short = true
			}
		}
		if short {
			break
		}

		first += window
		window = datasetPageWindow
	}

	var out []Dataset
	substr := strings.ToLower(q.NameSubstr)
	for _, d := range byID {
		switch {
		case q.Name != "" && d.Name != q.Name:
		case substr != "" && !strings.Contains(strings.ToLower(d.Name), substr):
		case q.WithSchema && d.SchemaRef == nil:
		default:
			out = append(out, d)
		}
	}

	slices.SortFunc(out, func(a, b Dataset) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}

// fetchDatasetPages requests count pages concurrently, starting at page
// first, and returns them in page order.
func (s *SandboxClient) fetchDatasetPages(ctx context.Context, op string, q DatasetQuery, first, count int) ([]map[string]catalogDataset, error) {
	pages := make([]map[string]catalogDataset, count)
	errs := make([]error, count)

	var wg sync.WaitGroup
	for i := range count {
		wg.Go(func() {
			r, _ := s.request(op, http.MethodGet, catalogBasePath, nil)
			r.query.Set("limit", strconv.Itoa(datasetPageSize))
			r.query.Set("start", strconv.Itoa((first+i)*datasetPageSize))
			r.query.Set("properties", datasetProperties)
			// Oldest first keeps the offsets stable while datasets are
			// being created elsewhere: new ones land on the last page.
			r.query.Set("orderBy", "asc:created")
			if q.Name != "" {
				r.query.Set("property", "name=="+q.Name)
			}
			errs[i] = s.c.do(ctx, r, &pages[i])
		})
	}
	wg.Wait()

	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// GetDataset returns the dataset with the given ID.
func (s *SandboxClient) GetDataset(ctx context.Context, id string) (Dataset, error) {
	r, _ := s.request("GetDataset", http.MethodGet, gatewayPath(catalogBasePath, id), nil)
	r.query.Set("properties", datasetProperties)

	var page map[string]catalogDataset
	if err := s.c.do(ctx, r, &page); err != nil {
		return Dataset{}, err
	}

	d, ok := page[id]
	if !ok {
		return Dataset{}, &Error{Op: "GetDataset", Cause: CauseNotFound, Status: http.StatusOK, Sandbox: s.name,
			Message: "the response does not contain dataset " + id}
	}
	return d.toDataset(id), nil
}

// FindDatasetByName returns the dataset named name, if any. When several
// share the name, the most recently updated one is returned.
func (s *SandboxClient) FindDatasetByName(ctx context.Context, name string) (Dataset, bool, error) {
	found, err := s.listDatasets(ctx, "FindDatasetByName", DatasetQuery{Name: name})
	if err != nil || len(found) == 0 {
		return Dataset{}, false, err
	}
	return found[0], true, nil
}

// CreateDataset creates a dataset for the schema spec.SchemaID. After an
// ambiguous failure it looks the dataset up by name before posting again.
func (s *SandboxClient) CreateDataset(ctx context.Context, spec DatasetSpec) (Dataset, error) {
	body := map[string]any{
		"name":        spec.Name,
		"description": spec.Description,
		"schemaRef":   SchemaRef{ID: spec.SchemaID, ContentType: datasetSchemaContentType},
	}
	r, err := s.request("CreateDataset", http.MethodPost, catalogBasePath, body)
	if err != nil {
		return Dataset{}, err
	}

	var existing Dataset
	var refs []string // ["@/dataSets/{id}"]
	found, err := s.c.createOrFind(ctx, r, &refs, func(ctx context.Context) (bool, error) {
		d, ok, err := s.FindDatasetByName(ctx, spec.Name)
		existing = d
		return ok, err
	})
	if err != nil {
		return Dataset{}, err
	}
	if found {
		return existing, nil
	}

	if len(refs) == 0 {
		return Dataset{}, &Error{Op: "CreateDataset", Cause: CauseInvalidResponse, Status: http.StatusCreated, Sandbox: s.name,
			Message: "the response does not contain the new dataset's ID"}
	}
	ref := refs[0]
	id := ref[strings.LastIndex(ref, "/")+1:]

	now := s.c.cfg.Now()
	return Dataset{
		ID:          id,
		Name:        spec.Name,
		Description: spec.Description,
		SchemaRef:   &SchemaRef{ID: spec.SchemaID, ContentType: datasetSchemaContentType},
		Created:     now,
		Updated:     now,
	}, nil
}

// DeleteDataset deletes a dataset. When a retry follows a lost response,
// the dataset may be gone already, which counts as success.
func (s *SandboxClient) DeleteDataset(ctx context.Context, id string) error {
	r, _ := s.request("DeleteDataset", http.MethodDelete, gatewayPath(catalogBasePath, id), nil)
	return s.c.delete(ctx, r)
}
