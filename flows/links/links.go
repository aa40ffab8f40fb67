// Package links opens web pages in the user's browser and builds the links
// the wizard offers: the Adobe Developer Console, a dataflow in Adobe
// Experience Platform, and the Customer.io reporting webhooks page.
package links

import (
	"fmt"
	"net/url"
	"strings"
)

// DeveloperConsoleURL is the Adobe Developer Console, where users create a
// project with an OAuth Server-to-Server credential.
const DeveloperConsoleURL = "https://developer.adobe.com/console"

// dataflowPageFormat is the Experience Platform UI page of one source
// dataflow, filled with the sandbox name and the dataflow ID.
//
// NOTE: unconfirmed. Experience Cloud links elsewhere have the form
// https://experience.adobe.com/#/@<tenant>/sname:<sandbox>/platform/..., but
// the wizard does not know the tenant, and the path after "platform" is a
// guess from the Sources and Dataflows menus of the UI.
const dataflowPageFormat = "https://experience.adobe.com/#/sname:%s/platform/source/dataflows/%s"

// Customer.io regions, as stored in a credentials profile.
const (
	RegionUS = "us"
	RegionEU = "eu"
)

// customerIOAppHosts maps a region to the Customer.io web app.
//
// NOTE: unconfirmed. Customer.io's documentation names fly.customer.io for
// both regions, while other pages name fly-eu.customer.io for EU accounts.
var customerIOAppHosts = map[string]string{
	RegionUS: "https://fly.customer.io",
	RegionEU: "https://fly-eu.customer.io",
}

// customerIOReportingWebhooksPath is the reporting webhooks page. The
// "/env/last" prefix selects the workspace the user opened last, as
// Customer.io's own documentation links do.
//
// NOTE: unconfirmed. The part after "/env/last" is a guess from the menu
// path Data & Integrations, Integrations, Reporting Webhooks.
const customerIOReportingWebhooksPath = "/env/last/integrations/reporting_webhooks"

// DataflowPage returns the Experience Platform UI page of a dataflow. The
// sandbox is its technical name, such as "prod", and flowID is the dataflow
// ID returned by the Flow Service API.
func DataflowPage(sandbox, flowID string) string {
	return fmt.Sprintf(dataflowPageFormat, url.PathEscape(sandbox), url.PathEscape(flowID))
}

// CustomerIOReportingWebhooks returns the reporting webhooks page of the
// Customer.io web app for a region, RegionUS or RegionEU in any letter case.
// Another region gets an *UnknownRegionError.
func CustomerIOReportingWebhooks(region string) (string, error) {
	host, ok := customerIOAppHosts[strings.ToLower(strings.TrimSpace(region))]
	if !ok {
		return "", &UnknownRegionError{Region: region}
	}
	return host + customerIOReportingWebhooksPath, nil
}

// UnknownRegionError rejects a Customer.io region other than RegionUS and
// RegionEU.
type UnknownRegionError struct {
	Region string
}

// Error names the region and the accepted ones.
func (e *UnknownRegionError) Error() string {
	return fmt.Sprintf("links: unknown Customer.io region %q, expected %q or %q", e.Region, RegionUS, RegionEU)
}
