package sim_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/cioaep/setup/flows/sim"
)

func TestGenerateTenThousandDatasets(t *testing.T) {
	p := startPlatform(t, sim.Options{Datasets: 10000, Schemas: 3000})
	s := newSession(t, p)

	seen := make(map[string]bool, 10003)
	withoutSchema := 0
	for start := 0; ; {
		res := s.get("/data/foundation/catalog/dataSets?limit=100&properties=name,schemaRef&start=" + itoa(start))
		mustStatus(t, res, http.StatusOK)
		var page map[string]datasetEntry
		res.decode(t, &page)
		for id, d := range page {
			if seen[id] {
				t.Fatalf("dataset %s listed twice", id)
			}
			seen[id] = true
			if d.SchemaRef == nil {
				withoutSchema++
			}
		}
		if len(page) < 100 {
			break
		}
		start += len(page)
	}

	if len(seen) != 10000+seededDatasets {
		t.Errorf("listed %d datasets, want %d", len(seen), 10000+seededDatasets)
	}
	// Every 50th generated dataset and one seeded dataset have no schemaRef.
	if want := 10000/50 + 1; withoutSchema != want {
		t.Errorf("%d datasets have no schemaRef, want %d", withoutSchema, want)
	}

	res := s.getAccept("/data/foundation/schemaregistry/tenant/schemas?orderby=title", acceptSummary)
	mustStatus(t, res, http.StatusOK)
	var page schemaPage
	res.decode(t, &page)
	if page.Page.Count != 300 || page.Page.Next == nil {
		t.Errorf("first schema page count %d, next %v; want 300 and a next page", page.Page.Count, page.Page.Next)
	}

	s.sandbox = "dev"
	res = s.get("/data/foundation/catalog/dataSets?limit=100")
	mustStatus(t, res, http.StatusOK)
	if n := len(datasetKeys(t, res.body)); n != seededDatasets {
		t.Errorf("sandbox dev contains %d datasets, want only the %d seeded ones", n, seededDatasets)
	}
}

func BenchmarkStartScale(b *testing.B) {
	for b.Loop() {
		p, err := sim.Start(sim.Options{Datasets: 10000, Schemas: 3000})
		if err != nil {
			b.Fatal(err)
		}
		_ = p.Close()
	}
}

func BenchmarkListDatasetPage(b *testing.B) {
	p := startPlatform(b, sim.Options{Datasets: 10000, Schemas: 3000})
	s := newSession(b, p)
	query := url.Values{"limit": {"100"}, "start": {"5000"}, "orderBy": {"desc:updated"}}

	for b.Loop() {
		mustStatus(b, s.get("/data/foundation/catalog/dataSets?"+query.Encode()), http.StatusOK)
	}
}

func BenchmarkListSchemaPage(b *testing.B) {
	p := startPlatform(b, sim.Options{Datasets: 10000, Schemas: 3000})
	s := newSession(b, p)

	for b.Loop() {
		mustStatus(b, s.getAccept("/data/foundation/schemaregistry/tenant/schemas?orderby=title&start=Generated%20schema%2001500", acceptSummary), http.StatusOK)
	}
}
