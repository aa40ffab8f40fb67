package sim

import (
	"encoding/json"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// maxInletBody is the largest body the streaming inlet accepts.
// NOTE: Adobe documents "1 MB" without saying whether that is 10^6 or 2^20
// bytes, so the simulator uses 2^20.
const maxInletBody = 1 << 20

// InletEvent is one post the streaming inlet received.
type InletEvent struct {
	InletID    string
	FlowID     string // from x-adobe-flow-id, also when no such flow exists
	ReceivedAt time.Time

	// Status is the HTTP status the inlet returned.
	Status int
	// Reason is the machine-readable cause of a rejection. It is empty for an
	// accepted post.
	Reason RejectReason

	// MappingErrors lists why the flow's mapping fails for an accepted event.
	// The flow's runs count such an event as a failed record.
	MappingErrors []MappingError

	// Body is the raw request body. It is nil for a body over the size limit.
	Body []byte
}

// Accepted reports whether the inlet accepted the post.
func (e InletEvent) Accepted() bool { return e.Reason == "" }

// RejectReason is the machine-readable cause of a rejected inlet post. The
// inlet's error body carries it in its problem type.
type RejectReason string

// Reasons the inlet rejects a post.
const (
	RejectUnknownInlet  RejectReason = "unknown-inlet"        // 400: no inlet with this ID
	RejectMissingFlowID RejectReason = "missing-flow-id"      // 400: no x-adobe-flow-id
	RejectUnknownFlow   RejectReason = "unknown-flow"         // 400: the flow does not exist or uses another inlet
	RejectContentType   RejectReason = "invalid-content-type" // 400: Content-Type is not JSON
	RejectTooLarge      RejectReason = "payload-too-large"    // 413: body over 1 MB
	RejectInvalidJSON   RejectReason = "invalid-json"         // 400: body is not valid JSON
	RejectFlowDisabled  RejectReason = "flow-disabled"        // 400: the flow is disabled
)

// eventRecord is an InletEvent with the sandbox of its flow, for runs.
type eventRecord struct {
	InletEvent
	sandbox string
	bytes   int
}

func (p *Platform) newInletHandler() http.Handler {
	return p.serve(serviceInlet, []*endpoint{
		{route: RouteCollect, svc: serviceInlet, public: true, handle: p.collect},
	})
}

// collect accepts one raw JSON event for a streaming flow. The flow ID comes
// from the x-adobe-flow-id query parameter or header.
//
// A disabled flow's inlet rejects posts with 400, so that a sender notices.
// NOTE: Adobe does not document what the inlet of a disabled flow returns.
func (p *Platform) collect(c *call) {
	rec := eventRecord{InletEvent: InletEvent{
		InletID:    c.r.PathValue("inletId"),
		FlowID:     c.r.URL.Query().Get("x-adobe-flow-id"),
		ReceivedAt: c.now,
	}}
	if rec.FlowID == "" {
		rec.FlowID = c.r.Header.Get("x-adobe-flow-id")
	}

	body, readErr := io.ReadAll(io.LimitReader(c.r.Body, maxInletBody+1))
	tooLarge := len(body) > maxInletBody
	if !tooLarge {
		rec.Body = body
	}
	rec.bytes = len(body)

	p.mu.Lock()
	f := p.state.inlets[rec.InletID]
	reason, message := p.checkInletPost(c, f, rec.FlowID, body, readErr, tooLarge)
	var event any
	if reason == "" {
		_ = json.Unmarshal(body, &event) // checkInletPost has validated the JSON
		rec.sandbox = f.sandbox
		rec.MappingErrors = p.mapFlowEvent(f, event)
	}
	rec.Reason = reason
	rec.Status = http.StatusOK
	if reason != "" {
		rec.Status = http.StatusBadRequest
		if reason == RejectTooLarge {
			rec.Status = http.StatusRequestEntityTooLarge
		}
	}
	p.state.events = append(p.state.events, rec)
	p.mu.Unlock()

	if reason != "" {
		c.fail(&apiError{status: rec.Status, code: string(reason), message: message})
		return
	}

	p.log.Debug("inlet accepted event", "inlet_id", rec.InletID, "flow_id", rec.FlowID,
		"request_id", c.id, "mapping_errors", len(rec.MappingErrors))
	received := c.now.UnixMilli()
	c.json(http.StatusOK, map[string]any{
		"inletId": rec.InletID,
		// The spec names the field inletID, but Adobe's examples write inletId.
		"inletID":        rec.InletID,
		"xactionId":      fmt.Sprintf("%d:%d:%d", received, mathrand.IntN(10000), mathrand.IntN(1000)),
		"receivedTimeMs": received,
	})
}

// checkInletPost returns why the inlet rejects a post, or "" to accept it.
// p.mu is held.
func (p *Platform) checkInletPost(c *call, f *flow, flowID string, body []byte, readErr error, tooLarge bool) (RejectReason, string) {
	mediaType, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))

	switch {
	case f == nil:
		return RejectUnknownInlet, "inlet " + c.r.PathValue("inletId") + " does not exist"
	case flowID == "":
		return RejectMissingFlowID, "x-adobe-flow-id is required for raw JSON data, as a query parameter or header"
	case flowID != f.id:
		return RejectUnknownFlow, "flow " + flowID + " does not exist or does not use inlet " + f.inletID
	case mediaType != "application/json":
		return RejectContentType, "Content-Type must be application/json, got " + strconv.Quote(c.r.Header.Get("Content-Type"))
	case tooLarge:
		return RejectTooLarge, fmt.Sprintf("the payload is larger than %d bytes", maxInletBody)
	case readErr != nil:
		return RejectInvalidJSON, "reading the body failed: " + readErr.Error()
	case !json.Valid(body):
		return RejectInvalidJSON, "the body is not valid JSON"
	case f.state != "enabled":
		return RejectFlowDisabled, "flow " + f.id + " is disabled"
	}
	return "", ""
}

// mapFlowEvent applies the flow's mapping set to an event. p.mu is held.
func (p *Platform) mapFlowEvent(f *flow, event any) []MappingError {
	sb := p.state.sandboxes[f.sandbox]
	ms := sb.mappingSets[f.mappingID]
	if ms == nil {
		return []MappingError{{Code: mapperErrorCode, Message: "mapping set " + f.mappingID + " no longer exists"}}
	}
	s := sb.schemas[ms.schemaID]
	if s == nil {
		return []MappingError{{Code: mapperErrorCode, Message: "schema " + ms.schemaID + " no longer exists"}}
	}
	return mapEvent(ms, s, sb.schemaFields(s), event)
}
