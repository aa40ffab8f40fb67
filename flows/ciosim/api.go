package ciosim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Webhook is a reporting webhook in the shape the App API returns.
type Webhook struct {
	ID             int64    `json:"id"`
	Type           string   `json:"type"`
	Name           string   `json:"name"`
	Endpoint       string   `json:"endpoint"`
	Events         []string `json:"events"`
	Disabled       bool     `json:"disabled"`
	FullResolution bool     `json:"full_resolution"`
	WithContent    bool     `json:"with_content"`
}

// apiEvents is the documented enum of the App API's `events` field (72 keys). Keys
// outside it are rejected with 400, as the published API reference implies.
//
// NOTE: slack_undeliverable has a payload schema but is missing here, as in the
// reference; whether the real API rejects it is unconfirmed.
var apiEvents = []string{
	"customer_subscribed", "customer_unsubscribed", "customer_subscription_preferences_changed",
	"email_drafted", "email_attempted", "email_sent", "email_delivered", "email_opened", "email_clicked",
	"email_converted", "email_bounced", "email_dropped", "email_deferred", "email_spammed", "email_failed",
	"email_unsubscribed", "email_undeliverable",
	"in_app_drafted", "in_app_attempted", "in_app_sent", "in_app_opened", "in_app_clicked",
	"in_app_converted", "in_app_failed", "in_app_undeliverable",
	"push_drafted", "push_attempted", "push_sent", "push_delivered", "push_opened", "push_clicked",
	"push_converted", "push_bounced", "push_dropped", "push_failed", "push_undeliverable",
	"slack_drafted", "slack_attempted", "slack_sent", "slack_clicked", "slack_converted", "slack_failed",
	"sms_drafted", "sms_attempted", "sms_sent", "sms_delivered", "sms_clicked", "sms_converted", "sms_bounced",
	"sms_dropped", "sms_failed", "sms_undeliverable", "sms_replied",
	"whatsapp_drafted", "whatsapp_attempted", "whatsapp_sent", "whatsapp_delivered", "whatsapp_opened",
	"whatsapp_clicked", "whatsapp_converted", "whatsapp_bounced", "whatsapp_dropped", "whatsapp_failed",
	"whatsapp_undeliverable", "whatsapp_replied",
	"webhook_drafted", "webhook_attempted", "webhook_sent", "webhook_clicked", "webhook_converted",
	"webhook_failed", "webhook_undeliverable",
}

// workspace contains one key's webhooks. The simulator's mutex guards it.
type workspace struct {
	webhooks map[int64]Webhook
}

func (w *workspace) list() []Webhook {
	out := make([]Webhook, 0, len(w.webhooks))
	for _, hook := range w.webhooks {
		hook.Events = slices.Clone(hook.Events)
		out = append(out, hook)
	}
	slices.SortFunc(out, func(a, b Webhook) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// handler serves one region's App API.
func (s *Sim) handler(region Region) http.Handler {
	mux := http.NewServeMux()
	routes := map[string]func(http.ResponseWriter, *http.Request, *workspace){
		RouteList:   s.listWebhooks,
		RouteCreate: s.createWebhook,
		RouteGet:    s.getWebhook,
		RouteUpdate: s.updateWebhook,
		RouteDelete: s.deleteWebhook,
	}
	for route, handle := range routes {
		mux.Handle(route, s.guard(region, route, handle))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})
	return mux
}

// guard runs what every route does before its own work: count the call, play an
// injected fault, check the key and its region, and apply the rate limit.
func (s *Sim) guard(region Region, route string, handle func(http.ResponseWriter, *http.Request, *workspace)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inflightMu.Lock()
		if s.closing {
			s.inflightMu.Unlock()
			http.Error(w, "the simulated App API is shutting down", http.StatusServiceUnavailable)
			return
		}
		s.inflight.Add(1)
		s.inflightMu.Unlock()
		defer s.inflight.Done()

		s.log.Debug("App API request", "region", region, "route", route, "path", r.URL.Path)

		if fault, ok := s.takeFault(region, route); ok {
			sleep(r.Context(), fault.Delay)
			for name, value := range fault.Header {
				w.Header().Set(name, value)
			}
			w.WriteHeader(fault.Status)
			_, _ = w.Write([]byte(fault.Body))
			return
		}

		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		keyRegion, known := s.keys[key]
		mode := s.wrongRegion
		s.mu.Unlock()

		switch {
		case !ok || !known:
			writeError(w, http.StatusUnauthorized, "unauthorized")
			return
		case keyRegion != region && mode == WrongRegionRedirect:
			w.Header().Set("Location", s.URL(keyRegion)+r.URL.RequestURI())
			writeError(w, http.StatusMovedPermanently, "wrong datacenter")
			return
		case keyRegion != region:
			writeError(w, http.StatusUnauthorized, "unauthorized")
			return
		}

		if !s.admit(key) {
			s.log.Info("App API rate limit exceeded", "region", region, "route", route)
			writeError(w, http.StatusTooManyRequests, "rate limit exceeded: more than 10 requests per second")
			return
		}

		s.mu.Lock()
		ws := s.workspaces[key]
		s.mu.Unlock()
		handle(w, r, ws)
	})
}

