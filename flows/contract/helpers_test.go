package contract_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cioaep/setup/flows/contract"
)

// specDir returns the folder of Adobe's OpenAPI files. Where it is absent
// the test is skipped, except under CI=true, where it fails.
func specDir(t testing.TB) string {
	t.Helper()

	dir, err := contract.SpecDir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the OpenAPI files are required when CI=true: %v", err)
		}
		t.Skipf("skipping: the OpenAPI files in ../shared/reference/openapi are not available: %v", err)
	}
	return dir
}

var loaded struct {
	once  sync.Once
	specs *contract.Specs
	err   error
}

// loadSpecs loads the specs once for the whole test binary.
func loadSpecs(t testing.TB) *contract.Specs {
	t.Helper()

	dir := specDir(t)
	loaded.once.Do(func() {
		loaded.specs, loaded.err = contract.Load(dir)
	})
	if loaded.err != nil {
		t.Fatalf("Load(%s): %v", dir, loaded.err)
	}
	return loaded.specs
}

// platformRequest builds a request with every header the gateway requires.
func platformRequest(method, target, body string) *http.Request {
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, reader)
	req.Header.Set("Authorization", "Bearer test-access-token")
	req.Header.Set("x-api-key", "test-client-id")
	req.Header.Set("x-gw-ims-org-id", "TESTORG@AdobeOrg")
	req.Header.Set("x-sandbox-name", "prod")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// jsonHandler returns a handler that responds to every request with status and a JSON body.
func jsonHandler(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-request-id", "test-request")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

// serve passes one request through a new recorder in front of handler and
// returns the report.
func serve(t *testing.T, handler http.Handler, req *http.Request) contract.Report {
	t.Helper()

	recorder := loadSpecs(t).NewRecorder(nil)
	recorder.Middleware(handler).ServeHTTP(httptest.NewRecorder(), req)
	return recorder.Report()
}

// requireNoViolations fails t with every violation in the report.
func requireNoViolations(t *testing.T, report contract.Report) {
	t.Helper()
	for _, v := range report.Violations {
		t.Errorf("unexpected violation: %s", v)
	}
}

// findViolation returns the first violation at where, or fails t.
func findViolation(t *testing.T, violations []contract.Violation, where string) contract.Violation {
	t.Helper()
	for _, v := range violations {
		if v.Where == where {
			return v
		}
	}
	t.Fatalf("no violation at %q among %v", where, violations)
	return contract.Violation{}
}
