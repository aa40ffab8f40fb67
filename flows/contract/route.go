package contract

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// literalPathParameters are path parameters whose value names a family of
// resources rather than one resource, so route names carry the value:
// "GET /data/foundation/schemaregistry/tenant/schemas", not ".../{CONTAINER_ID}/schemas".
var literalPathParameters = map[string]bool{"CONTAINER_ID": true}

// methodRouters returns one router per HTTP method. A single router would
// stop at the first path that matches and report "method not allowed": in
// the Schema Registry, GET /tenant/schemas must reach the operation at
// /{CONTAINER_ID}/schemas although /tenant/schemas exists for POST.
func methodRouters(doc *openapi3.T) (map[string]routers.Router, error) {
	byMethod := map[string]*openapi3.T{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			filtered, ok := byMethod[method]
			if !ok {
				copied := *doc
				copied.Paths = openapi3.NewPaths()
				filtered = &copied
				byMethod[method] = filtered
			}
			filtered.Paths.Set(path, item)
		}
	}

	routersByMethod := make(map[string]routers.Router, len(byMethod))
	for method, filtered := range byMethod {
		router, err := gorillamux.NewRouter(filtered)
		if err != nil {
			return nil, fmt.Errorf("build %s router: %w", method, err)
		}
		routersByMethod[method] = router
	}
	return routersByMethod, nil
}

// findRoute returns the operation that matches req in the first spec that
// declares one.
func (s *Specs) findRoute(req *http.Request) (*Spec, *routers.Route, map[string]string, error) {
	for _, spec := range s.all() {
		router, ok := spec.routers[req.Method]
		if !ok {
			continue
		}
		if route, pathParams, err := router.FindRoute(req); err == nil {
			return spec, route, pathParams, nil
		}
	}
	return nil, nil, nil, fmt.Errorf("no operation declared for %s %s", req.Method, req.URL.EscapedPath())
}

// routeName returns "METHOD /gateway/path/{PARAM}" for a matched operation,
// with the values of literalPathParameters filled in.
func routeName(spec *Spec, route *routers.Route, pathParams map[string]string) string {
	segments := strings.Split(route.Path, "/")
	for i, segment := range segments {
		name, isParam := strings.CutPrefix(segment, "{")
		name, _ = strings.CutSuffix(name, "}")
		if isParam && literalPathParameters[name] && pathParams[name] != "" {
			segments[i] = pathParams[name]
		}
	}
	return route.Method + " " + spec.BasePath + strings.Join(segments, "/")
}

// Routes returns the names of every operation in the loaded specs, sorted.
func (s *Specs) Routes() []string {
	var names []string
	for _, spec := range s.all() {
		for _, specPath := range spec.Doc.Paths.InMatchingOrder() {
			for method := range spec.Doc.Paths.Value(specPath).Operations() {
				names = append(names, method+" "+spec.BasePath+specPath)
			}
		}
	}
	sort.Strings(names)
	return names
}

// HasRoute reports whether route, such as "GET /data/foundation/flowservice/flows/{id}",
// names an operation of the loaded specs. Path parameter names are ignored.
func (s *Specs) HasRoute(route string) bool {
	method, routePath, ok := strings.Cut(route, " ")
	if !ok {
		return false
	}

	// A request to the template itself, with each parameter replaced by a
	// placeholder value, must reach an operation of the same name.
	segments := strings.Split(routePath, "/")
	for i, segment := range segments {
		if strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}") {
			segments[i] = "placeholder"
		}
	}
	req, err := http.NewRequest(method, strings.Join(segments, "/"), nil)
	if err != nil {
		return false
	}

	spec, matched, pathParams, err := s.findRoute(req)
	if err != nil {
		return false
	}
	return SameRoute(routeName(spec, matched, pathParams), route)
}
