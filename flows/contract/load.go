package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// SpecDirEnv is the environment variable that names the folder of Adobe's
// OpenAPI files. It takes precedence over the search done by SpecDir.
const SpecDirEnv = "AEP_OPENAPI_DIR"

// specDirFromRoot is the path of the OpenAPI folder relative to the
// repository root, because the project keeps its reference material next to
// the repository, not inside it.
var specDirFromRoot = filepath.Join("..", "shared", "reference", "openapi")

// specFile describes one of Adobe's OpenAPI files and the gateway path its
// operations are served under.
type specFile struct {
	name     string // file name inside the spec folder
	basePath string // path of the spec's server on the gateway or inlet host
	swagger2 bool   // the file is Swagger 2.0 and must be converted to OpenAPI 3
}

// specFiles lists every file Load reads. Load checks each file's own server
// path against basePath, so a spec update that moves a service fails loudly.
var specFiles = []specFile{
	{name: "sandbox.yaml", basePath: "/data/foundation"}, // its paths start with /sandbox-management/
	{name: "catalog.yaml", basePath: "/data/foundation/catalog"},
	{name: "schema-registry.yaml", basePath: "/data/foundation/schemaregistry", swagger2: true},
	{name: "data-prep.yaml", basePath: "/data/foundation/conversion"},
	{name: "flow-service.yaml", basePath: "/data/foundation/flowservice"},
	{name: "identity-service.yaml", basePath: "/data/core"},
	{name: "observability-insights.yaml", basePath: "/data/infrastructure/observability/insights"},
	{name: "streaming-ingestion.yaml", basePath: ""}, // inlet host, paths start with /collection/
}

// Spec is one loaded OpenAPI document with its routers.
type Spec struct {
	Name     string                    // file name, e.g. "flow-service.yaml"
	BasePath string                    // gateway path the document's paths are served under
	Doc      *openapi3.T               // the document after the in-memory fixes
	routers  map[string]routers.Router // by HTTP method
}

// Specs is the contract the wizard's calls are checked against: Adobe's
// OpenAPI documents, the hand-written IMS contract and Customer.io's event
// schema. It is safe for concurrent use once loaded.
type Specs struct {
	// Dir is the folder the files were read from.
	Dir string
	// Documents are Adobe's files in load order, then the IMS contract.
	Documents []*Spec
	// CustomerIO checks the raw events posted to a dataflow's inlet.
	CustomerIO *CustomerIOSchema
}

// all returns every loaded spec, the hand-written IMS contract included.
func (s *Specs) all() []*Spec {
	return s.Documents
}

// ErrSpecDirNotFound is returned by SpecDir when neither the environment
// variable nor the search from the working directory finds the folder.
var ErrSpecDirNotFound = errors.New("OpenAPI spec folder not found")

// SpecDir returns the folder that contains Adobe's OpenAPI files: the value
// of AEP_OPENAPI_DIR when set, else ../shared/reference/openapi relative to
// the repository root, found by walking up from the working directory to
// the folder that contains go.mod.
func SpecDir() (string, error) {
	if dir := os.Getenv(SpecDirEnv); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", ErrSpecDirNotFound, SpecDirEnv, dir, err)
		}
		return dir, nil
	}

	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}

	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			specs := filepath.Join(dir, specDirFromRoot)
			if _, err := os.Stat(specs); err != nil {
				return "", fmt.Errorf("%w: %s (set %s)", ErrSpecDirNotFound, specs, SpecDirEnv)
			}
			return specs, nil
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", fmt.Errorf("%w: no go.mod above %s (set %s)", ErrSpecDirNotFound, wd, SpecDirEnv)
		}
	}
}