func (s *Sim) listWebhooks(w http.ResponseWriter, r *http.Request, ws *workspace) {
	s.mu.Lock()
	hooks := ws.list()
	s.mu.Unlock()

	writeJSON(w, http.StatusOK, map[string][]Webhook{"reporting_webhooks": hooks})
}

func (s *Sim) createWebhook(w http.ResponseWriter, r *http.Request, ws *workspace) {
	hook, problem := readWebhook(r)
	if problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return
	}

	s.mu.Lock()
	s.nextID++
	hook.ID = s.nextID
	ws.webhooks[hook.ID] = hook
	s.mu.Unlock()

	s.log.Info("created reporting webhook", "webhook_id", hook.ID, "disabled", hook.Disabled)
	writeJSON(w, http.StatusOK, hook)
}

func (s *Sim) getWebhook(w http.ResponseWriter, r *http.Request, ws *workspace) {
	id, ok := webhookID(r)
	s.mu.Lock()
	hook, found := ws.webhooks[id]
	s.mu.Unlock()

	if !ok || !found {
		writeError(w, http.StatusNotFound, "webhook not found")
		return
	}
	writeJSON(w, http.StatusOK, hook)
}

// updateWebhook replaces the whole webhook: PUT needs the same fields as a create.
func (s *Sim) updateWebhook(w http.ResponseWriter, r *http.Request, ws *workspace) {
	id, ok := webhookID(r)
	s.mu.Lock()
	_, found := ws.webhooks[id]
	s.mu.Unlock()
	if !ok || !found {
		writeError(w, http.StatusNotFound, "webhook not found")
		return
	}

	hook, problem := readWebhook(r)
	if problem != "" {
		writeError(w, http.StatusBadRequest, problem)
		return
	}
	hook.ID = id

	s.mu.Lock()
	ws.webhooks[id] = hook
	s.mu.Unlock()

	s.log.Info("updated reporting webhook", "webhook_id", id, "disabled", hook.Disabled)
	writeJSON(w, http.StatusOK, hook)
}

func (s *Sim) deleteWebhook(w http.ResponseWriter, r *http.Request, ws *workspace) {
	id, ok := webhookID(r)
	s.mu.Lock()
	_, found := ws.webhooks[id]
	delete(ws.webhooks, id)
	s.mu.Unlock()

	if !ok || !found {
		writeError(w, http.StatusNotFound, "webhook not found")
		return
	}
	s.log.Info("deleted reporting webhook", "webhook_id", id)
	w.WriteHeader(http.StatusOK)
}

// readWebhook decodes and checks a create or update body. It returns the reason
// for a 400 when the body is invalid.
func readWebhook(r *http.Request) (Webhook, string) {
	var body struct {
		Name           string   `json:"name"`
		Endpoint       string   `json:"endpoint"`
		Events         []string `json:"events"`
		Disabled       bool     `json:"disabled"`
		FullResolution bool     `json:"full_resolution"`
		WithContent    bool     `json:"with_content"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&body); err != nil {
		return Webhook{}, "request body is not valid JSON: " + err.Error()
	}

	switch {
	case strings.TrimSpace(body.Name) == "":
		return Webhook{}, "name is required"
	case body.Endpoint == "":
		return Webhook{}, "endpoint is required"
	case len(body.Events) == 0:
		return Webhook{}, "events must contain at least one event"
	}

	u, err := url.Parse(body.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return Webhook{}, fmt.Sprintf("endpoint %q is not a valid http or https URL", body.Endpoint)
	}
	for _, event := range body.Events {
		if !slices.Contains(apiEvents, event) {
			return Webhook{}, fmt.Sprintf("events: %q is not a valid event", event)
		}
	}

	return Webhook{
		Type:           "webhook",
		Name:           body.Name,
		Endpoint:       body.Endpoint,
		Events:         body.Events,
		Disabled:       body.Disabled,
		FullResolution: body.FullResolution,
		WithContent:    body.WithContent,
	}, ""
}

func webhookID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("webhook_id"), 10, 64)
	return id, err == nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the App API's usual error envelope.
func writeError(w http.ResponseWriter, status int, detail string) {
	type apiError struct {
		Detail string `json:"detail"`
		Status string `json:"status"`
	}
	writeJSON(w, status, map[string][]apiError{
		"errors": {{Detail: detail, Status: strconv.Itoa(status)}},
	})
}
