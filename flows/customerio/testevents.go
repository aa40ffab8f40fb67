package customerio

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cioaep/setup/assets"
	"github.com/cioaep/setup/flows/redact"
)

// DefaultTestTimeout is how long a test event may take to get a 2xx response.
// Customer.io gives a webhook 4 seconds before it counts the delivery as failed.
const DefaultTestTimeout = 4 * time.Second

// Headers Customer.io adds to every reporting-webhook delivery.
const (
	HeaderTimestamp = "X-CIO-Timestamp"
	HeaderSignature = "X-CIO-Signature"
)

// SenderOptions configures a Sender.
type SenderOptions struct {
	// HTTPClient sends the events. The sender uses a copy that never follows
	// redirects, so a redirecting webhook URL fails the test instead of the event
	// going somewhere else.
	HTTPClient *http.Client

	// SigningKey is the reporting-webhook signing key from Customer.io's Reporting
	// Webhooks page. The App API does not return it, so without one the sender signs
	// with a random key. Adobe documents no signature check on its inlet.
	SigningKey string

	// Timeout is the time each event has to get a 2xx response. The default is 4 seconds.
	Timeout time.Duration

	// Now returns the current time, for the X-CIO-Timestamp header, the events'
	// timestamps and the measured latency. The default is time.Now.
	Now func() time.Time

	// Logger receives one record per event; the signing key is scrubbed.
	Logger *slog.Logger

	// Secrets, when set, is the app's shared set of secret values; the signing key
	// is added.
	Secrets *redact.Secrets

	// SampleEvent returns the sample event of a group; the default reads the samples
	// embedded in the app.
	SampleEvent func(group string) ([]byte, error)
}

// Sender posts test events to a webhook URL the way Customer.io delivers events: one
// JSON event per request, signed, with Customer.io's timeout.
type Sender struct {
	http        *http.Client
	signingKey  string
	timeout     time.Duration
	now         func() time.Time
	log         *slog.Logger
	sampleEvent func(group string) ([]byte, error)
}

// NewSender returns a sender with the defaults filled in.
func NewSender(opts SenderOptions) *Sender {
	httpClient := &http.Client{}
	if opts.HTTPClient != nil {
		copied := *opts.HTTPClient
		httpClient = &copied
	}
	httpClient.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}

	signingKey := opts.SigningKey
	if signingKey == "" {
		signingKey = randomKey()
	}

	secrets := opts.Secrets
	if secrets == nil {
		secrets = redact.NewSecrets()
	}
	secrets.Add(signingKey)

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	s := &Sender{
		http:        httpClient,
		signingKey:  signingKey,
		timeout:     opts.Timeout,
		now:         opts.Now,
		log:         slog.New(redact.NewHandler(logger.Handler(), secrets)).With("component", "customerio"),
		sampleEvent: opts.SampleEvent,
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTestTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.sampleEvent == nil {
		s.sampleEvent = assets.SampleEvent
	}
	return s
}

// TestResult is the outcome of one test event.
type TestResult struct {
	// Group is the event group of the sample event.
	Group string

	// EventID is the event_id the event was sent with.
	EventID string

	// Status is the HTTP status of the response, 0 when there was none.
	Status int

	// Latency is the time from sending the request to reading the response.
	Latency time.Duration

	// XactionID is Adobe's transaction ID for an accepted event, when the response
	// carried one.
	XactionID string

	// Err is the reason the event was not accepted (a *TestEventError), nil when
	// accepted.
	Err error
}

// Accepted reports whether the event got a 2xx response within the timeout.
func (r TestResult) Accepted() bool {
	return r.Err == nil
}

// SendTestEvents posts the sample event of each group to webhookURL, one request per
// event and one after the other, as Customer.io does. It returns one row per group in
// the given order; a rejected event is reported in its row, never as an error. The
// error is for invalid input only, found before anything is sent.
func (s *Sender) SendTestEvents(ctx context.Context, webhookURL string, groups []string) ([]TestResult, error) {
	if err := checkWebhookURL(webhookURL); err != nil {
		return nil, err
	}

	bodies := make([][]byte, len(groups))
	for i, group := range groups {
		if _, ok := LookupGroup(group); !ok {
			return nil, &UnknownGroupError{Group: group}
		}
		body, err := s.sampleEvent(group)
		if err != nil {
			return nil, err
		}
		bodies[i] = body
	}

	results := make([]TestResult, len(groups))
	for i, group := range groups {
		results[i] = s.Send(ctx, webhookURL, group, bodies[i])
	}
	return results, nil
}

