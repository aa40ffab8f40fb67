package sim

import (
	"fmt"
	"net/http"
	"strconv"
)

// service is the Adobe service behind a route. It decides the error body shape.
type service int

const (
	serviceIMS service = iota
	serviceSandbox
	serviceCatalog
	serviceSchemaRegistry
	serviceFlow
	serviceDataPrep
	serviceInlet
)

// Gateway error codes and messages, returned as {"error_code","message"} by the
// Adobe I/O gateway in front of every Platform service.
//
// NOTE: Adobe's troubleshooting guide lists the codes and their meaning, but
// only the 401013 message is confirmed. The other messages and every HTTP
// status are inferred from the code prefix.
const (
	codeTokenMissing   = "403010"
	codeTokenInvalid   = "401013"
	codeAPIKeyMissing  = "403000"
	codeAPIKeyInvalid  = "403003"
	codeOrgMissing     = "400003"
	codeNotEntitled    = "403025"
	codeRouteNotFound  = "404050"
	codeTooManyRequest = "429050"
)

var gatewayMessages = map[string]string{
	codeTokenMissing:   "Oauth token is missing.",
	codeTokenInvalid:   "Oauth token is not valid",
	codeAPIKeyMissing:  "Api Key is required",
	codeAPIKeyInvalid:  "Api Key is invalid",
	codeOrgMissing:     "Missing header x-gw-ims-org-id",
	codeNotEntitled:    "Profile is not valid",
	codeRouteNotFound:  "Resource not found",
	codeTooManyRequest: "Too many requests",
}

// contentTypeMessage is the documented detail when a write has no valid
// Content-Type header.
const contentTypeMessage = "A valid content-type must be specified"

// Error type URL prefixes. Flow Service, the Schema Registry and the sandbox API
// are documented. NOTE: the Catalog, Data Prep and streaming inlet error bodies
// are not documented, so the simulator gives them the same problem shape with the
// prefixes CAT, DPREP and a data-collection-service problem type.
const (
	flowErrorType    = "https://ns.adobe.com/aep/errors/FLOW-%s-%d"
	xdmErrorType     = "http://ns.adobe.com/aep/errors/XDM-%s-%d"
	sandboxErrorType = "http://ns.adobe.com/aep/errors/SMS-%s-%d"
	catalogErrorType = "https://ns.adobe.com/aep/errors/CAT-%s-%d"
	dataPrepType     = "https://ns.adobe.com/aep/errors/DPREP-%s-%d"
	inletErrorType   = "https://ns.adobe.com/adobecloud/problem/data-collection-service-%s"
)

// defaultCode returns the service's code for a status when a fault or a check
// gives none. Flow Service codes 1102, 1103 and 1104 are documented. The rest
// are the simulator's own.
func defaultCode(svc service, status int) string {
	switch svc {
	case serviceIMS:
		switch {
		case status == http.StatusServiceUnavailable:
			return "temporarily_unavailable"
		case status >= 500:
			return "server_error"
		case status == http.StatusUnauthorized:
			return "invalid_client"
		default:
			return "invalid_request"
		}
	case serviceFlow:
		switch status {
		case http.StatusInternalServerError:
			return "1102"
		case http.StatusServiceUnavailable:
			return "1103"
		case http.StatusGatewayTimeout:
			return "1104"
		case http.StatusNotFound:
			return "1439"
		}
		return "1400"
	case serviceSchemaRegistry:
		if status == http.StatusNotFound {
			return "1012"
		}
		return "1000"
	case serviceSandbox:
		return "2000"
	case serviceInlet:
		return "error"
	}
	return "1000"
}

// apiError is a rejected call, written in the shape of the route's service.
type apiError struct {
	status  int
	code    string
	message string

	// gateway selects the gateway shape {"error_code","message"}.
	gateway bool

	// resourceID and resourceType fill report.id and report.type in Flow
	// Service errors about one resource.
	resourceID   string
	resourceType string

	// raw, when set, is written as the body instead of the service's shape.
	raw any
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

func gatewayError(status int, code string) *apiError {
	return &apiError{status: status, code: code, message: gatewayMessages[code], gateway: true}
}

func newError(status int, code, message string) *apiError {
	return &apiError{status: status, code: code, message: message}
}

// body returns the JSON body for the error in the shape of svc.
func (e *apiError) body(svc service, requestID string, now func() string) any {
	if e.raw != nil {
		return e.raw
	}
	if e.gateway {
		return map[string]any{"error_code": e.code, "message": e.message}
	}

	title := http.StatusText(e.status)
	switch svc {
	case serviceIMS:
		return map[string]any{"error": e.code, "error_description": e.message}

	case serviceFlow:
		if e.status == http.StatusNotFound {
			title = "Resource not found"
		}
		report := map[string]any{"detailed-message": e.message, "request-id": requestID}
		if e.resourceID != "" {
			report["id"] = e.resourceID
		}
		if e.resourceType != "" {
			report["type"] = e.resourceType
		}
		return map[string]any{
			"type":         fmt.Sprintf(flowErrorType, e.code, e.status),
			"title":        title,
			"status":       e.status,
			"report":       report,
			"errorMessage": e.message,
			"errorDetails": e.message,
		}

	case serviceSchemaRegistry:
		return map[string]any{
			"type":   fmt.Sprintf(xdmErrorType, e.code, e.status),
			"title":  title,
			"status": e.status,
			"report": map[string]any{
				"registryRequestId": requestID,
				"timestamp":         now(),
				"detailed-message":  e.message,
				"sub-errors":        []any{},
			},
			"detail": e.message,
		}

	case serviceSandbox:
		return map[string]any{
			"type":   fmt.Sprintf(sandboxErrorType, e.code, e.status),
			"title":  title,
			"status": e.status,
			"detail": e.message,
		}

	case serviceInlet:
		// The documented 401 body of authenticated inlets gives status as a string.
		return map[string]any{
			"type":   fmt.Sprintf(inletErrorType, e.code),
			"status": strconv.Itoa(e.status),
			"title":  title,
			"report": map[string]any{"message": e.message},
		}
	}

	typeFormat := catalogErrorType
	if svc == serviceDataPrep {
		typeFormat = dataPrepType
	}
	return map[string]any{
		"type":   fmt.Sprintf(typeFormat, e.code, e.status),
		"title":  title,
		"status": e.status,
		"detail": e.message,
		"report": map[string]any{"request-id": requestID},
	}
}

// contentTypeError is the gateway's problem body for a write without a valid
// Content-Type. It has the same shape for every service.
func contentTypeError() map[string]any {
	return map[string]any{
		"type":   "https://ns.adobe.com/aep/errors/400",
		"status": http.StatusBadRequest,
		"title":  "BadRequestError",
		"detail": contentTypeMessage,
	}
}
