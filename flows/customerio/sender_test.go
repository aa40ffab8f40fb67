package customerio_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/cioaep/setup/flows/ciosim"
	"github.com/cioaep/setup/flows/customerio"
)

func TestSignMatchesSimulator(t *testing.T) {
	body := []byte(`{"event_id":"01KFDAZ6H0N58W72QK2TF9YATG"}`)
	got := customerio.Sign(signingKey, 1768900500, body)

	if want := ciosim.Sign(signingKey, 1768900500, body); got != want {
		t.Errorf("Sign = %s, simulator computes %s", got, want)
	}
	if !ciosim.VerifySignature(signingKey, "1768900500", got, body) {
		t.Error("simulator does not verify the signature")
	}
	if ciosim.VerifySignature("another key", "1768900500", got, body) {
		t.Error("signature verifies with another key")
	}
}

func TestSenderWithoutSigningKeyStillSigns(t *testing.T) {
	inlet := startInlet(t)
	sender := customerio.NewSender(customerio.SenderOptions{})

	results, err := sender.SendTestEvents(t.Context(), inlet.WebhookURL(flowID), []string{customerio.GroupPush})
	if err != nil || len(results) != 1 || !results[0].Accepted() {
		t.Fatalf("SendTestEvents = %+v, %v", results, err)
	}
	post := inlet.Posts()[0]
	if len(post.Signature) != 64 {
		t.Errorf("signature %q is not 64 hex digits", post.Signature)
	}
	if _, err := strconv.ParseInt(post.Timestamp, 10, 64); err != nil {
		t.Errorf("X-CIO-Timestamp %q is not Unix seconds", post.Timestamp)
	}
}

func TestSenderDoesNotFollowRedirect(t *testing.T) {
	inlet := startInlet(t)
	redirect := httptest.NewServer(http.RedirectHandler(inlet.WebhookURL(flowID), http.StatusTemporaryRedirect))
	t.Cleanup(redirect.Close)
	sender := testSender(nil, customerio.SenderOptions{})

	results, err := sender.SendTestEvents(t.Context(), redirect.URL+"/collection/x?x-adobe-flow-id="+flowID, []string{customerio.GroupEmail})
	if err != nil {
		t.Fatalf("SendTestEvents: %v", err)
	}

	if results[0].Accepted() || results[0].Status != http.StatusTemporaryRedirect {
		t.Errorf("row = %+v, want a rejected 307", results[0])
	}
	if len(inlet.Posts()) != 0 {
		t.Error("the redirect was followed")
	}
}

func TestSenderRejectsInvalidInput(t *testing.T) {
	inlet := startInlet(t)
	sender := testSender(nil, customerio.SenderOptions{})

	tests := map[string]struct {
		url    string
		groups []string
	}{
		"relative URL":  {"/collection/x", []string{"email"}},
		"ftp URL":       {"ftp://127.0.0.1/x", []string{"email"}},
		"unknown group": {inlet.WebhookURL(flowID), []string{"email", "whatsapp"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := sender.SendTestEvents(t.Context(), tt.url, tt.groups)
			if customerio.CauseOf(err) != customerio.CauseInvalidInput {
				t.Errorf("err = %v, want cause %s", err, customerio.CauseInvalidInput)
			}
		})
	}
	if n := len(inlet.Posts()); n != 0 {
		t.Errorf("invalid input sent %d events, want 0", n)
	}
}

func TestSenderUnreachableReceiver(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL + "/collection/x?x-adobe-flow-id=" + flowID
	closed.Close()
	sender := testSender(nil, customerio.SenderOptions{})

	results, err := sender.SendTestEvents(t.Context(), url, []string{customerio.GroupSMS})
	if err != nil {
		t.Fatalf("SendTestEvents: %v", err)
	}

	if cause := customerio.CauseOf(results[0].Err); cause != customerio.CauseNetwork {
		t.Errorf("cause = %q, want %q (err %v)", cause, customerio.CauseNetwork, results[0].Err)
	}
	if results[0].Status != 0 {
		t.Errorf("status = %d, want 0 without an answer", results[0].Status)
	}
}
