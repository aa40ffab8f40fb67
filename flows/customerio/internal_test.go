package customerio

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNewULIDEncodesTime(t *testing.T) {
	at := time.UnixMilli(1768900500123)
	id := newULID(at)

	if len(id) != 26 {
		t.Fatalf("ULID %q has %d characters, want 26", id, len(id))
	}
	var ms uint64
	for _, c := range id[:10] {
		ms = ms<<5 | uint64(strings.IndexRune(crockford, c))
	}
	if ms != uint64(at.UnixMilli()) {
		t.Errorf("time part of %s = %d, want %d", id, ms, at.UnixMilli())
	}
	if newULID(at) == id {
		t.Error("two ULIDs for the same time are equal")
	}
}

func TestNewULIDMatchesKnownValue(t *testing.T) {
	// 01KFDAZ6H0 is the time part of a sample event sent at 1768900500 s.
	id := newULID(time.Unix(1768900500, 0))
	if !strings.HasPrefix(id, "01KFDAZ6H0") {
		t.Errorf("ULID %s does not start with 01KFDAZ6H0", id)
	}
}

func TestRefreshEventKeepsOtherMembers(t *testing.T) {
	event := []byte(`{"event_id":"old","object_type":"email","metric":"sent","timestamp":1,"data":{"link_id":7,"x":1.50}}`)
	now := time.Unix(1768900937, 0)

	body, id, err := refreshEvent(event, now)
	if err != nil {
		t.Fatalf("refreshEvent: %v", err)
	}

	var got map[string]json.RawMessage
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if string(got["event_id"]) != `"`+id+`"` || id == "old" {
		t.Errorf("event_id = %s, want the new %s", got["event_id"], id)
	}
	if string(got["timestamp"]) != "1768900937" {
		t.Errorf("timestamp = %s", got["timestamp"])
	}
	if string(got["data"]) != `{"link_id":7,"x":1.50}` {
		t.Errorf("data changed: %s", got["data"])
	}
	if _, _, err := refreshEvent([]byte(`[1]`), now); err == nil {
		t.Error("refreshEvent accepted an array")
	}
}

func TestReceiverDetail(t *testing.T) {
	tests := map[string]string{
		`{"report":{"message":"flow is disabled"},"title":"Bad Request"}`:                     "flow is disabled",
		`{"type":"x","status":400,"title":"BadRequestError","detail":"A valid content-type"}`: "A valid content-type",
		`{"error_code":"401013","message":"Oauth token is not valid"}`:                        "401013: Oauth token is not valid",
		"Payload Too Large": "Payload Too Large",
	}
	for body, want := range tests {
		if got := receiverDetail([]byte(body)); got != want {
			t.Errorf("receiverDetail(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	text := strings.Repeat("é", 200) // 400 bytes
	got := truncate(text, 301)
	if !strings.HasSuffix(got, "…") || len(got) > 301+len("…") {
		t.Errorf("truncate returned %d bytes", len(got))
	}
	if strings.ContainsRune(got, '\uFFFD') {
		t.Error("truncate split a UTF-8 sequence")
	}
}

func TestParseEndpointMatchesSameInlet(t *testing.T) {
	a, _ := parseEndpoint("https://DCS.adobedc.net/collection/abc/?x-adobe-flow-id=F1")
	b, _ := parseEndpoint("https://dcs.adobedc.net/collection/abc?x-adobe-flow-id=F1&other=1")
	if a != b {
		t.Errorf("%+v and %+v differ, want the same inlet and flow", a, b)
	}
	c, _ := parseEndpoint("https://dcs.adobedc.net/collection/abd?x-adobe-flow-id=F1")
	if c.inlet == a.inlet {
		t.Error("another inlet matched")
	}
}
