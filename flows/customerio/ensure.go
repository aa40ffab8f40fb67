package customerio

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
)

// flowIDParameter is the query parameter that names the dataflow in an Adobe
// streaming webhook URL: {inletUrl}?x-adobe-flow-id={flowId}.
const flowIDParameter = "x-adobe-flow-id"

// webhookNamePrefix starts the name of every webhook the wizard writes; the dataflow
// ID follows it.
const webhookNamePrefix = "Adobe Experience Platform dataflow "

// WebhookName returns the name the wizard gives the webhook of a dataflow, so the
// Customer.io UI shows which dataflow receives the events.
func WebhookName(flowID string) string {
	return webhookNamePrefix + flowID
}

// WebhookSpec is the reporting webhook a dataflow needs.
type WebhookSpec struct {
	// Endpoint is the webhook URL, {inletUrl}?x-adobe-flow-id={flowId}.
	Endpoint string

	// FlowID is the dataflow ID. It must equal the endpoint's x-adobe-flow-id.
	FlowID string

	// Events lists the subscription keys, all from the catalogue.
	Events []string

	// FullResolution sends every open and click (Customer.io's "Send Frequency").
	FullResolution bool

	// WithContent adds message bodies to *_sent events ("Body Content").
	WithContent bool
}

// RegionChange records that the client moved to the other region during a call.
type RegionChange struct {
	From, To Region
}

// EnsureResult is the outcome of EnsureWebhook.
type EnsureResult struct {
	// Webhook is the dataflow's webhook as saved, disabled.
	Webhook Webhook

	// Created is true for a new webhook and false when one that already pointed at
	// the endpoint was updated.
	Created bool

	// DisabledDuplicates are other webhooks with the same endpoint, now disabled so
	// that at most one delivers to it.
	DisabledDuplicates []Webhook

	// OlderFlows are enabled webhooks that point at the same inlet with another
	// dataflow ID. They were left alone; DisableWebhook stops them.
	OlderFlows []Webhook

	// DroppedEvents are keys Customer.io rejected and the webhook was saved without.
	DroppedEvents []string

	// RegionChange is set when the key turned out to belong to the other region.
	RegionChange *RegionChange
}

// EnsureWebhook creates or updates the dataflow's reporting webhook, always disabled,
// without making duplicates. It lists the webhooks first. A webhook that already
// points at the endpoint is updated, and any further ones with that endpoint are
// disabled. Without one, a new webhook is created. Enabled webhooks on the same inlet with another
// dataflow ID are returned in OlderFlows. Call EnableWebhook, or use ConnectWebhook,
// once test events went through.
func (c *Client) EnsureWebhook(ctx context.Context, spec WebhookSpec) (result EnsureResult, err error) {
	spec, err = checkSpec(spec)
	if err != nil {
		return result, err
	}
	target, _ := parseEndpoint(spec.Endpoint)

	// The region can change in any call below: after a 401 checked against the other
	// region, or after a wrong-datacenter redirect.
	startRegion := c.Region()
	defer func() {
		if now := c.Region(); now != startRegion {
			result.RegionChange = &RegionChange{From: startRegion, To: now}
		}
	}()

	c.log.Info("ensuring Customer.io reporting webhook", "events", len(spec.Events))

	existing, err := c.ListWebhooks(ctx)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Cause == CauseWrongRegion {
		// The client has moved to the key's region; list there.
		existing, err = c.ListWebhooks(ctx)
	}
	if err != nil {
		return result, err
	}

	var matches []Webhook
	for _, w := range existing {
		endpoint, ok := parseEndpoint(w.Endpoint)
		switch {
		case !ok || endpoint.inlet != target.inlet:
			continue
		case strings.EqualFold(endpoint.flowID, target.flowID):
			matches = append(matches, w)
		case !w.Disabled:
			result.OlderFlows = append(result.OlderFlows, w)
		}
	}

	wanted := Webhook{
		Name:           WebhookName(spec.FlowID),
		Endpoint:       spec.Endpoint,
		Events:         spec.Events,
		Disabled:       true,
		FullResolution: spec.FullResolution,
		WithContent:    spec.WithContent,
	}

	if len(matches) == 0 {
		result.Webhook, result.DroppedEvents, err = c.writeDroppingUncertain(ctx, 0, wanted)
		result.Created = err == nil
		return result, err
	}

	keep := pickWebhook(matches, wanted.Name)
	result.Webhook, result.DroppedEvents, err = c.writeDroppingUncertain(ctx, keep.ID, wanted)
	if err != nil {
		return result, err
	}

	for _, w := range matches {
		if w.ID == keep.ID || w.Disabled {
			continue
		}
		w.Disabled = true
		disabled, err := c.UpdateWebhook(ctx, w.ID, w)
		if err != nil {
			return result, err
		}
		result.DisabledDuplicates = append(result.DisabledDuplicates, disabled)
	}
	return result, nil
}

