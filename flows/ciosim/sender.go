package ciosim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// deliveryTimeout is how long Customer.io waits for a webhook's response.
const deliveryTimeout = 4 * time.Second

// Delivery is the outcome of one event SendFixtures posted.
type Delivery struct {
	// Status is the receiver's HTTP status, 0 without a response.
	Status int

	// Body is the start of the receiver's response.
	Body string

	// Err is the transport error, nil when a response came.
	Err error
}

// SendFixtures plays Customer.io's reporting-webhook sender: it POSTs each event to
// endpoint as its own request, in order, with Content-Type application/json and the
// X-CIO-Timestamp and X-CIO-Signature headers, and gives each 4 seconds. It returns
// one Delivery per event; the error is for an invalid endpoint only.
func (s *Sim) SendFixtures(ctx context.Context, endpoint, signingKey string, events [][]byte) ([]Delivery, error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("ciosim: invalid endpoint %q: want an absolute http or https URL", endpoint)
	}

	deliveries := make([]Delivery, len(events))
	for i, event := range events {
		deliveries[i] = s.deliver(ctx, endpoint, signingKey, event)
		if deliveries[i].Err != nil || deliveries[i].Status < 200 || deliveries[i].Status > 299 {
			s.log.Warn("webhook delivery failed", "event", i, "status", deliveries[i].Status, "error", deliveries[i].Err)
		}
	}
	return deliveries, nil
}

func (s *Sim) deliver(ctx context.Context, endpoint, signingKey string, event []byte) Delivery {
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(event))
	if err != nil {
		return Delivery{Err: err}
	}
	timestamp := s.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CIO-Timestamp", strconv.FormatInt(timestamp, 10))
	req.Header.Set("X-CIO-Signature", Sign(signingKey, timestamp, event))

	resp, err := s.http.Do(req)
	if err != nil {
		return Delivery{Err: err}
	}
	defer resp.Body.Close()

	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return Delivery{Status: resp.StatusCode, Body: string(body)}
}

// Sign returns the X-CIO-Signature of body sent at timestamp: lowercase hex
// HMAC-SHA256 of "v0:<timestamp>:<body>" keyed with the signing key.
func Sign(signingKey string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(signingKey))
	fmt.Fprintf(mac, "v0:%d:", timestamp)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature reports whether the X-CIO-Timestamp and X-CIO-Signature header
// values match body under signingKey. It compares in constant time and does not
// check the timestamp's age.
func VerifySignature(signingKey, timestamp, signature string, body []byte) bool {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(Sign(signingKey, ts, body)), []byte(signature))
}
