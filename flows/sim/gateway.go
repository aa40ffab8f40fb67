package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// newGatewayHandler routes every Platform API the simulator serves.
func (p *Platform) newGatewayHandler() http.Handler {
	sandboxAPI := func(route string, h func(*call)) *endpoint {
		return &endpoint{route: route, svc: serviceSandbox, handle: h}
	}
	catalog := func(route string, h func(*call)) *endpoint {
		return &endpoint{route: route, svc: serviceCatalog, sandbox: true, handle: h}
	}
	registry := func(route string, accept acceptRule, h func(*call)) *endpoint {
		return &endpoint{route: route, svc: serviceSchemaRegistry, sandbox: true, accept: accept, handle: h}
	}
	flows := func(route string, h func(*call)) *endpoint {
		return &endpoint{route: route, svc: serviceFlow, sandbox: true, handle: h}
	}
	dataPrep := func(route string, h func(*call)) *endpoint {
		return &endpoint{route: route, svc: serviceDataPrep, sandbox: true, handle: h}
	}

	action := flows(RouteFlowAction, p.flowAction)
	action.noBody = true

	return p.serve(serviceFlow, []*endpoint{
		sandboxAPI(RouteSandboxes, p.listSandboxes),
		sandboxAPI(RouteAllSandboxes, p.listSandboxes),

		registry(RouteStats, acceptAny, p.stats),
		registry(RouteSchemas, acceptListing, p.listSchemas),
		registry(RouteSchema, acceptLookup, p.getSchema),
		registry(RouteCreateSchema, acceptAny, p.createSchema),
		registry(RouteDeleteSchema, acceptAny, p.deleteSchema),
		registry(RouteFieldGroups, acceptListing, p.listFieldGroups),
		registry(RouteFieldGroup, acceptLookup, p.getFieldGroup),
		registry(RouteCreateFieldGroup, acceptAny, p.createFieldGroup),
		registry(RouteDeleteFieldGroup, acceptAny, p.deleteFieldGroup),

		catalog(RouteDatasets, p.listDatasets),
		catalog(RouteDataset, p.getDataset),
		catalog(RouteCreateDataset, p.createDataset),
		catalog(RouteDeleteDataset, p.deleteDataset),

		flows(RouteConnectionSpec, p.getConnectionSpec),
		flows(RouteSourceConnections, p.listSourceConnections),
		flows(RouteSourceConnection, p.getSourceConnection),
		flows(RouteCreateSourceConnection, p.createSourceConnection),
		flows(RouteDeleteSourceConnection, p.deleteSourceConnection),
		flows(RouteTargetConnections, p.listTargetConnections),
		flows(RouteTargetConnection, p.getTargetConnection),
		flows(RouteCreateTargetConnection, p.createTargetConnection),
		flows(RouteDeleteTargetConnection, p.deleteTargetConnection),
		flows(RouteFlows, p.listFlows),
		flows(RouteFlow, p.getFlow),
		flows(RouteCreateFlow, p.createFlow),
		action,
		flows(RouteDeleteFlow, p.deleteFlow),
		flows(RouteRuns, p.listRuns),

		dataPrep(RouteValidateMappingSet, p.validateMappingSet),
		dataPrep(RouteCreateMappingSet, p.createMappingSet),
		dataPrep(RouteMappingSets, p.listMappingSets),
		dataPrep(RouteMappingSet, p.getMappingSet),
		dataPrep(RouteDeleteMappingSet, p.deleteMappingSet),
	})
}

// listSandboxes serves both sandbox listings. Paging takes limit and offset,
// which must be sent together (default 50 and 0).
func (p *Platform) listSandboxes(c *call) {
	query := c.r.URL.Query()
	_, hasLimit := query["limit"]
	_, hasOffset := query["offset"]
	if hasLimit != hasOffset {
		c.fail(newError(http.StatusBadRequest, "2074", "limit and offset must be sent together"))
		return
	}

	limit, offset := 50, 0
	if hasLimit {
		var err1, err2 error
		limit, err1 = strconv.Atoi(query.Get("limit"))
		offset, err2 = strconv.Atoi(query.Get("offset"))
		if err1 != nil || err2 != nil || limit < 1 || offset < 0 {
			c.fail(newError(http.StatusBadRequest, "2074", "limit must be a positive integer and offset a non-negative integer"))
			return
		}
	}
	all := c.ep.route == RouteAllSandboxes

	p.mu.Lock()
	var page []map[string]any
	total := len(p.state.sandboxOrder)
	for i := offset; i < total && len(page) < limit; i++ {
		page = append(page, sandboxJSON(p.state.sandboxes[p.state.sandboxOrder[i]], all))
	}
	p.mu.Unlock()

	path := "/data/foundation/sandbox-management/"
	if all {
		path += "sandboxes"
	}
	links := map[string]any{
		"page": map[string]any{"href": p.PlatformURL + path + "?limit={limit}&offset={offset}", "templated": true},
	}
	if offset+limit < total {
		next := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset + limit)}}
		links["next"] = map[string]any{"href": p.PlatformURL + path + "?" + next.Encode(), "templated": false}
	}
	if page == nil {
		page = []map[string]any{}
	}

	c.json(http.StatusOK, map[string]any{
		"sandboxes": page,
		"_page":     map[string]any{"limit": limit, "count": len(page)},
		"_links":    links,
	})
}

// sandboxJSON renders a sandbox. The spec names the version field etag and the
// docs eTag, so both are sent. Dates are RFC 3339 as the spec's date-time
// format requires.
// NOTE: the docs' examples show dates as "2019-09-04 04:57:24" instead.
func sandboxJSON(sb *sandbox, withSystem bool) map[string]any {
	date := sb.created.UTC().Format(time.RFC3339)
	out := map[string]any{
		"name":             sb.name,
		"title":            sb.title,
		"state":            "active",
		"type":             sb.kind,
		"region":           seedRegion,
		"isDefault":        sb.isDefault,
		"etag":             2,
		"eTag":             2,
		"createdDate":      date,
		"lastModifiedDate": date,
		"createdBy":        "acp_ui_platform",
		"modifiedBy":       "acp_ui_platform",
	}
	if withSystem {
		out["id"] = sb.id
		out["_system"] = map[string]any{
			"state":            "active",
			"createdDate":      date,
			"createdBy":        "acp_ui_platform",
			"lastModifiedDate": date,
			"lastModifiedBy":   "acp_ui_platform",
		}
	}
	return out
}

// millis returns t as Unix milliseconds, the Platform's usual time format.
func millis(t time.Time) int64 {
	return t.UnixMilli()
}
