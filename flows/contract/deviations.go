package contract

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Deviation is one known defect of Adobe's OpenAPI files, or one known
// difference between a file and what Adobe's documentation and services do,
// that the contract accepts. A violation that no entry matches is a failure.
//
// An entry either fixes a document while it loads (File with a text fix,
// a document fix or validation options) or tolerates matching violations
// of exchanges (Routes, Side, Kind, Keyword and Where).
type Deviation struct {
	// ID names the entry in reports, e.g. "flow-options".
	ID string
	// Tolerated states what is accepted and Reason why, in one line each.
	Tolerated string
	Reason    string

	// File is the spec file a load-time fix applies to.
	File string

	// Routes lists the operations the entry applies to, with the spec's
	// parameter names ("POST /data/foundation/flowservice/flows"), or "*"
	// for every operation.
	Routes []string
	Side   Side
	Kind   Kind
	// Keyword is the failing JSON Schema keyword, empty for any.
	Keyword string
	// Where lists location patterns such as "body /items/*/options" or
	// "query subOp". In a body pointer "*" matches one token and "**" any
	// number of tokens.
	Where []string
	// Values, when set, lists the only offending values accepted, as JSON.
	Values []string

	textFix     *textFix
	docFix      func(*openapi3.T) error
	loadOptions []openapi3.ValidationOption
}

type textFix struct {
	old, new string
}

// Routes the entries refer to, as the recorder names them.
const (
	anyRoute              = "*"
	routeListSandboxes    = "GET /data/foundation/sandbox-management/"
	routeListSchemas      = "GET /data/foundation/schemaregistry/tenant/schemas"
	routeListFieldGroups  = "GET /data/foundation/schemaregistry/tenant/fieldgroups"
	routeGetSchema        = "GET /data/foundation/schemaregistry/tenant/schemas/{SCHEMA_ID}"
	routeCreateSchema     = "POST /data/foundation/schemaregistry/tenant/schemas"
	routeCreateFieldGroup = "POST /data/foundation/schemaregistry/tenant/fieldgroups"
	routeListSources      = "GET /data/foundation/flowservice/sourceConnections"
	routeGetSource        = "GET /data/foundation/flowservice/sourceConnections/{SOURCE_CONNECTION_ID}"
	routeListRuns         = "GET /data/foundation/flowservice/runs"
	routeCreateSource     = "POST /data/foundation/flowservice/sourceConnections"
	routeListFlows        = "GET /data/foundation/flowservice/flows"
	routeCreateFlow       = "POST /data/foundation/flowservice/flows"
	routeGetFlow          = "GET /data/foundation/flowservice/flows/{FLOW_ID}"
	routePatchFlow        = "PATCH /data/foundation/flowservice/flows/{FLOW_ID}"
	routeFlowAction       = "POST /data/foundation/flowservice/flows/{FLOW_ID}/action"
	routeListMappingSets  = "GET /data/foundation/conversion/mappingSets"
	routeCreateMapping    = "POST /data/foundation/conversion/mappingSets"
	routeValidateMapping  = "POST /data/foundation/conversion/mappingSets/validate"
	routeGetMappingSet    = "GET /data/foundation/conversion/mappingSets/{MAPPING_SET_ID}"
	routeDeleteMapping    = "DELETE /data/foundation/conversion/mappingSets/{MAPPING_SET_ID}"
	routeCollect          = "POST /collection/{CONNECTION_ID}"
)

