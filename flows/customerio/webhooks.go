package customerio

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Webhook is a Customer.io reporting webhook as the App API returns it.
type Webhook struct {
	// ID is assigned by Customer.io.
	ID int64 `json:"id,omitempty"`

	// Type is "webhook" for an ordinary reporting webhook. Read-only.
	Type string `json:"type,omitempty"`

	Name string `json:"name"`

	// Endpoint is the URL events are POSTed to.
	Endpoint string `json:"endpoint"`

	// Events lists the subscription keys, for example "email_sent".
	Events []string `json:"events"`

	// Disabled stops delivery while true.
	Disabled bool `json:"disabled"`

	// FullResolution sends every open and click, not only the first one per message.
	FullResolution bool `json:"full_resolution"`

	// WithContent adds message bodies to *_sent events.
	WithContent bool `json:"with_content"`
}

// webhookBody is the body of a create or update. It carries every writable field
// because Customer.io documents PUT as a full replace.
type webhookBody struct {
	Name           string   `json:"name"`
	Endpoint       string   `json:"endpoint"`
	Events         []string `json:"events"`
	Disabled       bool     `json:"disabled"`
	FullResolution bool     `json:"full_resolution"`
	WithContent    bool     `json:"with_content"`
}

func (w Webhook) body() []byte {
	events := w.Events
	if events == nil {
		events = []string{}
	}
	body, _ := json.Marshal(webhookBody{
		Name:           w.Name,
		Endpoint:       w.Endpoint,
		Events:         events,
		Disabled:       w.Disabled,
		FullResolution: w.FullResolution,
		WithContent:    w.WithContent,
	})
	return body
}

func webhookPath(id int64) string {
	return reportingWebhooksPath + "/" + strconv.FormatInt(id, 10)
}

// ListWebhooks returns every reporting webhook of the key's workspace.
func (c *Client) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	var out struct {
		ReportingWebhooks []Webhook `json:"reporting_webhooks"`
	}
	req := call{operation: "list_webhooks", method: http.MethodGet, path: reportingWebhooksPath}
	if err := c.do(ctx, req, &out); err != nil {
		return nil, err
	}
	return out.ReportingWebhooks, nil
}

// GetWebhook returns one reporting webhook.
func (c *Client) GetWebhook(ctx context.Context, id int64) (Webhook, error) {
	var out Webhook
	req := call{operation: "get_webhook", method: http.MethodGet, path: webhookPath(id)}
	err := c.do(ctx, req, &out)
	return out, err
}

// CreateWebhook creates a reporting webhook from w (ID and Type are ignored) and
// returns it as saved. A failed create is not retried after a 5xx or a network
// error, because it may have succeeded; list the webhooks to find out.
func (c *Client) CreateWebhook(ctx context.Context, w Webhook) (Webhook, error) {
	c.log.Info("creating Customer.io reporting webhook", "name", w.Name, "disabled", w.Disabled, "events", len(w.Events))

	var out Webhook
	req := call{operation: "create_webhook", method: http.MethodPost, path: reportingWebhooksPath, body: w.body()}
	err := c.do(ctx, req, &out)
	return out, err
}

// UpdateWebhook replaces every writable field of webhook id with the values in w
// and returns the webhook as saved.
func (c *Client) UpdateWebhook(ctx context.Context, id int64, w Webhook) (Webhook, error) {
	c.log.Info("updating Customer.io reporting webhook", "webhook_id", id, "name", w.Name, "disabled", w.Disabled, "events", len(w.Events))

	var out Webhook
	req := call{operation: "update_webhook", method: http.MethodPut, path: webhookPath(id), body: w.body()}
	err := c.do(ctx, req, &out)
	return out, err
}

// DeleteWebhook deletes webhook id. A webhook that is already gone (404) counts as
// deleted.
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	c.log.Info("deleting Customer.io reporting webhook", "webhook_id", id)

	req := call{operation: "delete_webhook", method: http.MethodDelete, path: webhookPath(id)}
	err := c.do(ctx, req, nil)

	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Cause == CauseNotFound {
		c.log.Info("Customer.io reporting webhook was already deleted", "webhook_id", id)
		return nil
	}
	return err
}

// DisableWebhook stops delivery to webhook id and returns it as saved. The other
// fields stay as they are.
func (c *Client) DisableWebhook(ctx context.Context, id int64) (Webhook, error) {
	return c.setDisabled(ctx, id, true)
}

// EnableWebhook starts delivery to webhook id and returns it as saved. The other
// fields stay as they are.
func (c *Client) EnableWebhook(ctx context.Context, id int64) (Webhook, error) {
	return c.setDisabled(ctx, id, false)
}

// setDisabled reads the webhook and writes it back with only Disabled changed,
// because PUT replaces the whole object.
func (c *Client) setDisabled(ctx context.Context, id int64, disabled bool) (Webhook, error) {
	current, err := c.GetWebhook(ctx, id)
	if err != nil {
		return Webhook{}, err
	}
	if current.Disabled == disabled {
		return current, nil
	}

	current.Disabled = disabled
	return c.UpdateWebhook(ctx, id, current)
}
