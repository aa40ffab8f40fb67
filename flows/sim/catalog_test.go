package sim_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cioaep/setup/flows/sim"
)

// seededDatasets is how many datasets every sandbox starts with.
const seededDatasets = 3

type datasetEntry struct {
	Name      string `json:"name"`
	Created   int64  `json:"created"`
	SchemaRef *struct {
		ID          string `json:"id"`
		ContentType string `json:"contentType"`
	} `json:"schemaRef"`
}

// datasetKeys returns the keys of a map-shaped Catalog response in the order
// they appear in the body.
func datasetKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestDatasetPaging(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 250})
	s := newSession(t, p)
	total := 250 + seededDatasets

	seen := map[string]bool{}
	var pages []int
	for start := 0; ; {
		res := s.get("/data/foundation/catalog/dataSets?limit=100&start=" + itoa(start))
		mustStatus(t, res, http.StatusOK)
		var page map[string]datasetEntry
		res.decode(t, &page)
		pages = append(pages, len(page))
		for id := range page {
			if seen[id] {
				t.Fatalf("dataset %s appears on two pages", id)
			}
			if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
				t.Errorf("dataset ID %q is not 24 hex digits", id)
			}
			seen[id] = true
		}
		if len(page) < 100 {
			break
		}
		start += len(page)
	}

	if len(seen) != total {
		t.Errorf("listed %d datasets, want %d", len(seen), total)
	}
	if want := []int{100, 100, 53}; !slices.Equal(pages, want) {
		t.Errorf("page sizes = %v, want %v", pages, want)
	}
}

func TestDatasetListDefaultsAndLimits(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 30})
	s := newSession(t, p)

	res := s.get("/data/foundation/catalog/dataSets")
	mustStatus(t, res, http.StatusOK)
	if n := len(datasetKeys(t, res.body)); n != 20 {
		t.Errorf("default page contains %d datasets, want 20", n)
	}

	mustStatus(t, s.get("/data/foundation/catalog/dataSets?limit=101"), http.StatusBadRequest)
	mustStatus(t, s.get("/data/foundation/catalog/dataSets?limit=0"), http.StatusBadRequest)

	res = s.get("/data/foundation/catalog/dataSets?limit=100&properties=observableSchema,name")
	mustStatus(t, res, http.StatusOK)
	if n := len(datasetKeys(t, res.body)); n != 20 {
		t.Errorf("page with observableSchema contains %d datasets, want 20", n)
	}
}

func TestDatasetFilters(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 120})
	s := newSession(t, p)

	query := url.Values{"property": {"name==Generated dataset 00042"}}
	res := s.get("/data/foundation/catalog/dataSets?" + query.Encode())
	mustStatus(t, res, http.StatusOK)
	var page map[string]datasetEntry
	res.decode(t, &page)
	if len(page) != 1 {
		t.Fatalf("name== filter matched %d datasets, want 1", len(page))
	}
	for _, d := range page {
		if d.Name != "Generated dataset 00042" {
			t.Errorf("name = %q", d.Name)
		}
	}

	query = url.Values{"property": {"name~^Generated dataset 0010[0-9]$"}, "limit": {"100"}}
	res = s.get("/data/foundation/catalog/dataSets?" + query.Encode())
	mustStatus(t, res, http.StatusOK)
	var matched map[string]datasetEntry
	res.decode(t, &matched)
	if len(matched) != 10 {
		t.Errorf("name~ filter matched %d datasets, want 10", len(matched))
	}

	query = url.Values{"name": {"Web events dataset,Legacy file uploads"}, "properties": {"name"}}
	res = s.get("/data/foundation/catalog/dataSets?" + query.Encode())
	mustStatus(t, res, http.StatusOK)
	var trimmed map[string]map[string]any
	res.decode(t, &trimmed)
	if len(trimmed) != 2 {
		t.Errorf("name= filter matched %d datasets, want 2", len(trimmed))
	}
	for id, d := range trimmed {
		if len(d) != 1 || d["name"] == nil {
			t.Errorf("dataset %s has fields %v, want only name", id, d)
		}
	}

	query = url.Values{"property": {"name~("}}
	mustStatus(t, s.get("/data/foundation/catalog/dataSets?"+query.Encode()), http.StatusBadRequest)
}

