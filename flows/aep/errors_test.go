package aep

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestErrorCauses(t *testing.T) {
	tests := []struct {
		name       string
		op         string
		status     int
		body       string
		cause      Cause
		code       string
		message    string
		permission string
		requestID  string
	}{
		{
			name: "wrong client secret", op: "Connect", status: 400,
			body:  `{"error": "invalid_client", "error_description": "invalid client_secret parameter"}`,
			cause: CauseInvalidClient, code: "invalid_client", message: "invalid client_secret parameter",
		},
		{
			name: "wrong client id", op: "Connect", status: 400,
			body:  `{"error": "invalid_client", "error_description": "invalid client_id parameter"}`,
			cause: CauseInvalidClient, code: "invalid_client", message: "invalid client_id parameter",
		},
		{
			name: "JWT credential", op: "Connect", status: 400,
			body:  `{"error": "unauthorized_client", "error_description": "Client not authorized for grant"}`,
			cause: CauseUnauthorizedClient, code: "unauthorized_client",
		},
		{
			name: "scope not allowed", op: "Connect", status: 400,
			body:  `{"error": "invalid_scope", "error_description": "Invalid scope"}`,
			cause: CauseInvalidScope, code: "invalid_scope",
		},
		{
			name: "malformed token request", op: "Connect", status: 400,
			body:  `{"error": "invalid_request", "error_description": "missing grant_type"}`,
			cause: CauseInvalidRequest, code: "invalid_request",
		},
		{
			name: "API not added to project", op: "ListSandboxes", status: 403,
			body:  `{"error_code": "403003", "message": "Api Key is invalid"}`,
			cause: CauseAPINotAdded, code: "403003", message: "Api Key is invalid",
		},
		{
			name: "API key missing", op: "ListSandboxes", status: 403,
			body:  `{"error_code": "403000", "message": "Api Key is required"}`,
			cause: CauseAPINotAdded, code: "403000",
		},
		{
			name: "not entitled", op: "ListSandboxes", status: 403,
			body:  `{"error_code": "403025", "message": "Profile is not valid"}`,
			cause: CauseNotEntitled, code: "403025",
		},
		{
			name: "org header missing", op: "ListSandboxes", status: 400,
			body:  `{"error_code": "400003", "message": "Organization ID is required"}`,
			cause: CauseOrgHeader, code: "400003",
		},
		{
			name: "error code as number", op: "ListSandboxes", status: 403,
			body:  `{"error_code": 403025, "message": "Profile is not valid"}`,
			cause: CauseNotEntitled, code: "403025",
		},
		{
			name: "token expired", op: "ListSandboxes", status: 401,
			body:  `{"error_code": "401013", "message": "Oauth token is not valid"}`,
			cause: CauseTokenExpired, code: "401013",
		},
		{
			name: "sandbox not found 2100", op: "GetFlow", status: 404,
			body:  problem("FLOW-2100-404", 404, "Sandbox not found"),
			cause: CauseSandboxNotFound, code: "FLOW-2100-404", message: "Sandbox not found", requestID: "req-body-1",
		},
		{
			name: "sandbox not found 2103", op: "GetFlow", status: 404,
			body:  problem("FLOW-2103-404", 404, "Sandbox name is invalid"),
			cause: CauseSandboxNotFound, code: "FLOW-2103-404",
		},
		{
			name: "missing permission 2118", op: "CreateFlow", status: 403,
			body:  problem("FLOW-2118-403", 403, "User does not have manage permission"),
			cause: CauseMissingPermission, code: "FLOW-2118-403", permission: "Manage Sources",
		},
		{
			name: "missing permission 2120", op: "FindFlowByName", status: 403,
			body:  problem("FLOW-2120-403", 403, "User does not have view permission"),
			cause: CauseMissingPermission, code: "FLOW-2120-403", permission: "View Sources",
		},
		{
			name: "missing permission 2121", op: "CreateSourceConnection", status: 403,
			body:  problem("FLOW-2121-403", 403, "Missing permission"),
			cause: CauseMissingPermission, code: "FLOW-2121-403", permission: "Manage Sources",
		},
		{
			name: "source not provisioned", op: "CheckCustomerIOSource", status: 400,
			body:  problem("FLOW-1100-400", 400, "Not entitled to use connection spec"),
			cause: CauseSourceNotProvisioned, code: "FLOW-1100-400",
		},
		{
			name: "connection spec 404", op: "CheckCustomerIOSource", status: 404,
			body:  problem("FLOW-1101-404", 404, "Connection spec not found"),
			cause: CauseSourceNotProvisioned, code: "FLOW-1101-404",
		},
		{
			name: "schema mismatch", op: "CreateFlow", status: 400,
			body:  problem("FLOW-1425-400", 400, "Schema in mapping differs from dataset schema"),
			cause: CauseSchemaMismatch, code: "FLOW-1425-400",
		},
		{
			name: "flow not found", op: "GetFlow", status: 404,
			body:  problem("FLOW-1439-404", 404, "Resource not found"),
			cause: CauseNotFound, code: "FLOW-1439-404",
		},
		{
			name: "schema not found", op: "GetSchema", status: 404,
			body: `{"type": "http://ns.adobe.com/aep/errors/XDM-1012-404", "title": "Resource Not Found", "status": 404,
				"report": {"registryRequestId": "reg-1", "detailed-message": "Schema not found"}, "detail": "Not found"}`,
			cause: CauseNotFound, code: "XDM-1012-404", message: "Schema not found", requestID: "reg-1",
		},
		{
			name: "schema accept header", op: "ListSchemas", status: 400,
			body:  `{"type": "http://ns.adobe.com/aep/errors/XDM-1006-400", "title": "Invalid Accept", "status": 400, "detail": "The supplied Accept header is not valid"}`,
			cause: CauseOther, code: "XDM-1006-400", message: "The supplied Accept header is not valid",
		},
		{
			name: "sandbox API error", op: "ListSandboxes", status: 400,
			body:  `{"status": 400, "title": "Invalid paging", "type": "http://ns.adobe.com/aep/errors/SMS-2074-400"}`,
			cause: CauseOther, code: "SMS-2074-400", message: "Invalid paging",
		},
		{
			name: "content type missing", op: "CreateDataset", status: 400,
			body:  `{"type": "https://ns.adobe.com/aep/errors/bad-request", "status": 400, "title": "BadRequestError", "detail": "A valid content-type must be specified"}`,
			cause: CauseOther, message: "A valid content-type must be specified",
		},
		{
			name: "HTML error page", op: "ListDatasets", status: 502,
			body:  "<html><body>Bad Gateway\n at com.adobe.Foo(Foo.java:12)</body></html>",
			cause: CauseOther, message: "Bad Gateway",
		},
		{
			name: "empty 404", op: "GetDataset", status: 404,
			body:  "",
			cause: CauseNotFound, message: "Not Found",
		},
	}

	env := newTestEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			r := &request{op: tt.op, sandbox: "dev"}
			e := env.client.decodeError(r, tt.status, header, []byte(tt.body))

			if e.Cause != tt.cause {
				t.Errorf("cause = %q, want %q", e.Cause, tt.cause)
			}
			if e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if tt.message != "" && e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if e.Permission != tt.permission {
				t.Errorf("permission = %q, want %q", e.Permission, tt.permission)
			}
			if tt.requestID != "" && e.RequestID != tt.requestID {
				t.Errorf("request id = %q, want %q", e.RequestID, tt.requestID)
			}
			if e.Status != tt.status {
				t.Errorf("status = %d, want %d", e.Status, tt.status)
			}
			if strings.Contains(e.Error(), "Foo.java") {
				t.Errorf("error text %q contains the raw body", e.Error())
			}
		})
	}
}