// writeDroppingUncertain creates w (id 0) or updates webhook id. When Customer.io
// rejects the body and it contains keys missing from the App API's documented events
// list, it retries once without them.
func (c *Client) writeDroppingUncertain(ctx context.Context, id int64, w Webhook) (Webhook, []string, error) {
	write := func(w Webhook) (Webhook, error) {
		if id == 0 {
			return c.CreateWebhook(ctx, w)
		}
		return c.UpdateWebhook(ctx, id, w)
	}

	saved, err := write(w)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Cause != CauseInvalidRequest {
		return saved, nil, err
	}

	var kept, dropped []string
	for _, key := range w.Events {
		if slices.Contains(uncertainEventKeys, key) {
			dropped = append(dropped, key)
		} else {
			kept = append(kept, key)
		}
	}
	if len(dropped) == 0 || len(kept) == 0 {
		return saved, nil, err
	}

	c.log.Warn("Customer.io rejected the webhook; retrying without undocumented event keys",
		"webhook_id", id, "dropped", dropped, "error", err)
	w.Events = kept
	saved, err = write(w)
	if err != nil {
		return saved, nil, err
	}
	return saved, dropped, nil
}

// pickWebhook chooses which of several webhooks with the same endpoint to keep: the
// one already named after the dataflow, else the oldest (lowest ID).
func pickWebhook(matches []Webhook, name string) Webhook {
	for _, w := range matches {
		if w.Name == name {
			return w
		}
	}
	return slices.MinFunc(matches, func(a, b Webhook) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		default:
			return 0
		}
	})
}

// ConnectResult is the outcome of ConnectWebhook.
type ConnectResult struct {
	EnsureResult

	// Tests has one row per test event, in catalogue order of the groups.
	Tests []TestResult

	// Enabled is true when every test event was accepted and the webhook now delivers.
	Enabled bool
}

// ConnectWebhook sets up the dataflow's webhook in the safe order. It creates or
// updates the webhook disabled (EnsureWebhook), posts one sample event of every
// subscribed group to the webhook URL with sender, and enables the webhook only if
// every event got a 2xx response in time. Otherwise the webhook stays disabled and
// the error is a *TestEventsError listing the failed rows. The result is filled in
// either way. A nil sender means a Sender with default options.
func (c *Client) ConnectWebhook(ctx context.Context, spec WebhookSpec, sender *Sender) (ConnectResult, error) {
	var result ConnectResult

	ensured, err := c.EnsureWebhook(ctx, spec)
	result.EnsureResult = ensured
	if err != nil {
		return result, err
	}

	webhook := ensured.Webhook
	endpoint := webhook.Endpoint
	if endpoint == "" {
		endpoint = spec.Endpoint
	}

	if sender == nil {
		sender = NewSender(SenderOptions{Logger: c.callerLog, Secrets: c.secrets})
	}
	tests, err := sender.SendTestEvents(ctx, endpoint, groupsOfEvents(webhook.Events))
	result.Tests = tests
	if err != nil {
		return result, err
	}
	if err := ctx.Err(); err != nil {
		// The rows of a cancelled run show network errors unrelated to the inlet.
		return result, err
	}

	var failed []TestResult
	for _, t := range tests {
		if !t.Accepted() {
			failed = append(failed, t)
		}
	}
	if len(failed) > 0 {
		err := &TestEventsError{WebhookID: webhook.ID, Failed: failed, Total: len(tests)}
		c.log.Warn("leaving Customer.io reporting webhook disabled", "webhook_id", webhook.ID, "error", err)
		return result, err
	}

	webhook.Disabled = false
	enabled, err := c.UpdateWebhook(ctx, webhook.ID, webhook)
	if err != nil {
		return result, err
	}
	result.Webhook = enabled
	result.Enabled = !enabled.Disabled
	c.log.Info("enabled Customer.io reporting webhook", "webhook_id", enabled.ID)
	return result, nil
}

// groupsOfEvents returns the groups the keys belong to, in catalogue order.
func groupsOfEvents(keys []string) []string {
	var names []string
	for _, g := range groups {
		for _, key := range keys {
			if slices.Contains(g.Events, key) {
				names = append(names, g.Name)
				break
			}
		}
	}
	return names
}

// endpoint is a webhook URL split into the inlet it posts to and the dataflow ID.
type endpoint struct {
	inlet  string
	flowID string
}

// parseEndpoint splits a webhook URL. The inlet part ignores letter case in scheme
// and host and a trailing slash, so the same inlet written twice still matches.
func parseEndpoint(raw string) (endpoint, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return endpoint{}, false
	}
	inlet := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimSuffix(u.EscapedPath(), "/")
	return endpoint{inlet: inlet, flowID: u.Query().Get(flowIDParameter)}, true
}

// checkSpec validates spec and returns it with its events deduplicated.
func checkSpec(spec WebhookSpec) (WebhookSpec, error) {
	if err := checkWebhookURL(spec.Endpoint); err != nil {
		return spec, err
	}
	target, _ := parseEndpoint(spec.Endpoint)
	switch {
	case spec.FlowID == "":
		return spec, &InputError{Field: "dataflow ID", Value: "", Reason: "missing"}
	case target.flowID == "":
		return spec, &InputError{Field: "webhook URL", Value: spec.Endpoint, Reason: "missing the " + flowIDParameter + " parameter"}
	case !strings.EqualFold(target.flowID, spec.FlowID):
		return spec, &InputError{Field: "webhook URL", Value: spec.Endpoint, Reason: "names dataflow " + target.flowID + ", not " + spec.FlowID}
	}

	if len(spec.Events) == 0 {
		return spec, &InputError{Field: "events", Value: "", Reason: "at least one event is required"}
	}
	var events []string
	for _, key := range spec.Events {
		if _, ok := GroupOfEvent(key); !ok {
			return spec, &InputError{Field: "event", Value: key, Reason: "not in the event catalogue"}
		}
		if !slices.Contains(events, key) {
			events = append(events, key)
		}
	}
	spec.Events = events
	return spec, nil
}
