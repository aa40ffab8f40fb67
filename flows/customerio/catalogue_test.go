package customerio_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cioaep/setup/assets"
	"github.com/cioaep/setup/flows/customerio"
)

func TestCatalogueGroupsAndKeys(t *testing.T) {
	want := []string{"customer", "email", "sms", "push", "in_app", "slack", "webhook"}
	if got := customerio.GroupNames(); !slices.Equal(got, want) {
		t.Errorf("GroupNames = %v, want %v", got, want)
	}

	counts := map[string]int{"customer": 3, "email": 13, "sms": 10, "push": 11, "in_app": 8, "slack": 6, "webhook": 6}
	for _, g := range customerio.Groups() {
		if len(g.Events) != counts[g.Name] {
			t.Errorf("group %s has %d keys, want %d", g.Name, len(g.Events), counts[g.Name])
		}
		for _, key := range g.Events {
			if !strings.HasPrefix(key, g.Name+"_") {
				t.Errorf("key %s does not start with its group %s", key, g.Name)
			}
		}
	}

	all := customerio.AllEvents()
	if len(all) != 57 {
		t.Errorf("AllEvents has %d keys, want 57", len(all))
	}
	if len(slices.Compact(slices.Sorted(slices.Values(all)))) != len(all) {
		t.Error("AllEvents has duplicates")
	}
	for _, absent := range []string{"email_deferred", "sms_dropped", "slack_converted", "webhook_converted", "whatsapp_sent"} {
		if slices.Contains(all, absent) {
			t.Errorf("catalogue contains %s, which has no payload schema or no Adobe support", absent)
		}
	}
}

func TestCatalogueIsACopy(t *testing.T) {
	groups := customerio.Groups()
	groups[0].Events[0] = "changed"
	if customerio.Groups()[0].Events[0] == "changed" {
		t.Error("changing the result of Groups changed the catalogue")
	}
}

func TestEventsForGroups(t *testing.T) {
	keys, err := customerio.EventsForGroups([]string{"slack", "customer", "slack"})
	if err != nil {
		t.Fatalf("EventsForGroups: %v", err)
	}
	if len(keys) != 9 || keys[0] != "customer_subscribed" || keys[3] != "slack_drafted" {
		t.Errorf("keys = %v, want customer keys then slack keys", keys)
	}

	_, err = customerio.EventsForGroups([]string{"whatsapp"})
	if customerio.CauseOf(err) != customerio.CauseInvalidInput || !strings.Contains(err.Error(), "whatsapp") {
		t.Errorf("unknown group: err = %v", err)
	}
}

func TestGroupAndMetricOfEvent(t *testing.T) {
	tests := []struct{ key, group, metric string }{
		{"email_sent", "email", "sent"},
		{"in_app_clicked", "in_app", "clicked"},
		{"customer_subscription_preferences_changed", "customer", "cio_subscription_preferences_changed"},
		{"push_drafted", "push", "drafted"},
	}
	for _, tt := range tests {
		group, ok := customerio.GroupOfEvent(tt.key)
		if !ok || group != tt.group {
			t.Errorf("GroupOfEvent(%s) = %q, %v; want %q", tt.key, group, ok, tt.group)
		}
		metric, ok := customerio.MetricOfEvent(tt.key)
		if !ok || metric != tt.metric {
			t.Errorf("MetricOfEvent(%s) = %q, %v; want %q", tt.key, metric, ok, tt.metric)
		}
	}
	if _, ok := customerio.GroupOfEvent("email_deferred"); ok {
		t.Error("GroupOfEvent(email_deferred) found a group")
	}
}

func TestGroupTitles(t *testing.T) {
	want := map[string]string{
		"customer": "Customer", "email": "Email", "sms": "SMS", "push": "Push",
		"in_app": "In-App", "slack": "Slack", "webhook": "Webhook",
	}
	for _, g := range customerio.Groups() {
		if g.Title != want[g.Name] {
			t.Errorf("Groups: %s has title %q, want %q", g.Name, g.Title, want[g.Name])
		}
		looked, _ := customerio.LookupGroup(g.Name)
		if looked.Title != want[g.Name] {
			t.Errorf("LookupGroup(%s).Title = %q, want %q", g.Name, looked.Title, want[g.Name])
		}
	}
}

func TestEventTitle(t *testing.T) {
	tests := []struct{ key, want string }{
		{"slack_undeliverable", "Slack: undeliverable"},
		{"in_app_clicked", "In-App: clicked"},
		{"customer_subscription_preferences_changed", "Customer: subscription preferences changed"},
		{"email_dropped", "Email: suppressed"},
	}
	for _, tt := range tests {
		got, ok := customerio.EventTitle(tt.key)
		if !ok || got != tt.want {
			t.Errorf("EventTitle(%s) = %q, %v; want %q", tt.key, got, ok, tt.want)
		}
	}

	if got, ok := customerio.EventTitle("email_deferred"); ok || got != "email_deferred" {
		t.Errorf("EventTitle(email_deferred) = %q, %v; want the key and false", got, ok)
	}
}

func TestEverySampleGroupIsInCatalogue(t *testing.T) {
	samples := assets.SampleEventGroups()
	groups := slices.Sorted(slices.Values(customerio.GroupNames()))
	if !slices.Equal(samples, groups) {
		t.Errorf("sample event groups = %v, want the catalogue's %v", samples, groups)
	}
}