// deviations is the one list of everything the contract accepts beyond the
// files as published (AdobeDocs/experience-platform-apis, static/swagger-specs,
// commit 16c60cd7a5617582fc21500f5ab3edf0e2ee308b).
var deviations = []Deviation{
	// Defects of the files, fixed in memory while loading.
	{
		ID:        "protocol-relative-servers",
		Tolerated: "server URLs of the form //{environment}.adobe.io/... (read as https; routes match the path only)",
		Reason:    "flow-service, catalog, data-prep and observability-insights publish scheme-less servers",
	},
	{
		ID:        "catalog-duplicate-parameter",
		File:      "catalog.yaml",
		Tolerated: "x-api-key listed twice on GET /tags/{tagNamespace}; the second copy is dropped",
		Reason:    "OpenAPI forbids duplicate parameters and kin-openapi rejects the document",
		docFix:    dropDuplicateTagsParameter,
	},
	{
		ID:        "catalog-null-descriptions",
		File:      "catalog.yaml",
		Tolerated: "five description: null values (serviceResources.dataSource, resourceItem.id/method/resource/body); no fix is needed because kin-openapi reads null as an empty description",
		Reason:    "a description must be a string; strict validators reject the file",
	},
	{
		ID:        "sandbox-broken-refs",
		File:      "sandbox.yaml",
		Tolerated: "$ref '/#components/responses/Forbidden' rewritten to '#/components/responses/Forbidden'",
		Reason:    "two /exim/packages responses carry a malformed reference that no loader resolves",
		textFix:   &textFix{old: "'/#components/responses/Forbidden'", new: "'#/components/responses/Forbidden'"},
	},
	{
		ID:          "sandbox-schemamapping-sibling",
		File:        "sandbox.yaml",
		Tolerated:   "schemaMapping written as a keyword beside a schema's own keywords in the /exim package schemas",
		Reason:      "an indentation slip in the file; kin-openapi reports it as an unknown sibling field",
		loadOptions: []openapi3.ValidationOption{openapi3.AllowExtraSiblingFields("schemaMapping")},
	},
	{
		ID:        "schema-registry-component-name",
		File:      "schema-registry.yaml",
		Tolerated: "definition meta:datasetNamespace renamed to meta_datasetNamespace (nothing refers to it)",
		Reason:    "component names may only use [a-zA-Z0-9._-]; the colon fails OpenAPI 3 validation after conversion",
		docFix:    renameDatasetNamespace,
	},
	{
		ID:        "schema-registry-ref-space",
		File:      "schema-registry.yaml",
		Tolerated: `properties named "$ref " (with a trailing space) renamed to "$ref"`,
		Reason:    "the file spells the $ref member of allOf items and references with a trailing space, so the real member would be undeclared",
		docFix:    renameSpacedRefProperties,
	},
	{
		ID:          "invalid-examples",
		Tolerated:   "examples that do not match their own schemas (catalog, schema-registry, data-prep, flow-service, identity-service, streaming-ingestion)",
		Reason:      "examples are documentation, not contract; kin-openapi validates them by default",
		loadOptions: []openapi3.ValidationOption{openapi3.DisableExamplesValidation()},
	},
	{
		ID:        "flow-options",
		File:      "flow-service.yaml",
		Tolerated: "FlowItemDTO gains options {inletUrl string, errorDiagnosticsEnabled boolean, partialIngestionPercent number}",
		Reason:    "the streaming endpoint is documented at items[0].options.inletUrl, but FlowItemDTO has no options; the GenericStreamingAEP option spec lists the three fields",
		docFix:    addFlowOptions,
	},
	{
		ID:        "data-prep-delete-mapping-set",
		File:      "data-prep.yaml",
		Routes:    []string{routeDeleteMapping},
		Tolerated: "DELETE /mappingSets/{MAPPING_SET_ID} added to the document (standard headers, no body, 200 or 204 without body)",
		Reason:    "absent from data-prep.yaml; the aepp wrapper calls it and rollback needs it",
		docFix:    addDeleteMappingSet,
	},
	{
		ID:        "ims-no-spec",
		Routes:    []string{"POST " + imsTokenPath},
		Tolerated: "IMS is checked against the hand-written contract in ims.go instead of a published file",
		Reason:    "Adobe publishes no OpenAPI file for IMS; the form fields and responses are documented in prose only",
	},

	// Differences between the files and Adobe's documented behaviour,
	// tolerated on exchanges.
	{
		ID:        "mapping-version-integer",
		Routes:    []string{routeCreateFlow, routeGetFlow, routeListFlows},
		Kind:      KindBody,
		Keyword:   "type",
		Where:     []string{"body /transformations/*/params/mappingVersion", "body /items/*/transformations/*/params/mappingVersion"},
		Tolerated: "mappingVersion as the integer 0",
		Reason:    "TransformationSpecDTO types it as a string; the tutorials send 0 and responses show both",
	},
	{
		ID:        "patch-op-lower-case",
		Routes:    []string{routePatchFlow},
		Side:      Request,
		Kind:      KindBody,
		Keyword:   "enum",
		Where:     []string{"body /*/op"},
		Values:    []string{`"add"`, `"replace"`, `"remove"`},
		Tolerated: "JSON Patch op in lower case (add, replace, remove)",
		Reason:    "PatchInstruction.op enumerates ADD/REPLACE/REMOVE; the docs and RFC 6902 use lower case",
	},
	{
		ID:        "flow-action-subop",
		Routes:    []string{routeFlowAction},
		Side:      Request,
		Kind:      KindParameter,
		Keyword:   "required",
		Where:     []string{"query subOp"},
		Tolerated: "POST /flows/{id}/action without subOp",
		Reason:    "the spec marks subOp required; the enable/disable docs send only op",
	},
	{
		ID:        "flow-action-op-lower-case",
		Routes:    []string{routeFlowAction},
		Side:      Request,
		Kind:      KindParameter,
		Keyword:   "enum",
		Where:     []string{"query op"},
		Values:    []string{`"enable"`, `"disable"`},
		Tolerated: "op=enable and op=disable in lower case",
		Reason:    "the spec enumerates ENABLE/DISABLE; the docs send lower case",
	},
	{
		ID:        "source-connection-provider-id",
		Routes:    []string{routeCreateSource, routeListSources, routeGetSource},
		Kind:      KindUndeclared,
		Where:     []string{"body /providerId", "body /items/*/providerId"},
		Tolerated: "providerId on source connections, sent on create and returned on reads",
		Reason:    "CreateSourceConnectionRequest and the read DTOs lack it; the Customer.io tutorial sends it",
		// NOTE: that reads return providerId is unconfirmed; the simulator echoes it.
	},
	{
		ID:        "flow-inherited-properties",
		Routes:    []string{routeGetFlow, routeListFlows},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /items/*/inheritedAttributes/properties"},
		Tolerated: "inheritedAttributes.properties (such as isSourceFlow) on flows",
		Reason:    "FlowMetaInfoDTO declares only the connections; the documented flow read shows properties {isSourceFlow: true}",
	},
	{
		ID:        "run-errors-and-window",
		Routes:    []string{routeListRuns},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /items/*/metrics/statusSummary/errors", "body /items/*/extensions"},
		Tolerated: "metrics.statusSummary.errors[] and extensions (windowStart, windowEnd) on runs",
		Reason:    "FlowRunItemDTO declares neither; the monitoring docs read run errors and streaming windows from them",
	},
	{
		ID:     "data-prep-legacy-dialect",
		Routes: []string{routeCreateMapping, routeValidateMapping, routeGetMappingSet, routeListMappingSets},
		Kind:   KindUndeclared,
		Where: []string{
			"body /mappings/*/sourceAttribute", "body /mappings/*/destinationXdmPath",
			"body /mappings/*/identity", "body /mappings/*/primaryIdentity", "body /mappings/*/matchScore",
			"body /data/*/mappings/*/sourceAttribute", "body /data/*/mappings/*/destinationXdmPath",
			"body /data/*/mappings/*/identity", "body /data/*/mappings/*/primaryIdentity", "body /data/*/mappings/*/matchScore",
		},
		Tolerated: "mappings in the legacy dialect (sourceAttribute, destinationXdmPath, identity, primaryIdentity, matchScore)",
		Reason:    "MappingOperation has only the new dialect; the Customer.io tutorial sends the legacy one and reads return both",
	},
	{
		ID:        "data-prep-schema-path-source-type",
		Routes:    []string{routeGetMappingSet, routeListMappingSets},
		Side:      Response,
		Kind:      KindBody,
		Keyword:   "enum",
		Where:     []string{"body /mappings/*/sourceType", "body /data/*/mappings/*/sourceType"},
		Values:    []string{`"text/x.schema-path"`},
		Tolerated: "sourceType text/x.schema-path in mapping sets read back",
		Reason:    "SourceType enumerates ATTRIBUTE/EXPRESSION/STATIC; the spec's own examples of reads show text/x.schema-path",
	},
	{
		ID:        "data-prep-epoch-dates",
		Routes:    []string{routeCreateMapping, routeGetMappingSet, routeListMappingSets},
		Side:      Response,
		Kind:      KindBody,
		Keyword:   "type",
		Where:     []string{"body /**/createdDate", "body /**/modifiedDate"},
		Tolerated: "createdDate and modifiedDate as epoch milliseconds",
		Reason:    "Data Prep types them date-time strings; real responses and the spec's examples are epoch ms",
	},
	{
		ID:        "sandbox-etag-case",
		Routes:    []string{routeListSandboxes},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /sandboxes/*/eTag"},
		Tolerated: "eTag instead of etag on sandboxes",
		Reason:    "the spec names the field etag; the sandbox docs show eTag",
	},
	{
		ID:     "documented-error-statuses",
		Routes: []string{anyRoute},
		Side:   Response,
		Kind:   KindStatus,
		Where: []string{
			"status 400", "status 401", "status 403", "status 404", "status 406", "status 412",
			"status 413", "status 429", "status 500", "status 502", "status 503", "status 504",
		},
		Tolerated: "error statuses that an operation does not declare, when Adobe documents them for the service (their bodies go unchecked)",
		Reason:    "most operations declare a few bare error statuses, while the gateway and services document 401013, 403025, FLOW-…-404, XDM-…-406, 429 and 5xx answers",
	},
	{
		ID:        "inlet-raw-json",
		Routes:    []string{routeCollect},
		Side:      Request,
		Kind:      KindBody,
		Keyword:   "$ref",
		Where:     []string{"body"},
		Tolerated: "raw JSON events posted with x-adobe-flow-id, checked against Customer.io's reporting-webhook schema instead",
		Reason:    "streamingMessage is the XDM envelope; flows with a mapping take the source's own JSON, as Customer.io sends it",
	},
	{
		ID:        "inlet-sandbox-header",
		Routes:    []string{routeCollect},
		Side:      Request,
		Kind:      KindParameter,
		Keyword:   "required",
		Where:     []string{"header x-sandbox-name"},
		Tolerated: "inlet posts without x-sandbox-name",
		Reason:    "Customer.io's webhook sender sets no custom headers; the documented webhook URL carries only the flow ID",
	},
	{
		ID:        "inlet-id-case",
		Routes:    []string{routeCollect},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /inletId"},
		Tolerated: "inletId in the inlet's answer",
		Reason:    "StreamingIngestionResponse declares inletID, while its own example and the docs return inletId",
	},
	{
		ID:        "inlet-received-time-int32",
		Routes:    []string{routeCollect},
		Side:      Response,
		Kind:      KindBody,
		Keyword:   "format",
		Where:     []string{"body /receivedTimeMs"},
		Tolerated: "receivedTimeMs beyond the int32 range",
		Reason:    "declared format int32, but an epoch time in milliseconds such as 1551307525735 needs 64 bits",
	},
	{
		ID:     "schema-registry-example-fields",
		Routes: []string{routeCreateSchema, routeCreateFieldGroup, routeGetSchema},
		Side:   Response,
		Kind:   KindUndeclared,
		Where: []string{
			"body /imsOrg", "body /meta:class", "body /meta:containerId", "body /meta:sandboxId",
			"body /meta:sandboxType", "body /meta:tenantNamespace", "body /refs",
			"body /allOf/*/type", "body /allOf/*/meta:xdmType",
		},
		Tolerated: "members that the create responses' own examples show but their schemas omit, refs also on lookups of the same resource",
		Reason:    "createSchemaResponse and createFieldGroupResponse reuse the lookup schema, but their examples add these members",
	},
	{
		ID:        "schema-registry-full-representation",
		Routes:    []string{routeGetSchema},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /$schema", "body /properties", "body /required", "body /definitions"},
		Tolerated: "JSON Schema keywords of the resolved schema returned for Accept xed-full+json",
		Reason:    "lookupSchemaResponse describes the xed+json form only; the docs say xed-full resolves every field into properties",
	},
	{
		ID:        "schema-registry-etag-case",
		Routes:    []string{routeGetSchema, routeCreateSchema, routeCreateFieldGroup, routeListSchemas, routeListFieldGroups},
		Side:      Response,
		Kind:      KindUndeclared,
		Where:     []string{"body /meta:registryMetadata/eTag", "body /results/*/meta:registryMetadata/eTag"},
		Tolerated: "eTag instead of etag in meta:registryMetadata",
		Reason:    "the schema names the member etag; the file's own examples show eTag",
	},
	{
		ID:        "schema-next-null",
		Routes:    []string{routeListSchemas, routeListFieldGroups},
		Side:      Response,
		Kind:      KindBody,
		Keyword:   "nullable",
		Where:     []string{"body /_page/next", "body /_links/next"},
		Tolerated: "_page.next and _links.next as null on the last page",
		Reason:    "both are typed string without nullable, while their own descriptions and examples say null on the last page",
	},
	{
		ID:        "schema-links-next-shape",
		Routes:    []string{routeListSchemas, routeListFieldGroups},
		Side:      Response,
		Kind:      KindBody,
		Keyword:   "type",
		Where:     []string{"body /_links/next"},
		Tolerated: "_links.next as an object {href} as well as a string",
		Reason:    "the spec types it string; the non-null runtime shape is unconfirmed, so both are accepted",
	},
}