// Load reads every OpenAPI file the wizard's calls touch from dir, applies
// the fixes listed in Deviations in memory, converts Swagger 2.0 to OpenAPI 3,
// validates each document and builds its routers. It adds the hand-written
// IMS contract and compiles Customer.io's event schema from the customerio
// subfolder. The files are never changed on disk.
func Load(dir string) (*Specs, error) {
	specs := &Specs{Dir: dir}
	for _, file := range specFiles {
		spec, err := loadSpec(dir, file)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", file.name, err)
		}
		specs.Documents = append(specs.Documents, spec)
	}

	ims, err := imsSpec()
	if err != nil {
		return nil, err
	}
	specs.Documents = append(specs.Documents, ims)

	specs.CustomerIO, err = LoadCustomerIOSchema(dir)
	if err != nil {
		return nil, fmt.Errorf("load the Customer.io event schema: %w", err)
	}
	return specs, nil
}

func loadSpec(dir string, file specFile) (*Spec, error) {
	data, err := os.ReadFile(filepath.Join(dir, file.name))
	if err != nil {
		return nil, err
	}

	fixes := fixesFor(file.name)
	validationOptions := []openapi3.ValidationOption{openapi3.EnableMultiError()}

	for _, fix := range fixes {
		if fix.textFix == nil {
			continue
		}
		fixed := bytes.ReplaceAll(data, []byte(fix.textFix.old), []byte(fix.textFix.new))
		if bytes.Equal(fixed, data) {
			return nil, fmt.Errorf("deviation %q no longer applies: %q not found, review the entry", fix.ID, fix.textFix.old)
		}
		data = fixed
	}

	doc, err := parseSpec(data, file)
	if err != nil {
		return nil, err
	}

	for _, fix := range fixes {
		if fix.docFix != nil {
			if err := fix.docFix(doc); err != nil {
				return nil, fmt.Errorf("deviation %q: %w", fix.ID, err)
			}
		}
		validationOptions = append(validationOptions, fix.loadOptions...)
	}

	serverPath, err := serverBasePath(doc)
	if err != nil {
		return nil, err
	}
	if serverPath != file.basePath {
		return nil, fmt.Errorf("server path is %q, want %q", serverPath, file.basePath)
	}

	// Routers match on the path only: the gateway, the inlet and IMS are
	// separate hosts in production but loopback listeners in tests.
	serverURL := file.basePath
	if serverURL == "" {
		serverURL = "/"
	}
	doc.Servers = openapi3.Servers{{URL: serverURL}}

	if err := doc.Validate(context.Background(), validationOptions...); err != nil {
		return nil, fmt.Errorf("invalid document: %w", err)
	}

	routersByMethod, err := methodRouters(doc)
	if err != nil {
		return nil, err
	}
	return &Spec{Name: file.name, BasePath: file.basePath, Doc: doc, routers: routersByMethod}, nil
}

func parseSpec(data []byte, file specFile) (*openapi3.T, error) {
	location := &url.URL{Path: file.name}
	loader := openapi3.NewLoader()

	if !file.swagger2 {
		return loader.LoadFromDataWithPath(data, location)
	}

	var doc2 openapi2.T
	if err := openapi2.UnmarshalFromData(data, &doc2); err != nil {
		return nil, err
	}
	doc, err := openapi2conv.ToV3WithLoader(&doc2, loader, location)
	if err != nil {
		return nil, fmt.Errorf("convert Swagger 2.0: %w", err)
	}
	return doc, nil
}

// serverBasePath returns the path of the document's first server URL with
// the scheme, host and trailing slash removed. Protocol-relative URLs
// ("//{environment}.adobe.io/...") are read as https, which is how the
// deviation "protocol-relative-servers" is applied.
func serverBasePath(doc *openapi3.T) (string, error) {
	if len(doc.Servers) == 0 {
		return "", errors.New("no servers")
	}

	raw := doc.Servers[0].URL
	if strings.HasPrefix(raw, "//") {
		raw = "https:" + raw
	}
	raw = strings.NewReplacer("{", "", "}", "").Replace(raw)

	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("server URL %q: %w", doc.Servers[0].URL, err)
	}
	return strings.TrimSuffix(u.Path, "/"), nil
}