func TestDatasetOrder(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 40})
	s := newSession(t, p)

	res := s.get("/data/foundation/catalog/dataSets?limit=100&orderBy=desc:created")
	mustStatus(t, res, http.StatusOK)
	keys := datasetKeys(t, res.body)
	var page map[string]datasetEntry
	res.decode(t, &page)

	for i := 1; i < len(keys); i++ {
		if page[keys[i-1]].Created < page[keys[i]].Created {
			t.Fatalf("dataset %d was created after dataset %d in a desc:created list", i, i-1)
		}
	}
	if first := page[keys[0]].Name; first != "Generated dataset 00040" {
		t.Errorf("newest dataset = %q, want Generated dataset 00040", first)
	}

	mustStatus(t, s.get("/data/foundation/catalog/dataSets?orderBy=sideways:created"), http.StatusBadRequest)
}

func TestDatasetLifecycle(t *testing.T) {
	p := startPlatform(t, sim.Options{})
	s := newSession(t, p)

	res := s.call(http.MethodGet, "/data/foundation/schemaregistry/tenant/schemas?property=title==Web%20events", nil,
		func(h http.Header) { h.Set("Accept", "application/vnd.adobe.xed-id+json") })
	mustStatus(t, res, http.StatusOK)
	var schemas struct {
		Results []struct {
			ID string `json:"$id"`
		} `json:"results"`
	}
	res.decode(t, &schemas)
	if len(schemas.Results) != 1 {
		t.Fatalf("found %d Web events schemas, want 1", len(schemas.Results))
	}
	schemaID := schemas.Results[0].ID

	res = s.post("/data/foundation/catalog/dataSets", map[string]any{
		"name":      "Customer.io events",
		"schemaRef": map[string]any{"id": schemaID, "contentType": "application/vnd.adobe.xed+json;version=1"},
	})
	mustStatus(t, res, http.StatusCreated)
	var refs []string
	res.decode(t, &refs)
	if len(refs) != 1 || !regexp.MustCompile(`^@/dataSets/[0-9a-f]{24}$`).MatchString(refs[0]) {
		t.Fatalf("create returned %v, want [\"@/dataSets/{24 hex}\"]", refs)
	}
	id := strings.TrimPrefix(refs[0], "@/dataSets/")

	res = s.get("/data/foundation/catalog/dataSets?property=name==Customer.io%20events")
	mustStatus(t, res, http.StatusOK)
	if keys := datasetKeys(t, res.body); len(keys) != 1 || keys[0] != id {
		t.Errorf("look-up by name returned %v, want [%s]", keys, id)
	}

	res = s.get("/data/foundation/catalog/dataSets/" + id)
	mustStatus(t, res, http.StatusOK)
	var one map[string]datasetEntry
	res.decode(t, &one)
	if one[id].SchemaRef == nil || one[id].SchemaRef.ID != schemaID {
		t.Errorf("schemaRef = %+v, want %s", one[id].SchemaRef, schemaID)
	}
	if got := p.Inventory()["prod"].Datasets; len(got) != 1 || got[0] != id {
		t.Errorf("inventory datasets = %v, want [%s]", got, id)
	}

	res = s.call(http.MethodDelete, "/data/foundation/catalog/dataSets/"+id, nil, nil)
	mustStatus(t, res, http.StatusOK)
	mustStatus(t, s.get("/data/foundation/catalog/dataSets/"+id), http.StatusNotFound)
	if got := p.Inventory()["prod"].Datasets; len(got) != 0 {
		t.Errorf("inventory datasets after delete = %v, want none", got)
	}

	res = s.post("/data/foundation/catalog/dataSets", map[string]any{
		"name":      "Unknown schema",
		"schemaRef": map[string]any{"id": "https://ns.adobe.com/acmecorp/schemas/missing"},
	})
	mustStatus(t, res, http.StatusBadRequest)
}

func itoa(n int) string {
	return strconv.Itoa(n)
}

func TestConcurrentCreatesAndLists(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 200})
	s := newSession(t, p)

	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 5 {
				res := s.post("/data/foundation/catalog/dataSets", map[string]any{"name": "Parallel " + itoa(i) + "-" + itoa(j)})
				if res.status != http.StatusCreated {
					t.Errorf("create: status %d, body %s", res.status, res.body)
				}
				if res := s.get("/data/foundation/catalog/dataSets?limit=100&orderBy=desc:created"); res.status != http.StatusOK {
					t.Errorf("list: status %d", res.status)
				}
			}
		})
	}
	wg.Wait()

	if n := len(p.Inventory()["prod"].Datasets); n != 40 {
		t.Errorf("inventory contains %d datasets, want 40", n)
	}
}
