package setup

import (
	"maps"
	"strings"

	"github.com/cioaep/setup/flows/aep"
)

// TimestampExpression is the Data Prep expression that turns Customer.io's
// unix-seconds timestamp into the XDM timestamp (date-time) every
// ExperienceEvent needs.
//
// NOTE: unconfirmed. dformat takes epoch milliseconds, and arithmetic inside a
// Data Prep expression has not been checked against a real org. The mapping
// set is validated by Adobe before it is created, so a rejected expression
// stops the setup before the dataflow exists.
const TimestampExpression = `dformat(timestamp * 1000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`

// readyMadeNamespace is the object under the tenant namespace that holds the
// ready-made Customer.io fields: _{tenantId}.customerio.
const readyMadeNamespace = "customerio"

// xdmLong is the XDM "long" field constraint: an integer with the range of a
// JavaScript safe integer. Unix seconds outgrow a 32-bit integer in 2038.
var xdmLong = map[string]any{"type": "integer", "minimum": -9007199254740991, "maximum": 9007199254740991}

// readyMadeField is one field of the ready-made Customer.io field group.
type readyMadeField struct {
	source string // path in the Customer.io event, such as data.identifiers.email
	path   string // path below _{tenantId}.customerio, dot-separated
	title  string
	long   bool // an XDM long (integer) rather than a string
}

// readyMadeFields lists the Customer.io reporting event fields the ready-made
// field group stores and the mapping fills.
//
// Customer.io sends several IDs as numbers in one event type and strings in
// another (campaign_id, journey_id), so every ID field is a string.
// NOTE: that Data Prep converts a JSON number into a string field is
// unconfirmed; Adobe validates the mapping set before it is created.
//
// No field is required: Customer.io test events lack cio_id, and most fields
// exist only for some event types.
var readyMadeFields = []readyMadeField{
	{source: "event_id", path: "eventId", title: "Event ID"},
	{source: "object_type", path: "objectType", title: "Object type"},
	{source: "metric", path: "metric", title: "Metric"},
	{source: "timestamp", path: "unixTime", title: "Event time (unix seconds)", long: true},
	{source: "data.customer_id", path: "customerId", title: "Customer ID"},
	{source: "data.identifiers.id", path: "identifiers.id", title: "Identifier: ID"},
	{source: "data.identifiers.email", path: "identifiers.email", title: "Identifier: email"},
	{source: "data.identifiers.cio_id", path: "identifiers.cioId", title: "Identifier: cio_id"},
	{source: "data.delivery_id", path: "deliveryId", title: "Delivery ID"},
	{source: "data.campaign_id", path: "campaignId", title: "Campaign ID"},
	{source: "data.action_id", path: "actionId", title: "Action ID"},
	{source: "data.broadcast_id", path: "broadcastId", title: "Broadcast ID"},
	{source: "data.journey_id", path: "journeyId", title: "Journey ID"},
	{source: "data.newsletter_id", path: "newsletterId", title: "Newsletter ID"},
	{source: "data.transactional_message_id", path: "transactionalMessageId", title: "Transactional message ID"},
	{source: "data.recipient", path: "recipient", title: "Recipient"},
	{source: "data.subject", path: "subject", title: "Subject"},
	{source: "data.href", path: "href", title: "Link URL"},
	{source: "data.link_id", path: "linkId", title: "Link ID", long: true},
	{source: "data.failure_message", path: "failureMessage", title: "Failure message"},
}

// tenantNamespace returns the XDM namespace of a tenant's custom fields, such
// as "_acme" for tenant "acme".
func tenantNamespace(tenantID string) string {
	return "_" + tenantID
}

// readyMadeTargetPath returns the full XDM path of a ready-made field.
func readyMadeTargetPath(tenantID string, f readyMadeField) string {
	return tenantNamespace(tenantID) + "." + readyMadeNamespace + "." + f.path
}

// readyMadeFieldGroup returns the ready-made Customer.io field group for a
// tenant. It extends ExperienceEvent and puts every field under
// _{tenantId}.customerio.
func readyMadeFieldGroup(tenantID, title string) aep.FieldGroupSpec {
	fields := map[string]any{}
	for _, f := range readyMadeFields {
		insertField(fields, strings.Split(f.path, "."), f)
	}

	tenant := map[string]any{
		"type": "object",
		"properties": map[string]any{
			readyMadeNamespace: map[string]any{"type": "object", "properties": fields},
		},
	}

	return aep.FieldGroupSpec{
		Title:            title,
		Description:      "Customer.io reporting webhook event fields, created by cio-aep-setup",
		IntendedToExtend: []string{aep.ExperienceEventClass},
		Properties:       map[string]any{tenantNamespace(tenantID): tenant},
	}
}

// insertField adds one field to a tree of XDM object properties, creating
// the intermediate objects on the way.
func insertField(properties map[string]any, path []string, f readyMadeField) {
	if len(path) == 1 {
		properties[path[0]] = fieldDefinition(f)
		return
	}

	child, ok := properties[path[0]].(map[string]any)
	if !ok {
		child = map[string]any{"type": "object", "properties": map[string]any{}}
		properties[path[0]] = child
	}
	insertField(child["properties"].(map[string]any), path[1:], f)
}

func fieldDefinition(f readyMadeField) map[string]any {
	definition := map[string]any{
		"title":       f.title,
		"description": "Customer.io field " + f.source,
		"type":        "string",
	}
	if f.long {
		maps.Copy(definition, xdmLong)
	}
	return definition
}

// readyMadeSchema returns the ready-made schema: the ExperienceEvent class
// plus the ready-made field group.
func readyMadeSchema(title, fieldGroupID string) aep.SchemaSpec {
	return aep.SchemaSpec{
		Title:         title,
		Description:   "Customer.io reporting webhook events, created by cio-aep-setup",
		Class:         aep.ExperienceEventClass,
		FieldGroupIDs: []string{fieldGroupID},
	}
}

// ReadyMadeMappings returns the mapping of the ready-made schema for a
// tenant: _id from event_id, the XDM timestamp computed from the unix-seconds
// timestamp, and every Customer.io field to its path under
// _{tenantId}.customerio.
func ReadyMadeMappings(tenantID string) []aep.Mapping {
	mappings := []aep.Mapping{
		{SourceType: aep.MappingAttribute, Source: "event_id", Destination: "_id"},
		{SourceType: aep.MappingExpression, Source: TimestampExpression, Destination: "timestamp"},
	}
	for _, f := range readyMadeFields {
		mappings = append(mappings, aep.Mapping{
			SourceType:  aep.MappingAttribute,
			Source:      f.source,
			Destination: readyMadeTargetPath(tenantID, f),
		})
	}
	return mappings
}
