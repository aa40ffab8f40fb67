package customerio

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Region is the Customer.io data center an account lives in. An App API key works
// only in its own region.
type Region string

// The two Customer.io regions.
const (
	RegionUS Region = "us"
	RegionEU Region = "eu"
)

// defaultBaseURLs are the App API base URLs per region.
var defaultBaseURLs = map[Region]string{
	RegionUS: "https://api.customer.io",
	RegionEU: "https://api-eu.customer.io",
}

// apiHosts are the Customer.io hosts per region that may receive an App API key.
// Customer.io's wrong-datacenter redirects have been seen to point at the beta-api
// hosts. The client never follows a redirect, but it uses them to recognise the region.
//
// NOTE: the beta-api hosts come from third-party reports, not Customer.io's docs.
var apiHosts = map[Region][]string{
	RegionUS: {"api.customer.io", "beta-api.customer.io"},
	RegionEU: {"api-eu.customer.io", "beta-api-eu.customer.io"},
}

// ParseRegion returns the region named "us" or "eu", in any letter case.
func ParseRegion(name string) (Region, error) {
	r := Region(strings.ToLower(strings.TrimSpace(name)))
	if !r.Valid() {
		return "", &InputError{Field: "region", Value: name, Reason: `want "us" or "eu"`}
	}
	return r, nil
}

// Valid reports whether r is one of the two regions.
func (r Region) Valid() bool {
	return r == RegionUS || r == RegionEU
}

// Other returns the other region.
func (r Region) Other() Region {
	if r == RegionEU {
		return RegionUS
	}
	return RegionEU
}

// DefaultBaseURL returns Customer.io's App API base URL for region r.
func DefaultBaseURL(r Region) string {
	return defaultBaseURLs[r]
}

// checkBaseURL accepts an App API base URL only when the App API key may be sent to
// it: HTTPS on a Customer.io API host, or any scheme on a loopback address (the
// simulator and tests).
func checkBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, &InputError{Field: "base URL", Value: raw, Reason: "not an absolute URL"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &InputError{Field: "base URL", Value: raw, Reason: "must not carry user info, a query or a fragment"}
	}

	host := u.Hostname()
	switch {
	case isLoopback(host):
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, &InputError{Field: "base URL", Value: raw, Reason: "scheme must be http or https"}
		}
	case isCustomerIOHost(host):
		if u.Scheme != "https" {
			return nil, &InputError{Field: "base URL", Value: raw, Reason: "Customer.io hosts need https"}
		}
	default:
		return nil, &InputError{
			Field:  "base URL",
			Value:  raw,
			Reason: fmt.Sprintf("host %q is not a Customer.io App API host", host),
		}
	}

	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

func isCustomerIOHost(host string) bool {
	host = strings.ToLower(host)
	for _, hosts := range apiHosts {
		if slices.Contains(hosts, host) {
			return true
		}
	}
	return false
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
