package sim

// Route names are "METHOD /path/template". They key InjectFaults and Calls, and
// each one is a path that the real service serves under the same prefix.
const (
	// RouteToken is the IMS OAuth Server-to-Server token endpoint.
	RouteToken = "POST /ims/token/v3"

	// RouteSandboxes lists the sandboxes that the caller may use.
	RouteSandboxes = "GET /data/foundation/sandbox-management/"
	// RouteAllSandboxes lists every sandbox of the organization.
	RouteAllSandboxes = "GET /data/foundation/sandbox-management/sandboxes"

	// RouteStats returns the Schema Registry statistics, including the tenant ID.
	RouteStats = "GET /data/foundation/schemaregistry/stats"
	// RouteSchemas lists the tenant schemas.
	RouteSchemas = "GET /data/foundation/schemaregistry/tenant/schemas"
	// RouteSchema looks up one tenant schema by meta:altId or URL-encoded $id.
	RouteSchema = "GET /data/foundation/schemaregistry/tenant/schemas/{id}"
	// RouteCreateSchema creates a tenant schema.
	RouteCreateSchema = "POST /data/foundation/schemaregistry/tenant/schemas"
	// RouteDeleteSchema deletes a tenant schema.
	RouteDeleteSchema = "DELETE /data/foundation/schemaregistry/tenant/schemas/{id}"
	// RouteFieldGroups lists the tenant field groups.
	RouteFieldGroups = "GET /data/foundation/schemaregistry/tenant/fieldgroups"
	// RouteFieldGroup looks up one tenant field group.
	RouteFieldGroup = "GET /data/foundation/schemaregistry/tenant/fieldgroups/{id}"
	// RouteCreateFieldGroup creates a tenant field group.
	RouteCreateFieldGroup = "POST /data/foundation/schemaregistry/tenant/fieldgroups"
	// RouteDeleteFieldGroup deletes a tenant field group.
	RouteDeleteFieldGroup = "DELETE /data/foundation/schemaregistry/tenant/fieldgroups/{id}"

	// RouteDatasets lists the Catalog datasets as a map keyed by dataset ID.
	RouteDatasets = "GET /data/foundation/catalog/dataSets"
	// RouteDataset looks up one dataset.
	RouteDataset = "GET /data/foundation/catalog/dataSets/{id}"
	// RouteCreateDataset creates a dataset.
	RouteCreateDataset = "POST /data/foundation/catalog/dataSets"
	// RouteDeleteDataset deletes a dataset.
	RouteDeleteDataset = "DELETE /data/foundation/catalog/dataSets/{id}"

	// RouteConnectionSpec looks up one Flow Service connection spec.
	RouteConnectionSpec = "GET /data/foundation/flowservice/connectionSpecs/{id}"
	// RouteSourceConnections lists source connections.
	RouteSourceConnections = "GET /data/foundation/flowservice/sourceConnections"
	// RouteSourceConnection looks up one source connection.
	RouteSourceConnection = "GET /data/foundation/flowservice/sourceConnections/{id}"
	// RouteCreateSourceConnection creates a source connection.
	RouteCreateSourceConnection = "POST /data/foundation/flowservice/sourceConnections"
	// RouteDeleteSourceConnection deletes a source connection.
	RouteDeleteSourceConnection = "DELETE /data/foundation/flowservice/sourceConnections/{id}"
	// RouteTargetConnections lists target connections.
	RouteTargetConnections = "GET /data/foundation/flowservice/targetConnections"
	// RouteTargetConnection looks up one target connection.
	RouteTargetConnection = "GET /data/foundation/flowservice/targetConnections/{id}"
	// RouteCreateTargetConnection creates a target connection.
	RouteCreateTargetConnection = "POST /data/foundation/flowservice/targetConnections"
	// RouteDeleteTargetConnection deletes a target connection.
	RouteDeleteTargetConnection = "DELETE /data/foundation/flowservice/targetConnections/{id}"
	// RouteFlows lists dataflows.
	RouteFlows = "GET /data/foundation/flowservice/flows"
	// RouteFlow looks up one dataflow, including options.inletUrl.
	RouteFlow = "GET /data/foundation/flowservice/flows/{id}"
	// RouteCreateFlow creates a dataflow.
	RouteCreateFlow = "POST /data/foundation/flowservice/flows"
	// RouteFlowAction enables or disables a dataflow (query parameter op).
	RouteFlowAction = "POST /data/foundation/flowservice/flows/{id}/action"
	// RouteDeleteFlow deletes a dataflow.
	RouteDeleteFlow = "DELETE /data/foundation/flowservice/flows/{id}"
	// RouteRuns lists dataflow runs (filter property=flowId==X).
	RouteRuns = "GET /data/foundation/flowservice/runs"

	// RouteValidateMappingSet validates a mapping set without storing it.
	RouteValidateMappingSet = "POST /data/foundation/conversion/mappingSets/validate"
	// RouteCreateMappingSet creates a mapping set.
	RouteCreateMappingSet = "POST /data/foundation/conversion/mappingSets"
	// RouteMappingSets lists mapping sets (limit and start are required).
	RouteMappingSets = "GET /data/foundation/conversion/mappingSets"
	// RouteMappingSet looks up one mapping set.
	RouteMappingSet = "GET /data/foundation/conversion/mappingSets/{id}"
	// RouteDeleteMappingSet deletes a mapping set. The published Data Prep spec
	// has no such operation, but the aepp wrapper calls it.
	RouteDeleteMappingSet = "DELETE /data/foundation/conversion/mappingSets/{id}"

	// RouteCollect is the streaming inlet that Customer.io webhooks post to.
	RouteCollect = "POST /collection/{inletId}"
)
