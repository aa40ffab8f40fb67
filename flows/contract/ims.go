package contract

import (
	"context"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// imsSpecName names the hand-written IMS contract among the loaded specs.
const imsSpecName = "ims-token-v3 (hand-written)"

// imsTokenPath is the OAuth Server-to-Server token endpoint of Adobe IMS.
const imsTokenPath = "/ims/token/v3"

// imsCredentialFields must travel in the form body: Adobe accepts them in
// the query string too but recommends the body because query strings get
// logged, so the contract rejects them there.
var imsCredentialFields = []string{"client_id", "client_secret"}

// imsSpec builds the contract of the IMS token call. Adobe publishes no
// OpenAPI file for IMS, so this document is written from Adobe's prose
// documentation of the call: a form POST of grant_type=client_credentials,
// client_id, client_secret and a comma-separated scope. The response is
// {access_token, token_type: bearer, expires_in in seconds} or an OAuth 2
// error body.
func imsSpec() (*Spec, error) {
	nonEmpty := func() *openapi3.Schema { return openapi3.NewStringSchema().WithMinLength(1) }

	form := openapi3.NewObjectSchema().
		WithProperty("grant_type", openapi3.NewStringSchema().WithEnum("client_credentials")).
		WithProperty("client_id", nonEmpty()).
		WithProperty("client_secret", nonEmpty()).
		WithProperty("scope", nonEmpty())
	form.Required = []string{"grant_type", "client_id", "client_secret", "scope"}

	token := openapi3.NewObjectSchema().
		WithProperty("access_token", nonEmpty()).
		WithProperty("token_type", openapi3.NewStringSchema().WithEnum("bearer")).
		WithProperty("expires_in", openapi3.NewIntegerSchema().WithMin(1))
	token.Required = []string{"access_token", "token_type", "expires_in"}

	oauthError := openapi3.NewObjectSchema().
		WithProperty("error", openapi3.NewStringSchema().WithEnum(
			"invalid_client", "unauthorized_client", "invalid_scope", "invalid_request", "invalid_grant", "unsupported_grant_type",
		)).
		WithProperty("error_description", openapi3.NewStringSchema())
	oauthError.Required = []string{"error"}

	operation := openapi3.NewOperation()
	operation.OperationID = "imsTokenV3"
	operation.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().
		WithRequired(true).
		WithContent(openapi3.Content{"application/x-www-form-urlencoded": openapi3.NewMediaType().WithSchema(form)}),
	}
	operation.Responses = openapi3.NewResponses(
		openapi3.WithStatus(http.StatusOK, &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("Access token").
			WithJSONSchema(token)}),
		// NOTE: only 400 is documented for IMS errors (invalid_client); the
		// status of invalid_scope and invalid_request is unconfirmed.
		openapi3.WithStatus(http.StatusBadRequest, &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("OAuth 2 error").
			WithJSONSchema(oauthError)}),
	)

	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info:    &openapi3.Info{Title: "Adobe IMS token (hand-written)", Version: "3"},
		Servers: openapi3.Servers{{URL: "/"}},
	}
	doc.AddOperation(imsTokenPath, http.MethodPost, operation)

	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("hand-written IMS contract: %w", err)
	}
	routersByMethod, err := methodRouters(doc)
	if err != nil {
		return nil, fmt.Errorf("hand-written IMS contract: %w", err)
	}
	return &Spec{Name: imsSpecName, BasePath: "", Doc: doc, routers: routersByMethod}, nil
}

// checkIMSQuery adds a violation for each credential sent in the query.
func (ex *exchange) checkIMSQuery(req *http.Request) {
	query := req.URL.Query()
	for _, field := range imsCredentialFields {
		if query.Has(field) {
			ex.add(Violation{
				Side:    Request,
				Kind:    KindParameter,
				Where:   "query " + field,
				Message: "credential sent in the query string, which gets logged; send it in the form body",
			})
		}
	}
}
