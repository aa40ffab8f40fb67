package contract

import (
	"net/http"
	"strings"
)

// The streaming inlet's spec models the XDM envelope ({header, body}), but a
// dataflow with a mapping, such as the Customer.io source, receives raw JSON:
// Customer.io posts each event as is to {inletUrl}?x-adobe-flow-id={flowId}.
// Such posts are checked against Customer.io's reporting-webhook schema
// instead, and the envelope mismatch is recorded as tolerated.

const (
	streamingSpecName = "streaming-ingestion.yaml"
	collectPath       = "/collection/{CONNECTION_ID}"
	flowIDParameter   = "x-adobe-flow-id"

	// whereCustomerIOEvent locates a raw inlet body that fails Customer.io's schema.
	whereCustomerIOEvent = "body (Customer.io event)"
)

// isRawInletPost reports whether req posts raw JSON to a dataflow's inlet:
// the flow ID in the query or a header marks a post that bypasses the envelope.
func isRawInletPost(spec *Spec, routePath string, req *http.Request) bool {
	if spec.Name != streamingSpecName || routePath != collectPath {
		return false
	}
	return req.URL.Query().Get(flowIDParameter) != "" || req.Header.Get(flowIDParameter) != ""
}

// checkRawInletBody records the envelope mismatch, which the deviation
// "inlet-raw-json" tolerates, and validates the body as a Customer.io event.
func (ex *exchange) checkRawInletBody(schema *CustomerIOSchema, body []byte) {
	ex.add(Violation{
		Side:    Request,
		Kind:    KindBody,
		Where:   "body",
		Keyword: "$ref",
		Message: "raw JSON instead of the XDM envelope streamingMessage",
	})

	if err := schema.Validate(body); err != nil {
		ex.add(Violation{
			Side:    Request,
			Kind:    KindBody,
			Where:   whereCustomerIOEvent,
			Message: strings.TrimSpace(err.Error()),
		})
	}
}
