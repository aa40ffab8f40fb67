package customerio_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cioaep/setup/assets"
	"github.com/cioaep/setup/flows/contract"
	"github.com/cioaep/setup/flows/customerio"
)

// validateEvent checks an event against Customer.io's reporting-webhook schema. The
// schema file sits outside the module, so a checkout without it skips the test.
func validateEvent(t *testing.T, name string, body []byte) {
	t.Helper()
	err := contract.ValidateCustomerIOEvent(body)
	if errors.Is(err, contract.ErrSpecDirNotFound) {
		t.Skipf("Customer.io schema not found: %v", err)
	}
	if err != nil {
		t.Errorf("%s does not match the reporting-webhook schema: %v", name, err)
	}
}

func TestSampleEventsMatchSchema(t *testing.T) {
	for _, group := range customerio.GroupNames() {
		body, err := assets.SampleEvent(group)
		if err != nil {
			t.Fatalf("SampleEvent(%s): %v", group, err)
		}
		validateEvent(t, group+".json", body)
	}
}

func TestSampleEventsLookLikeTestEvents(t *testing.T) {
	ulid := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)
	email := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+`)
	phone := regexp.MustCompile(`\+?[0-9]{6,}`)

	for _, group := range customerio.GroupNames() {
		body, err := assets.SampleEvent(group)
		if err != nil {
			t.Fatalf("SampleEvent(%s): %v", group, err)
		}
		var event struct {
			EventID    string `json:"event_id"`
			ObjectType string `json:"object_type"`
			Metric     string `json:"metric"`
			Data       struct {
				Identifiers map[string]any `json:"identifiers"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &event); err != nil {
			t.Fatalf("%s: %v", group, err)
		}

		if event.ObjectType != group {
			t.Errorf("%s: object_type = %q", group, event.ObjectType)
		}
		if !ulid.MatchString(event.EventID) {
			t.Errorf("%s: event_id %q is not a ULID", group, event.EventID)
		}
		group, _ := customerio.GroupOfEvent(group + "_" + event.Metric)
		if group != event.ObjectType {
			t.Errorf("%s: metric %q is not a catalogue event of the group", event.ObjectType, event.Metric)
		}
		if _, ok := event.Data.Identifiers["cio_id"]; ok {
			t.Errorf("%s: has data.identifiers.cio_id, which Customer.io's test events lack", group)
		}
		for _, address := range email.FindAllString(string(body), -1) {
			if !strings.HasSuffix(address, "@example.com") {
				t.Errorf("%s: address %q is not at example.com", group, address)
			}
		}
		for _, number := range phone.FindAllString(string(body), -1) {
			if len(number) == 12 && strings.HasPrefix(number, "+1") && number[5:10] != "55501" {
				t.Errorf("%s: phone number %q is not in the fictional 555-01xx range", group, number)
			}
		}
	}
}

func TestSampleEventUnknownGroup(t *testing.T) {
	for _, name := range []string{"whatsapp", "", "../icon", "events/email"} {
		if _, err := assets.SampleEvent(name); err == nil {
			t.Errorf("SampleEvent(%q) succeeded", name)
		}
	}
}

func TestSentEventStillMatchesSchema(t *testing.T) {
	inlet := startInlet(t)
	clock := newFakeClock()
	sender := testSender(nil, customerio.SenderOptions{Now: clock.Now})

	results, err := sender.SendTestEvents(t.Context(), inlet.WebhookURL(flowID), customerio.GroupNames())
	if err != nil {
		t.Fatalf("SendTestEvents: %v", err)
	}

	for i, post := range inlet.Posts() {
		validateEvent(t, results[i].Group+" as sent", post.Body)

		var event struct {
			EventID   string `json:"event_id"`
			Timestamp int64  `json:"timestamp"`
		}
		if err := json.Unmarshal(post.Body, &event); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
		if event.EventID != results[i].EventID {
			t.Errorf("post %d event_id = %q, row says %q", i, event.EventID, results[i].EventID)
		}
		if event.Timestamp != clock.Now().Unix() {
			t.Errorf("post %d timestamp = %d, want the send time %d", i, event.Timestamp, clock.Now().Unix())
		}
		if post.Timestamp != "1768899600" {
			t.Errorf("post %d X-CIO-Timestamp = %q, want %d", i, post.Timestamp, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC).Unix())
		}
	}
}

func TestSchemaRejectsBrokenSample(t *testing.T) {
	body, err := assets.SampleEvent(customerio.GroupEmail)
	if err != nil {
		t.Fatal(err)
	}
	var event map[string]any
	if err := json.Unmarshal(body, &event); err != nil {
		t.Fatal(err)
	}
	delete(event["data"].(map[string]any), "delivery_id")
	broken, _ := json.Marshal(event)

	err = contract.ValidateCustomerIOEvent(broken)
	if errors.Is(err, contract.ErrSpecDirNotFound) {
		t.Skipf("Customer.io schema not found: %v", err)
	}
	if err == nil {
		t.Error("an email event without delivery_id passed the schema, so the sample check proves nothing")
	}
}