// Deviations returns a copy of the table of accepted defects and differences.
func Deviations() []Deviation {
	return slices.Clone(deviations)
}

// tolerating returns the entry that accepts v, or nil.
func tolerating(v Violation) *Deviation {
	for i := range deviations {
		if deviations[i].tolerates(v) {
			return &deviations[i]
		}
	}
	return nil
}

func (d *Deviation) tolerates(v Violation) bool {
	if d.Kind == "" || len(d.Where) == 0 {
		return false // a load-time entry
	}
	if d.Side != "" && d.Side != v.Side {
		return false
	}
	if d.Kind != v.Kind || (d.Keyword != "" && d.Keyword != v.Keyword) {
		return false
	}
	if !slices.ContainsFunc(d.Routes, func(route string) bool { return route == anyRoute || SameRoute(route, v.Route) }) {
		return false
	}
	if len(d.Values) > 0 && !slices.Contains(d.Values, v.value) {
		return false
	}
	return slices.ContainsFunc(d.Where, func(pattern string) bool { return matchWhere(pattern, v.Where) })
}

// matchWhere matches "body /a/*/b" against "body /a/0/b" and "query subOp"
// against itself.
func matchWhere(pattern, where string) bool {
	patternPlace, patternPointer, _ := strings.Cut(pattern, " ")
	place, pointer, _ := strings.Cut(where, " ")
	if patternPlace != place {
		return false
	}
	if patternPlace != "body" {
		return patternPointer == pointer
	}
	return matchPointer(strings.Split(patternPointer, "/"), strings.Split(pointer, "/"))
}