// problem returns a Flow Service problem body with the given code.
func problem(code string, status int, message string) string {
	return fmt.Sprintf(`{"type": "https://ns.adobe.com/aep/errors/%s", "title": "Error", "status": %d,
		"report": {"detailed-message": %q, "request-id": "req-body-1"}, "errorMessage": %q}`,
		code, status, message, message)
}

func TestErrorInvalidScopeCarriesScopes(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.Credentials.Scopes = "openid, AdobeID\nsession" })
	env.ims.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_scope", "error_description": "Invalid scope: session"})
	})

	err := env.client.Connect(context.Background())
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	if e.Cause != CauseInvalidScope {
		t.Errorf("cause = %q, want invalid_scope", e.Cause)
	}
	if e.Scopes != "openid,AdobeID,session" {
		t.Errorf("scopes = %q, want the normalized scopes sent", e.Scopes)
	}
	if e.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", e.Attempts)
	}
}

func TestErrorTextHasNoSecret(t *testing.T) {
	env := newTestEnv(t)
	env.ims.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A service that echoes the secret must not get it into the error.
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error":             "invalid_client",
			"error_description": "invalid client_secret parameter " + testClientSecret,
		})
	})

	err := env.client.Connect(context.Background())
	if err == nil {
		t.Fatal("Connect succeeded, want an error")
	}
	if strings.Contains(err.Error(), testClientSecret) {
		t.Errorf("error text %q contains the client secret", err.Error())
	}
	if CauseOf(err) != CauseInvalidClient {
		t.Errorf("cause = %q, want invalid_client", CauseOf(err))
	}
}

func TestIsNotFound(t *testing.T) {
	if !IsNotFound(&Error{Cause: CauseNotFound}) {
		t.Error("IsNotFound(not_found) = false")
	}
	if IsNotFound(&Error{Cause: CauseOther}) {
		t.Error("IsNotFound(other) = true")
	}
	if IsNotFound(nil) {
		t.Error("IsNotFound(nil) = true")
	}
	if IsNotFound(errors.New("plain")) {
		t.Error("IsNotFound(plain error) = true")
	}
}
