package contract

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Side names the half of an HTTP exchange a violation was found in.
type Side string

// The two halves of an exchange: the client's request and the server's response.
const (
	Request  Side = "request"
	Response Side = "response"
)

// Kind classifies a violation.
type Kind string

// Violation kinds.
const (
	// KindNoOperation means no operation of any spec matches the method and path.
	KindNoOperation Kind = "no-operation"
	// KindParameter means a declared path, query or header parameter is missing or invalid.
	KindParameter Kind = "parameter"
	// KindContentType means the body's media type is not one the operation declares.
	KindContentType Kind = "content-type"
	// KindBody means the body does not match its schema (type, enum, required, format...).
	KindBody Kind = "body"
	// KindUndeclared means the body has an object property its schema does not declare.
	KindUndeclared Kind = "undeclared-property"
	// KindStatus means the response status is not declared for the operation.
	KindStatus Kind = "status"
	// KindHeader means a declared response header is missing or invalid.
	KindHeader Kind = "header"
)

// Violation is one way an exchange breaks the contract of its operation.
type Violation struct {
	// Route is "METHOD /gateway/path/{PARAM}" with the spec's parameter names,
	// or the concrete method and path when no operation matched.
	Route string
	Side  Side
	Kind  Kind
	// Where locates the problem: "query subOp", "header x-api-key",
	// "body /items/0/options" (a JSON pointer), "status 418".
	Where string
	// Keyword is the JSON Schema keyword that failed ("type", "enum",
	// "required"...), empty for other kinds.
	Keyword string
	// Message is the validator's reason. It quotes a body value only for
	// gateway and inlet bodies, never a header, query or IMS form value.
	Message string
	// Status is the response status of the exchange, 0 when the handler
	// returned no response.
	Status int
	// RequestID is the response's x-request-id header, for matching logs.
	RequestID string
	// Deviation is the ID of the Deviations entry that tolerates this
	// violation, empty when nothing does.
	Deviation string

	// value is the offending value as JSON, kept for Deviation.Values and
	// empty for header and IMS values.
	value string
}

// String formats the violation for a test failure message.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s", v.Route, v.Side, v.Kind)
	if v.Where != "" {
		fmt.Fprintf(&b, " at %s", v.Where)
	}
	if v.Keyword != "" {
		fmt.Fprintf(&b, " (%s)", v.Keyword)
	}
	fmt.Fprintf(&b, ": %s", v.Message)
	if v.Status != 0 {
		fmt.Fprintf(&b, " [status %d", v.Status)
		if v.RequestID != "" {
			fmt.Fprintf(&b, ", request id %s", v.RequestID)
		}
		b.WriteString("]")
	}
	if v.Deviation != "" {
		fmt.Fprintf(&b, " tolerated by %q", v.Deviation)
	}
	return b.String()
}

// maxQuotedValue bounds how much of an offending body value a message quotes.
const maxQuotedValue = 120

func quoteValue(value any) string {
	data, err := json.Marshal(value)
	if err != nil {
		return ""
	}
	if len(data) > maxQuotedValue {
		return string(data[:maxQuotedValue]) + "…"
	}
	return string(data)
}

// bodyPointer formats a JSON pointer from its unescaped tokens.
func bodyPointer(tokens []string) string {
	var b strings.Builder
	for _, token := range tokens {
		b.WriteByte('/')
		token = strings.ReplaceAll(token, "~", "~0")
		b.WriteString(strings.ReplaceAll(token, "/", "~1"))
	}
	return b.String()
}

// SameRoute reports whether two route names denote the same operation,
// ignoring the names of their path parameters: "GET /flows/{id}" and
// "GET /flows/{FLOW_ID}" are the same route.
func SameRoute(a, b string) bool {
	return normalizeRoute(a) == normalizeRoute(b)
}

func normalizeRoute(route string) string {
	method, routePath, _ := strings.Cut(route, " ")
	segments := strings.Split(routePath, "/")
	for i, segment := range segments {
		if strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}") {
			segments[i] = "{}"
		}
	}
	return strings.ToUpper(method) + " " + strings.Join(segments, "/")
}