// matchPointer matches pointer tokens against pattern tokens, where "*"
// matches one token and "**" any number of tokens.
func matchPointer(pattern, pointer []string) bool {
	if len(pattern) == 0 {
		return len(pointer) == 0
	}
	if pattern[0] == "**" {
		for i := 0; i <= len(pointer); i++ {
			if matchPointer(pattern[1:], pointer[i:]) {
				return true
			}
		}
		return false
	}
	if len(pointer) == 0 || (pattern[0] != "*" && pattern[0] != pointer[0]) {
		return false
	}
	return matchPointer(pattern[1:], pointer[1:])
}

// fixesFor returns the load-time entries for a spec file, plus those that
// apply to every file.
func fixesFor(file string) []*Deviation {
	var fixes []*Deviation
	for i := range deviations {
		d := &deviations[i]
		if d.textFix == nil && d.docFix == nil && d.loadOptions == nil {
			continue
		}
		if d.File == "" || d.File == file {
			fixes = append(fixes, d)
		}
	}
	return fixes
}

func dropDuplicateTagsParameter(doc *openapi3.T) error {
	item := doc.Paths.Value("/tags/{tagNamespace}")
	if item == nil || item.Get == nil {
		return errors.New("GET /tags/{tagNamespace} not found")
	}

	var kept openapi3.Parameters
	for _, parameter := range item.Get.Parameters {
		duplicate := slices.ContainsFunc(kept, func(k *openapi3.ParameterRef) bool {
			return k.Value.In == parameter.Value.In && k.Value.Name == parameter.Value.Name
		})
		if !duplicate {
			kept = append(kept, parameter)
		}
	}
	if len(kept) == len(item.Get.Parameters) {
		return errors.New("no duplicate parameter left to drop")
	}
	item.Get.Parameters = kept
	return nil
}

