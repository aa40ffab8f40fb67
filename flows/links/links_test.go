package links

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestDataflowPage(t *testing.T) {
	page := DataflowPage("dev-sandbox", "439b3fc4-3042-4a3a-b5e0-a494898d3fb0")

	want := "https://experience.adobe.com/#/sname:dev-sandbox/platform/source/dataflows/439b3fc4-3042-4a3a-b5e0-a494898d3fb0"
	if page != want {
		t.Errorf("DataflowPage() = %q, want %q", page, want)
	}
}

func TestDataflowPageEscapesValues(t *testing.T) {
	page := DataflowPage("a/b", "c?d")

	if strings.Contains(page, "a/b") || strings.Contains(page, "c?d") {
		t.Errorf("DataflowPage() = %q, want escaped sandbox and flow ID", page)
	}
	if _, err := url.Parse(page); err != nil {
		t.Errorf("DataflowPage() = %q is not a valid URL: %v", page, err)
	}
}

func TestCustomerIOReportingWebhooks(t *testing.T) {
	tests := []struct {
		region   string
		wantHost string
	}{
		{RegionUS, "fly.customer.io"},
		{RegionEU, "fly-eu.customer.io"},
		{"EU", "fly-eu.customer.io"},
		{" us ", "fly.customer.io"},
	}

	for _, test := range tests {
		t.Run(test.region, func(t *testing.T) {
			page, err := CustomerIOReportingWebhooks(test.region)
			if err != nil {
				t.Fatalf("CustomerIOReportingWebhooks() error = %v", err)
			}

			parsed, err := url.Parse(page)
			if err != nil {
				t.Fatalf("CustomerIOReportingWebhooks() = %q is not a valid URL: %v", page, err)
			}
			if parsed.Scheme != "https" {
				t.Errorf("scheme = %q, want https", parsed.Scheme)
			}
			if parsed.Host != test.wantHost {
				t.Errorf("host = %q, want %q", parsed.Host, test.wantHost)
			}
			if parsed.Path != customerIOReportingWebhooksPath {
				t.Errorf("path = %q, want %q", parsed.Path, customerIOReportingWebhooksPath)
			}
		})
	}
}

func TestCustomerIOReportingWebhooksUnknownRegion(t *testing.T) {
	page, err := CustomerIOReportingWebhooks("au")

	var regionErr *UnknownRegionError
	if !errors.As(err, &regionErr) {
		t.Fatalf("error = %v, want *UnknownRegionError", err)
	}
	if regionErr.Region != "au" {
		t.Errorf("Region = %q, want %q", regionErr.Region, "au")
	}
	if page != "" {
		t.Errorf("page = %q, want empty", page)
	}
}

func TestDeveloperConsoleURL(t *testing.T) {
	if err := validateURL(DeveloperConsoleURL); err != nil {
		t.Errorf("DeveloperConsoleURL %q is rejected by Open: %v", DeveloperConsoleURL, err)
	}
}
