// Package contract checks HTTP exchanges with Adobe Experience Platform
// against Adobe's published OpenAPI files, for tests.
//
// Load reads the files with kin-openapi, fixes their known defects in
// memory and builds one router per HTTP method. A Recorder, used as a server
// Middleware or a client Transport, validates each request (parameters,
// declared headers, body) and response (declared status, body) of the
// matching operation and records violations per route. Object members that
// a schema does not declare count as violations too, so a misspelt field
// fails even though no Adobe schema sets additionalProperties: false.
//
// Every accepted difference between the files and Adobe's documented
// behaviour is listed once, in Deviations. IMS has no published file and is
// checked against a hand-written contract, and raw events posted to a
// dataflow's inlet are checked against Customer.io's reporting-webhook
// schema, which ValidateCustomerIOEvent also exposes.
package contract
