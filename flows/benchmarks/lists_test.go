package benchmarks

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/sim"
)

// Catalog paging of flows/aep, which keeps both values unexported
// (datasetPageSize and datasetPageWindow in catalog.go): a page holds at most
// 100 datasets, and after the first page the client requests 4 pages at once.
// TestDatasetPagingMatchesClient fails when the client changes either.
const (
	datasetPageSize   = 100
	datasetPageWindow = 4
)

// Big organization of BenchmarkBigOrgLists.
const (
	bigOrgDatasets = 10_000
	bigOrgSchemas  = 3_000
	bigOrgSandbox  = "prod" // the simulator generates the extra datasets and schemas here
	listLatency    = 50 * time.Millisecond
)

// listing is one way of listing a big sandbox, with the most requests it may
// have in flight at once.
type listing struct {
	name     string
	datasets bool
	schemas  bool

	// bound is datasetPageWindow for datasets. Schema Registry lists page by
	// keyset (each page names the title to continue after), so the client
	// can only ask for one schema page at a time.
	bound int
}

var listings = []listing{
	{name: "datasets", datasets: true, bound: datasetPageWindow},
	{name: "schemas", schemas: true, bound: 1},
	// The wizard's dataset step lists both at once and joins them in memory.
	{name: "wizard", datasets: true, schemas: true, bound: datasetPageWindow + 1},
}

// list runs the listing and returns how many datasets it found.
func (l listing) list(ctx context.Context, sb *aep.SandboxClient) (int, error) {
	var (
		wg         sync.WaitGroup
		schemasErr error
		datasets   []aep.Dataset
		err        error
	)
	if l.schemas {
		wg.Go(func() { _, schemasErr = sb.ListSchemas(ctx, aep.SchemaQuery{}) })
	}
	if l.datasets {
		datasets, err = sb.ListDatasets(ctx, aep.DatasetQuery{})
	}
	wg.Wait()

	if err != nil {
		return 0, err
	}
	return len(datasets), schemasErr
}

// BenchmarkBigOrgLists lists bigOrgDatasets datasets and bigOrgSchemas
// schemas with listLatency added to every call. speedup is the time a client
// reading one page after another needs (sequential pages times listLatency)
// over the measured time. max-in-flight is the most list requests the
// simulated gateway served at once, which must stay within bound.
func BenchmarkBigOrgLists(b *testing.B) {
	e := startEnv(b, sim.Options{Datasets: bigOrgDatasets, Schemas: bigOrgSchemas})
	client := e.connectedClient(b)
	sb := client.Sandbox(bigOrgSandbox)
	routes := []string{sim.RouteDatasets, sim.RouteSchemas}

	for _, l := range listings {
		b.Run(l.name, func(b *testing.B) {
			var wall, sequentialTime time.Duration
			var calls, maxInFlight, runs int
			for b.Loop() {
				before := callCounts(e.platform, routes)
				e.gateway.reset()
				e.platform.SetLatency(listLatency)

				start := time.Now()
				found, err := l.list(context.Background(), sb)
				wall += time.Since(start)

				e.platform.SetLatency(0)
				if err != nil {
					b.Fatalf("listing %s: %v", l.name, err)
				}
				callsMade := callsSince(e.platform, before)
				_, inFlight := e.gateway.counts()

				// Catalog responses carry no total, so a client that reads one
				// page at a time stops at the first page that is not full. The
				// concurrent client may ask for a few pages past it.
				sequentialPages := callsMade[sim.RouteSchemas]
				if l.datasets {
					sequentialPages += found/datasetPageSize + 1
				}

				sequentialTime += time.Duration(sequentialPages) * listLatency
				calls += callsMade[sim.RouteDatasets] + callsMade[sim.RouteSchemas]
				maxInFlight = max(maxInFlight, inFlight)
				runs++
			}

			if maxInFlight > l.bound {
				b.Errorf("%s: %d requests in flight at once, want at most %d", l.name, maxInFlight, l.bound)
			}
			b.ReportMetric(float64(sequentialTime)/float64(wall), "speedup")
			b.ReportMetric(float64(maxInFlight), "max-in-flight")
			b.ReportMetric(float64(l.bound), "bound")
			b.ReportMetric(float64(calls)/float64(runs), "pages")
			b.ReportMetric(float64(wall.Milliseconds())/float64(runs), "list-ms")
		})
	}
}

// windowGate holds each request until size requests wait together, then
// releases them all. A client that sends a window of size pages at once
// therefore has all of them in flight at the same moment.
type windowGate struct {
	size int

	// timeout releases a request that waits alone, so a client with a
	// smaller window is slow but not stuck.
	timeout time.Duration

	mu      sync.Mutex
	waiting int
	release chan struct{}
}

func (g *windowGate) wait() {
	g.mu.Lock()
	if g.release == nil {
		g.release = make(chan struct{})
	}
	release := g.release
	g.waiting++
	if g.waiting == g.size {
		close(release)
		g.release, g.waiting = nil, 0
	}
	g.mu.Unlock()

	timer := time.NewTimer(g.timeout)
	defer timer.Stop()
	select {
	case <-release:
	case <-timer.C:
	}
}

func TestDatasetPagingMatchesClient(t *testing.T) {
	e := startEnv(t, sim.Options{Datasets: 1_000})
	client := e.connectedClient(t)

	gate := &windowGate{size: datasetPageWindow, timeout: 2 * time.Second}
	var mu sync.Mutex
	limits := make(map[string]int)
	e.gateway.observe = func(r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/data/foundation/catalog/dataSets" {
			return
		}
		query := r.URL.Query()
		mu.Lock()
		limits[query.Get("limit")]++
		mu.Unlock()

		// The first page goes alone, the windows follow it.
		if start := query.Get("start"); start != "" && start != "0" {
			gate.wait()
		}
	}
	e.gateway.reset()

	datasets, err := client.Sandbox(bigOrgSandbox).ListDatasets(context.Background(), aep.DatasetQuery{})
	if err != nil {
		t.Fatalf("ListDatasets() error = %v", err)
	}

	if len(datasets) < 1_000 {
		t.Errorf("ListDatasets() returned %d datasets, want at least 1000", len(datasets))
	}
	want := strconv.Itoa(datasetPageSize)
	for limit, n := range limits {
		if limit != want {
			t.Errorf("%d dataset pages asked for limit=%q, want %q: update datasetPageSize from flows/aep", n, limit, want)
		}
	}
	if _, maxInFlight := e.gateway.counts(); maxInFlight != datasetPageWindow {
		t.Errorf("%d dataset pages in flight at once, want %d: update datasetPageWindow from flows/aep", maxInFlight, datasetPageWindow)
	}
}