// Send posts one event to webhookURL with a fresh event_id and the current time as
// its timestamp, so repeated tests do not look like duplicates to the receiver.
// The body is signed like a Customer.io delivery.
func (s *Sender) Send(ctx context.Context, webhookURL, group string, event []byte) TestResult {
	result := TestResult{Group: group}

	sentAt := s.now()
	body, eventID, err := refreshEvent(event, sentAt)
	if err != nil {
		result.Err = &TestEventError{Cause: CauseInvalidInput, Err: err}
		return result
	}
	result.EventID = eventID

	status, respBody, err := s.post(ctx, webhookURL, body, sentAt)
	result.Latency = s.now().Sub(sentAt)
	result.Status = status

	switch {
	case err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		result.Err = &TestEventError{Cause: CauseTimeout, Err: err}
	case err != nil:
		result.Err = &TestEventError{Cause: CauseNetwork, Err: err}
	case status < 200 || status > 299:
		result.Err = &TestEventError{Cause: CauseRejected, Status: status, Detail: receiverDetail(respBody)}
	case result.Latency > s.timeout:
		// The response came, but later than Customer.io would wait.
		result.Err = &TestEventError{Cause: CauseTimeout, Status: status}
	default:
		result.XactionID = xactionID(respBody)
	}

	if result.Err != nil {
		s.log.Warn("test event not accepted", "group", group, "event_id", eventID,
			"status", status, "latency", result.Latency, "error", result.Err)
	} else {
		s.log.Info("test event accepted", "group", group, "event_id", eventID,
			"status", status, "latency", result.Latency, "xaction_id", result.XactionID)
	}
	return result
}

func (s *Sender) post(ctx context.Context, webhookURL string, body []byte, sentAt time.Time) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	timestamp := sentAt.Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(timestamp, 10))
	req.Header.Set(HeaderSignature, Sign(s.signingKey, timestamp, body))

	resp, err := s.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()

	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBodyBytes))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, respBody, nil
}

// Sign returns the X-CIO-Signature value for body: the lowercase hex HMAC-SHA256 of
// "v0:<timestamp>:<body>" keyed with the reporting-webhook signing key.
//
// NOTE: Customer.io documents the algorithm and the signed string but not the
// encoding; lowercase hex is what independent verifiers of these webhooks compare.
func Sign(signingKey string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write([]byte("v0:" + strconv.FormatInt(timestamp, 10) + ":"))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// refreshEvent returns event with a new event_id and the timestamp set to now.
// The other members keep their JSON values, though whitespace and member order may
// change.
func refreshEvent(event []byte, now time.Time) ([]byte, string, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(event, &members); err != nil {
		return nil, "", err
	}

	eventID := newULID(now)
	members["event_id"], _ = json.Marshal(eventID)
	members["timestamp"], _ = json.Marshal(now.Unix())

	body, err := json.Marshal(members)
	return body, eventID, err
}

// crockford is the ULID alphabet (Crockford's base32).
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newULID returns a ULID for t: 48 bits of Unix milliseconds and 80 random bits in
// 26 base32 characters, the format of Customer.io's event IDs.
func newULID(t time.Time) string {
	var id [16]byte
	ms := uint64(t.UnixMilli())
	for i := 5; i >= 0; i-- {
		id[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(id[6:])

	// 128 bits in 26 characters: the first character carries the top 3 bits.
	var out [26]byte
	var acc uint64
	bits := 0
	pos := 25
	for i := 15; i >= 0; i-- {
		acc |= uint64(id[i]) << bits
		bits += 8
		for bits >= 5 {
			out[pos] = crockford[acc&31]
			pos--
			acc >>= 5
			bits -= 5
		}
	}
	out[0] = crockford[acc&31]
	return string(out[:])
}

func randomKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// xactionID reads Adobe's transaction ID from an inlet response.
func xactionID(body []byte) string {
	var response struct {
		XactionID string `json:"xactionId"`
	}
	_ = json.Unmarshal(body, &response)
	return response.XactionID
}

// receiverDetail reads the reason from a rejecting response. Adobe's services use
// several error shapes, so it looks for the usual message fields and falls back to
// the start of the raw text.
func receiverDetail(body []byte) string {
	var response struct {
		Title     string `json:"title"`
		Detail    string `json:"detail"`
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
		Report    struct {
			Message         string `json:"message"`
			DetailedMessage string `json:"detailed-message"`
		} `json:"report"`
	}
	if json.Unmarshal(body, &response) == nil {
		for _, text := range []string{
			response.Report.DetailedMessage, response.Report.Message, response.Detail, response.Message, response.Title,
		} {
			if text != "" {
				if response.ErrorCode != "" {
					return response.ErrorCode + ": " + text
				}
				return text
			}
		}
	}
	return truncate(strings.TrimSpace(string(body)), maxDetailLen)
}

// checkWebhookURL accepts an absolute http or https URL.
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &InputError{Field: "webhook URL", Value: raw, Reason: "not an absolute http or https URL"}
	}
	return nil
}
