package sim

import (
	"net/http"
	"time"
)

// InletEvent is one post the streaming inlet received.
type InletEvent struct {
	InletID    string
	FlowID     string
	ReceivedAt time.Time

	// Status is the HTTP status the inlet returned.
	Status int
	// Reason says why the inlet rejected the post. It is empty when accepted.
	Reason RejectReason

	// MappingErrors lists why the flow's mapping failed for an accepted event.
	// The flow's runs count such an event as a failed record.
	MappingErrors []string

	Body []byte
}

// RejectReason is the machine-readable cause of a rejected inlet post.
type RejectReason string

func (p *Platform) newInletHandler() http.Handler {
	return http.NotFoundHandler()
}
