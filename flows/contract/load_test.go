package contract_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cioaep/setup/flows/contract"
)

func TestLoadEverySpec(t *testing.T) {
	specs := loadSpecs(t)

	// One operation from each file and the additions made in memory.
	for _, route := range []string{
		"GET /data/foundation/sandbox-management/",
		"GET /data/foundation/catalog/dataSets",
		"GET /data/foundation/schemaregistry/stats",
		"GET /data/foundation/schemaregistry/tenant/schemas",
		"POST /data/foundation/conversion/mappingSets",
		"DELETE /data/foundation/conversion/mappingSets/{MAPPING_SET_ID}",
		"POST /data/foundation/flowservice/flows",
		"GET /data/core/idnamespace/identities",
		"GET /data/infrastructure/observability/insights/metrics",
		"POST /collection/{CONNECTION_ID}",
		"POST /ims/token/v3",
	} {
		if !specs.HasRoute(route) {
			t.Errorf("route %q not found", route)
		}
	}
}

func TestLoadLeavesFilesUnchanged(t *testing.T) {
	dir := specDir(t)
	before := hashFiles(t, dir)

	if _, err := contract.Load(dir); err != nil {
		t.Fatal(err)
	}

	if after := hashFiles(t, dir); !bytes.Equal(before, after) {
		t.Error("the spec files changed on disk during Load")
	}
}

func hashFiles(t *testing.T, dir string) []byte {
	t.Helper()

	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no spec files in %s: %v", dir, err)
	}
	hash := sha256.New()
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		hash.Write(data)
	}
	return hash.Sum(nil)
}

// copySpecs copies the spec folder into a temporary one, applying edit to
// the named file.
func copySpecs(t *testing.T, name string, edit func(string) string) string {
	t.Helper()

	dir := specDir(t)
	copied := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if entry.Name() == name {
			data = []byte(edit(string(data)))
		}
		if err := os.WriteFile(filepath.Join(copied, entry.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return copied
}

func TestLoadFixNoLongerApplies(t *testing.T) {
	dir := copySpecs(t, "sandbox.yaml", func(text string) string {
		return strings.ReplaceAll(text, "'/#components/responses/Forbidden'", "'#/components/responses/Forbidden'")
	})

	_, err := contract.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "sandbox-broken-refs") {
		t.Errorf("Load error = %v, want one naming the deviation sandbox-broken-refs", err)
	}
}

func TestLoadServerMoved(t *testing.T) {
	dir := copySpecs(t, "catalog.yaml", func(text string) string {
		return strings.Replace(text, "url: //{environment}.adobe.io/data/foundation/catalog", "url: //{environment}.adobe.io/data/foundation/catalog2", 1)
	})

	_, err := contract.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "/data/foundation/catalog2") {
		t.Errorf("Load error = %v, want one naming the moved server path", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	dir := copySpecs(t, "", nil)
	if err := os.Remove(filepath.Join(dir, "flow-service.yaml")); err != nil {
		t.Fatal(err)
	}

	_, err := contract.Load(dir)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load error = %v, want os.ErrNotExist", err)
	}
}

func TestSpecDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(contract.SpecDirEnv, dir)

	got, err := contract.SpecDir()
	if err != nil || got != dir {
		t.Errorf("SpecDir() = %q, %v; want %q", got, err, dir)
	}
}

func TestSpecDirEnvMissingFolder(t *testing.T) {
	t.Setenv(contract.SpecDirEnv, filepath.Join(t.TempDir(), "absent"))

	if _, err := contract.SpecDir(); !errors.Is(err, contract.ErrSpecDirNotFound) {
		t.Errorf("SpecDir() error = %v, want ErrSpecDirNotFound", err)
	}
}

func TestSpecDirWalksUpToModuleRoot(t *testing.T) {
	t.Setenv(contract.SpecDirEnv, "")
	root := t.TempDir()
	repo := filepath.Join(root, "main")
	specs := filepath.Join(root, "shared", "reference", "openapi")
	work := filepath.Join(repo, "flows", "contract")
	for _, dir := range []string{specs, work} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module example.com/test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)

	got, err := contract.SpecDir()
	if err != nil {
		t.Fatal(err)
	}
	if resolved, _ := filepath.EvalSymlinks(got); resolved != mustEvalSymlinks(t, specs) {
		t.Errorf("SpecDir() = %q, want %q", got, specs)
	}
}

func TestSpecDirAbsentFolder(t *testing.T) {
	t.Setenv(contract.SpecDirEnv, "")
	repo := t.TempDir()
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module example.com/test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)

	_, err := contract.SpecDir()
	if !errors.Is(err, contract.ErrSpecDirNotFound) {
		t.Errorf("SpecDir() error = %v, want ErrSpecDirNotFound", err)
	}
}

func mustEvalSymlinks(t *testing.T, path string) string {
	t.Helper()
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return resolved
}

func TestDeviationsTable(t *testing.T) {
	specs := loadSpecs(t)
	files := []string{"sandbox.yaml", "catalog.yaml", "schema-registry.yaml", "data-prep.yaml", "flow-service.yaml"}

	var ids []string
	for _, d := range contract.Deviations() {
		if d.ID == "" || d.Tolerated == "" || d.Reason == "" {
			t.Errorf("entry %+v lacks an ID, what is tolerated or why", d)
		}
		if slices.Contains(ids, d.ID) {
			t.Errorf("ID %q used twice", d.ID)
		}
		ids = append(ids, d.ID)

		if d.File != "" && !slices.Contains(files, d.File) {
			t.Errorf("%s: file %q is not loaded", d.ID, d.File)
		}
		for _, route := range d.Routes {
			if route != "*" && !specs.HasRoute(route) {
				t.Errorf("%s: route %q is not an operation of the loaded specs", d.ID, route)
			}
		}
		if d.Kind != "" && (len(d.Routes) == 0 || len(d.Where) == 0) {
			t.Errorf("%s: an exchange entry needs routes and locations", d.ID)
		}
	}
}

func TestSameRoute(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"GET /flows/{id}", "GET /flows/{FLOW_ID}", true},
		{"get /flows/{id}", "GET /flows/{FLOW_ID}", true},
		{"GET /flows/{id}", "DELETE /flows/{FLOW_ID}", false},
		{"GET /flows/{id}/action", "GET /flows/{FLOW_ID}", false},
		{"GET /sandbox-management/", "GET /sandbox-management", false},
		{"GET /tenant/schemas", "GET /{CONTAINER_ID}/schemas", false},
	}
	for _, test := range tests {
		if got := contract.SameRoute(test.a, test.b); got != test.want {
			t.Errorf("SameRoute(%q, %q) = %v, want %v", test.a, test.b, got, test.want)
		}
	}
}