func renameDatasetNamespace(doc *openapi3.T) error {
	schema, ok := doc.Components.Schemas["meta:datasetNamespace"]
	if !ok {
		return errors.New("definition meta:datasetNamespace not found")
	}
	delete(doc.Components.Schemas, "meta:datasetNamespace")
	doc.Components.Schemas["meta_datasetNamespace"] = schema
	return nil
}

// renameSpacedRefProperties renames every declared property "$ref " to
// "$ref" in the schemas of doc.
func renameSpacedRefProperties(doc *openapi3.T) error {
	renamed := 0
	visitSchemas(doc, func(schema *openapi3.Schema) {
		if property, ok := schema.Properties["$ref "]; ok {
			delete(schema.Properties, "$ref ")
			schema.Properties["$ref"] = property
			renamed++
		}
	})
	if renamed == 0 {
		return errors.New(`no property "$ref " left to rename`)
	}
	return nil
}

// addFlowOptions declares the options object that streaming flows carry,
// so a misspelt or mistyped option is still a violation.
func addFlowOptions(doc *openapi3.T) error {
	flow, ok := doc.Components.Schemas["FlowItemDTO"]
	if !ok || flow.Value == nil {
		return errors.New("schema FlowItemDTO not found")
	}
	if _, ok := flow.Value.Properties["options"]; ok {
		return errors.New("FlowItemDTO now declares options; drop this fix")
	}

	options := openapi3.NewObjectSchema().
		WithProperty("inletUrl", openapi3.NewStringSchema()).
		WithProperty("errorDiagnosticsEnabled", openapi3.NewBoolSchema()).
		WithProperty("partialIngestionPercent", openapi3.NewFloat64Schema())
	flow.Value.Properties["options"] = openapi3.NewSchemaRef("", options)
	return nil
}

// addDeleteMappingSet adds the undocumented delete operation with the same
// path and header parameters as the documented GET of one mapping set.
func addDeleteMappingSet(doc *openapi3.T) error {
	item := doc.Paths.Value("/mappingSets/{MAPPING_SET_ID}")
	if item == nil || item.Get == nil {
		return errors.New("GET /mappingSets/{MAPPING_SET_ID} not found")
	}
	if item.Delete != nil {
		return errors.New("DELETE /mappingSets/{MAPPING_SET_ID} is now in the file; drop this fix")
	}

	operation := openapi3.NewOperation()
	operation.OperationID = "deleteMappingSet"
	for _, parameter := range item.Get.Parameters {
		if parameter.Value.In == openapi3.ParameterInPath || parameter.Value.In == openapi3.ParameterInHeader {
			operation.Parameters = append(operation.Parameters, parameter)
		}
	}
	// NOTE: the success status is unconfirmed, so both 200 and 204 pass.
	operation.Responses = openapi3.NewResponses(
		openapi3.WithStatus(http.StatusOK, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("Deleted")}),
		openapi3.WithStatus(http.StatusNoContent, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("Deleted")}),
	)
	item.Delete = operation
	return nil
}
