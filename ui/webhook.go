package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/customerio"
	"github.com/cioaep/setup/flows/setup"
)

// webhookPanel is the part of the Done screen that creates the dataflow's reporting webhook
// through Customer.io's App API: disabled first, then one test event per event group, then
// enabled only if Adobe accepted every test event in time. It lives as long as the Done screen
// shows the same dataflow, so the values and the outcome survive a language switch.
type webhookPanel struct {
	w *Wizard

	// Values the user entered. appAPIKey stays in memory and in the password entry only.
	flowID    string
	region    customerio.Region
	appAPIKey string
	remember  bool

	// run is the outcome of the last run, nil before the first one. client is that run's
	// client, kept to disable older webhooks in the region where the key works.
	run    *webhookRun
	client *customerio.Client

	// webhookSaved is set once a run created or updated the webhook in Customer.io, and
	// dropped lists the event keys Customer.io saved it without.
	webhookSaved bool
	dropped      []string

	// older is the outcome of disabling the webhooks of older dataflows.
	older *olderDisable

	// cancel stops the call in flight, nil when none runs. busyText describes that call.
	cancel   context.CancelFunc
	busyText string

	// Widgets of the last build.
	regionChoice  *widget.RadioGroup
	key           *widget.Entry
	rememberCheck *widget.Check
	rememberNote  *widget.Label
	events        *widget.Label
	actions       *fyne.Container
	create        *widget.Button
	busy          *busy
	outcome       *fyne.Container

	// scroll is the Done screen's scroll container, which reveal moves so that the outcome
	// of a run is on screen.
	scroll *container.Scroll
	// keyWheel passes the wheel over the App API key entry to scroll, which the Done
	// screen sets after the panel is built.
	keyWheel *wheelToPage

	// confirm is the confirmation dialog shown last, so tests can confirm it.
	confirm *dialog.ConfirmDialog
}

// webhookRun is the outcome of one ConnectWebhook run.
type webhookRun struct {
	result customerio.ConnectResult
	err    error

	// region is where the key worked, after any move to the other region.
	region customerio.Region

	// saveErr is the error of remembering the App API key, nil when it was saved or not
	// meant to be.
	saveErr error
}

// olderDisable is the outcome of disabling the webhooks of older dataflows.
type olderDisable struct {
	disabled []customerio.Webhook
	err      error
}

// addWebhookPanel puts the webhook panel into the Done screen's slot, unless the wizard has no
// way to reach Customer.io. The manual instructions stay on the screen either way.
func (s *doneStep) addWebhookPanel(result setup.Result) {
	cfg := s.w.customerIOConfig()
	if cfg == nil {
		return
	}
	if s.webhookPanel == nil || s.webhookPanel.flowID != result.FlowID {
		s.webhookPanel = newWebhookPanel(s.w, result.FlowID, cfg)
	}
	s.slot.Add(s.webhookPanel.build(result))
}

// customerIOConfig returns how to reach Customer.io now: the simulator once the wizard runs
// in demo mode, else Customer.io's own hosts. Nil means the panel is not offered.
func (w *Wizard) customerIOConfig() *CustomerIOConfig {
	if w.opts.CustomerIO == nil {
		return nil
	}
	return w.opts.CustomerIO(w.state.demo)
}

// newWebhookPanel returns a panel for the dataflow flowID, filled in with the configured key
// (the simulator's key in demo mode) or, later, with a key remembered on this computer.
func newWebhookPanel(w *Wizard, flowID string, cfg *CustomerIOConfig) *webhookPanel {
	p := &webhookPanel{
		w:         w,
		flowID:    flowID,
		region:    customerio.RegionUS,
		appAPIKey: cfg.AppAPIKey,
		remember:  w.state.remember && w.state.store.Persistent() && !w.state.demo,
	}
	if cfg.Region.Valid() {
		p.region = cfg.Region
	}
	if p.appAPIKey == "" && !w.state.demo {
		p.loadRemembered()
	}
	return p
}

// adobeCredentials returns the credential of the session, or the one typed in when the Done
// screen shows a setup from an earlier run.
func (p *webhookPanel) adobeCredentials() keyOwner {
	creds := p.w.state.sessionCreds
	if creds.ClientID == "" {
		creds = p.w.state.creds
	}
	return keyOwner{key: profileKey(creds), scopes: creds.Scopes, sandbox: p.w.state.lastSandbox}
}

// keyOwner is the Adobe profile that a remembered App API key is saved with.
type keyOwner struct {
	key     credentials.ProfileKey
	scopes  string
	sandbox string
}

// loadRemembered reads the App API key and region saved with the Adobe profile, off the UI
// goroutine because the OS keyring may wait on D-Bus.
func (p *webhookPanel) loadRemembered() {
	store := p.w.state.store
	owner := p.adobeCredentials()
	if owner.key.OrgID == "" || owner.key.ClientID == "" {
		return
	}

	type remembered struct {
		region customerio.Region
		key    string
	}
	start(p.w.work, func(context.Context) (remembered, error) {
		profile, secrets, err := store.LoadProfile(owner.key)
		if err != nil {
			return remembered{}, err
		}
		region, _ := customerio.ParseRegion(profile.CIORegion)
		return remembered{region: region, key: secrets.AppAPIKey}, nil
	}, func(r remembered, err error) {
		switch {
		case errors.Is(err, credentials.ErrProfileNotFound):
			return
		case err != nil:
			p.w.log.Warn("reading the remembered App API key failed", "profile", owner.key.String(), "err", err)
			return
		case r.key == "" || p.appAPIKey != "":
			// Nothing saved, or the user typed a key in the meantime.
			return
		}
		p.w.log.Info("App API key filled in from the credential store", "profile", owner.key.String(), "region", r.region)
		p.appAPIKey = r.key
		p.remember = true
		if r.region.Valid() {
			p.region = r.region
		}
		p.refreshForm()
	})
}

// webhookEvents returns the subscription keys of the event groups chosen for the dataflow.
func webhookEvents(result setup.Result) ([]string, error) {
	if len(result.EventGroups) == 0 {
		return nil, nil
	}
	return customerio.EventsForGroups(result.EventGroups)
}

func (p *webhookPanel) build(result setup.Result) fyne.CanvasObject {
	intro := newNote(lang.L("webhook.intro"))

	p.regionChoice = widget.NewRadioGroup([]string{regionName(customerio.RegionUS), regionName(customerio.RegionEU)}, nil)
	p.regionChoice.Horizontal = true
	p.regionChoice.Required = true
	p.regionChoice.SetSelected(regionName(p.region))
	p.regionChoice.OnChanged = func(selected string) {
		for _, r := range []customerio.Region{customerio.RegionUS, customerio.RegionEU} {
			if selected == regionName(r) {
				p.region = r
			}
		}
	}

	p.key = widget.NewPasswordEntry()
	p.key.SetPlaceHolder(lang.L("webhook.key_placeholder"))
	p.key.SetText(p.appAPIKey)
	p.key.OnChanged = func(value string) {
		p.appAPIKey = strings.TrimSpace(value)
		p.refreshCreate()
	}

	p.rememberCheck = widget.NewCheck(lang.L("webhook.remember"), func(on bool) { p.remember = on })
	p.rememberNote = newNote("")

	p.events = newWrappedLabel(eventsSummary(result.EventGroups, p.dropped))
	form := widget.NewForm(
		widget.NewFormItem(lang.L("webhook.region"), p.regionChoice),
		widget.NewFormItem(lang.L("webhook.key"), p.keyWithWheel()),
		widget.NewFormItem(lang.L("webhook.events"), p.events),
	)
	keyHelp := newNote(lang.L("webhook.key_help"))

	p.create = widget.NewButtonWithIcon("", theme.UploadIcon(), func() { p.onCreate(result) })
	p.create.Importance = widget.HighImportance
	p.actions = container.NewHBox(p.create)
	if p.busy != nil {
		// The old spinner leaves the window now; a running animation would keep ticking.
		p.busy.stop()
	}
	p.busy = newBusy()
	p.outcome = container.NewVBox()

	content := container.NewVBox(intro, form, keyHelp, p.rememberCheck, p.rememberNote)
	if notice := p.earlyNotice(result); notice != nil {
		content.Add(notice)
	}
	if events, err := webhookEvents(result); err != nil || len(events) == 0 {
		content.Add(problemView(problem{What: lang.L("webhook.no_events"), Next: lang.L("webhook.no_events_next")}))
	}
	content.Add(p.actions)
	content.Add(p.busy.box)
	content.Add(p.outcome)

	p.refreshForm()
	if p.cancel != nil {
		p.busy.start(lang.L(p.busyText), p.cancel)
	}
	p.showOutcome(result)
	return widget.NewCard(lang.L("webhook.title"), "", content)
}

// earlyNotice warns, before Adobe's waiting time after the dataflow's creation is over, that
// test events and the first real events may be lost.
func (p *webhookPanel) earlyNotice(result setup.Result) fyne.CanvasObject {
	if result.SendAfter.IsZero() || !p.w.opts.Now().Before(result.SendAfter) {
		return nil
	}
	text := lang.L("webhook.early", map[string]string{"Time": result.SendAfter.Local().Format(timeLayout)})
	if p.w.state.demo {
		text = lang.L("webhook.early_demo")
	}
	notice := newWrappedLabel(text)
	notice.Importance = widget.WarningImportance
	return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, notice)
}

// eventsSummary lists the chosen event groups with the number of events each sends, not
// counting the dropped keys, which Customer.io saved the webhook without.
func eventsSummary(groups, dropped []string) string {
	if len(groups) == 0 {
		return lang.L("webhook.events_none")
	}
	parts := make([]string, len(groups))
	for i, name := range groups {
		group, _ := customerio.LookupGroup(name)
		count := 0
		for _, key := range group.Events {
			if !slices.Contains(dropped, key) {
				count++
			}
		}
		parts[i] = lang.L("webhook.events_group", map[string]any{"Name": groupName(name), "Count": count})
	}
	return strings.Join(parts, ", ")
}

// refreshForm shows the panel's values in its widgets, and whether the key can be remembered.
func (p *webhookPanel) refreshForm() {
	if p.key == nil {
		return // not built yet
	}
	p.regionChoice.SetSelected(regionName(p.region))
	if p.key.Text != p.appAPIKey {
		p.key.SetText(p.appAPIKey)
	}

	st := p.w.state
	switch {
	case st.demo:
		p.remember = false
		p.rememberCheck.SetChecked(false)
		p.rememberCheck.Disable()
		p.rememberNote.SetText(lang.L("webhook.remember_demo"))
	case !st.store.Persistent():
		p.remember = false
		p.rememberCheck.SetChecked(false)
		p.rememberCheck.Disable()
		// The same reason the credentials step gives, because the same store is unusable.
		text := lang.L("webhook.session_only")
		if st.storeProblem != nil {
			why := explain(st.storeProblem)
			text = why.What + " " + why.Next + " " + text
		}
		p.rememberNote.SetText(text)
	default:
		p.rememberCheck.SetChecked(p.remember)
		p.rememberCheck.Enable()
		p.rememberNote.SetText(lang.L("webhook.remember_note"))
	}
	p.refreshCreate()
}

// refreshCreate names the button after what it does next and enables it when a run can
// start.
func (p *webhookPanel) refreshCreate() {
	if p.create == nil {
		return
	}
	text := lang.L("webhook.create")
	if p.webhookSaved {
		text = lang.L("webhook.retry")
	}
	p.create.SetText(text)

	result := p.w.state.result
	ready := p.cancel == nil && p.appAPIKey != "" && result != nil
	if ready {
		events, err := webhookEvents(*result)
		ready = err == nil && len(events) > 0
	}
	if ready {
		p.create.Enable()
	} else {
		p.create.Disable()
	}
}

// onCreate runs the webhook set-up, after a confirmation when Adobe's waiting time after the
// dataflow's creation is not over. The simulated inlet drops nothing, so demo mode does not
// ask.
func (p *webhookPanel) onCreate(result setup.Result) {
	if p.cancel != nil || p.appAPIKey == "" {
		return
	}
	if p.w.state.demo || result.SendAfter.IsZero() || !p.w.opts.Now().Before(result.SendAfter) {
		p.start(result)
		return
	}

	message := lang.L("webhook.early_confirm", map[string]string{"Time": result.SendAfter.Local().Format(timeLayout)})
	p.confirm = dialog.NewConfirm(lang.L("webhook.early_title"), message, func(ok bool) {
		if ok {
			p.start(result)
		}
	}, p.w.window)
	p.confirm.SetConfirmText(lang.L("webhook.early_continue"))
	p.confirm.SetDismissText(lang.L("nav.cancel"))
	p.confirm.Show()
}

// webhookJob is the result a run hands to the UI goroutine.
type webhookJob struct {
	client  *customerio.Client
	result  customerio.ConnectResult
	saveErr error
}

// start runs ConnectWebhook off the UI goroutine with a spinner and Cancel. The key is
// remembered only once Customer.io accepted it.
func (p *webhookPanel) start(result setup.Result) {
	cfg := p.w.customerIOConfig()
	if cfg == nil {
		return
	}
	events, err := webhookEvents(result)
	if err != nil || len(events) == 0 {
		return
	}

	region, appAPIKey, remember := p.region, p.appAPIKey, p.remember && !p.w.state.demo
	store, owner := p.w.state.store, p.adobeCredentials()
	spec := customerio.WebhookSpec{Endpoint: result.WebhookURL, FlowID: result.FlowID, Events: events}
	logger := p.w.log.With("flow_id", result.FlowID)

	p.run, p.older = nil, nil
	clearBox(p.outcome)
	logger.Info("creating the Customer.io reporting webhook", "region", region, "events", len(events), "demo", p.w.state.demo)

	cancel := start(p.w.work, func(ctx context.Context) (webhookJob, error) {
		client, err := customerio.NewClient(customerio.Options{
			Region:   region,
			APIKey:   appAPIKey,
			BaseURLs: cfg.BaseURLs,
			Logger:   logger,
			Secrets:  cfg.Secrets,
		})
		if err != nil {
			return webhookJob{}, err
		}
		sender := customerio.NewSender(customerio.SenderOptions{Logger: logger, Secrets: cfg.Secrets})

		connected, err := client.ConnectWebhook(ctx, spec, sender)
		job := webhookJob{client: client, result: connected}

		// The key works once the webhook exists, even when a test event failed.
		if remember && connected.Webhook.ID != 0 {
			job.saveErr = rememberAppAPIKey(store, owner, client.Region(), appAPIKey)
		}
		return job, err
	}, func(job webhookJob, err error) {
		p.cancel = nil
		p.busy.stop()
		p.client = job.client
		p.run = &webhookRun{result: job.result, err: err, region: region, saveErr: job.saveErr}
		if job.client != nil {
			// The client moves to the key's region after a wrong-region response.
			p.region = job.client.Region()
			p.run.region = p.region
		}
		if job.result.Webhook.ID != 0 {
			p.webhookSaved = true
			p.dropped = job.result.DroppedEvents
			p.events.SetText(eventsSummary(result.EventGroups, p.dropped))
		}
		p.logRun(logger, job, err)
		p.refreshForm()
		p.showOutcome(result)
		p.reveal(revealed(p.outcome))
	})

	p.cancel, p.busyText = cancel, "webhook.running"
	p.busy.start(lang.L(p.busyText), cancel)
	p.refreshCreate()
	p.reveal(revealed(p.busy.box))
}

// logRun records the outcome of a run with its IDs.
func (p *webhookPanel) logRun(logger *slog.Logger, job webhookJob, err error) {
	webhook := job.result.Webhook
	if change := job.result.RegionChange; change != nil {
		logger.Info("the App API key belongs to the other Customer.io region", "from", change.From, "to", change.To)
	}
	if job.saveErr != nil {
		logger.Warn("remembering the App API key failed", "err", job.saveErr)
	}
	switch {
	case err == nil && job.result.Enabled:
		logger.Info("Customer.io reporting webhook enabled", "webhook_id", webhook.ID, "tests", len(job.result.Tests))
	case err == nil:
		logger.Warn("Customer.io saved the reporting webhook disabled", "webhook_id", webhook.ID)
	case isCanceled(err):
		logger.Info("creating the Customer.io reporting webhook cancelled", "webhook_id", webhook.ID)
	default:
		logger.Warn("creating the Customer.io reporting webhook failed", "webhook_id", webhook.ID,
			"cause", customerio.CauseOf(err), "err", err)
	}
}

// rememberAppAPIKey saves the key and its region with the Adobe profile. A profile that was
// not saved yet is saved first without its client secret, because the store keeps the key
// per profile.
func rememberAppAPIKey(store credentials.Store, owner keyOwner, region customerio.Region, appAPIKey string) error {
	err := store.SetCustomerIO(owner.key, string(region), appAPIKey)
	if !errors.Is(err, credentials.ErrProfileNotFound) {
		return err
	}
	profile := credentials.Profile{
		ClientID:    owner.key.ClientID,
		OrgID:       owner.key.OrgID,
		LastSandbox: owner.sandbox,
	}
	if owner.scopes != "" {
		profile.Scopes = strings.Split(owner.scopes, ",")
	}
	if err := store.SaveProfile(profile, credentials.Secrets{}); err != nil {
		return err
	}
	return store.SetCustomerIO(owner.key, string(region), appAPIKey)
}

// showOutcome fills the outcome box from the last run: what happened, the test events, and
// the webhooks of older dataflows.
func (p *webhookPanel) showOutcome(result setup.Result) {
	clearBox(p.outcome)
	run := p.run
	if run == nil {
		return
	}

	p.outcome.Add(widget.NewSeparator())
	p.outcome.Add(p.summary(run))
	for _, note := range p.notes(run) {
		p.outcome.Add(note)
	}
	if len(run.result.Tests) > 0 {
		heading := widget.NewLabelWithStyle(lang.L("webhook.tests"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		p.outcome.Add(heading)
		p.outcome.Add(testRows(run.result.Tests))
	}
	if len(run.result.OlderFlows) > 0 {
		p.outcome.Add(p.olderFlows(run.result.OlderFlows))
	}
}

// summary shows whether the webhook now delivers and, when it does not, why and what to do.
func (p *webhookPanel) summary(run *webhookRun) fyne.CanvasObject {
	webhook := run.result.Webhook
	if run.err == nil && run.result.Enabled {
		text := lang.L("webhook.enabled", map[string]any{
			"Count": len(run.result.Tests), "Name": webhook.Name, "ID": webhook.ID, "Region": regionName(run.region),
		})
		label := newWrappedLabel(text)
		label.Importance = widget.SuccessImportance
		label.TextStyle = fyne.TextStyle{Bold: true}
		return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, label)
	}

	var testsErr *customerio.TestEventsError
	if errors.As(run.err, &testsErr) {
		accepted := testsErr.Total - len(testsErr.Failed)
		data := map[string]any{
			"Accepted": accepted, "Rejected": len(testsErr.Failed), "Total": testsErr.Total,
			"Name": webhook.Name, "ID": testsErr.WebhookID,
		}
		return problemView(problem{What: lang.L("webhook.partial", data), Next: lang.L("webhook.partial_next", data)})
	}

	why := explainCustomerIO(run.err)
	if run.err == nil {
		// ConnectWebhook returned no error, yet Customer.io saved the webhook disabled.
		why = problem{What: lang.L("webhook.not_enabled"), Next: lang.L("webhook.not_enabled_next")}
	}
	if webhook.ID != 0 && !isCanceled(run.err) {
		why.Next = lang.L("webhook.left_disabled", map[string]any{"Name": webhook.Name, "ID": webhook.ID}) + " " + why.Next
	}
	return problemView(why)
}

// notes lists what else the run did: the region it moved to, whether it created or updated
// the webhook, duplicates it disabled, events Customer.io did not take, and a key that could
// not be remembered.
func (p *webhookPanel) notes(run *webhookRun) []fyne.CanvasObject {
	var notes []fyne.CanvasObject
	add := func(text string, importance widget.Importance) {
		label := newWrappedLabel(text)
		label.Importance = importance
		notes = append(notes, label)
	}

	result := run.result
	if change := result.RegionChange; change != nil {
		add(lang.L("webhook.region_changed", map[string]string{"From": regionName(change.From), "To": regionName(change.To)}), widget.WarningImportance)
	}
	if result.Webhook.ID != 0 {
		key := "webhook.updated"
		if result.Created {
			key = "webhook.created"
		}
		add(lang.L(key, map[string]any{"Name": result.Webhook.Name, "ID": result.Webhook.ID}), widget.MediumImportance)
	}
	if len(result.DisabledDuplicates) > 0 {
		add(lang.L("webhook.duplicates_disabled", map[string]string{"Names": webhookNames(result.DisabledDuplicates)}), widget.MediumImportance)
	}
	if len(result.DroppedEvents) > 0 {
		add(lang.L("webhook.dropped_events", map[string]string{"Events": droppedEventNames(result.DroppedEvents)}), widget.WarningImportance)
	}
	if run.saveErr != nil {
		why := explain(run.saveErr)
		add(lang.L("webhook.remember_failed", map[string]string{"Problem": why.What + " " + why.Next}), widget.WarningImportance)
	}
	return notes
}

// eventMeanings translates what the events of a metric report, for the keys Customer.io may
// reject. Keys of other metrics are shown by name only.
var eventMeanings = map[string]string{
	"undeliverable": "webhook.meaning.undeliverable",
}

// droppedEventNames lists event keys as Customer.io's form names them, each with what its
// events report when that is known, such as "Slack: undeliverable (…)".
func droppedEventNames(keys []string) string {
	names := make([]string, len(keys))
	for i, key := range keys {
		names[i], _ = customerio.EventTitle(key)
		metric, _ := customerio.MetricOfEvent(key)
		if meaning, ok := eventMeanings[metric]; ok {
			names[i] = lang.L("webhook.event_meaning", map[string]string{"Name": names[i], "Meaning": lang.L(meaning)})
		}
	}
	return strings.Join(names, ", ")
}

// reveal scrolls the Done screen so that the panel's button row and the height below it are
// visible, or the button row alone when that area is taller than the window. Without it a
// run's spinner and outcome appear below the window's bottom edge, where the button usually
// sits.
func (p *webhookPanel) reveal(below float32) {
	scroll := p.scroll
	driver := p.w.app.Driver()
	if scroll == nil || scroll.Content == nil || driver.CanvasForObject(p.actions) == nil {
		return
	}

	// The content grew since the last frame, so it is laid out now for current positions.
	// Objects shown in this frame are not in the driver's tree yet, which is why the area is
	// measured from the button row and not from the objects below it.
	scroll.Content.Resize(scroll.Content.MinSize().Max(scroll.Size()))
	top := driver.AbsolutePositionForObject(p.actions).Y - driver.AbsolutePositionForObject(scroll.Content).Y
	bottom := top + p.actions.MinSize().Height + below

	offset, view := scroll.Offset.Y, scroll.Size().Height
	switch {
	case bottom-top > view || top < offset:
		offset = top
	case bottom > offset+view:
		offset = bottom - view
	}
	scroll.ScrollToOffset(fyne.NewPos(scroll.Offset.X, offset))
}

// revealed returns the height of box below the button row, with the space the panel leaves
// between them, for reveal.
func revealed(box fyne.CanvasObject) float32 {
	return theme.Padding() + box.MinSize().Height
}

// testRows shows one row per test event: group, accepted or rejected, latency, and Adobe's
// transaction ID or the reason.
func testRows(tests []customerio.TestResult) fyne.CanvasObject {
	rows := container.New(layout.NewFormLayout())
	for _, t := range tests {
		group := widget.NewLabelWithStyle(groupName(t.Group), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

		icon := widget.NewIcon(theme.ConfirmIcon())
		status := widget.NewLabel(lang.L("webhook.test_accepted"))
		status.Importance = widget.SuccessImportance
		detail := lang.L("webhook.test_no_xaction")
		if t.XactionID != "" {
			detail = lang.L("webhook.test_xaction", map[string]string{"ID": t.XactionID})
		}
		if !t.Accepted() {
			icon = widget.NewIcon(theme.ErrorIcon())
			status.SetText(lang.L("webhook.test_rejected"))
			status.Importance = widget.DangerImportance
			detail = testEventReason(t.Err)
		}

		latency := widget.NewLabel(lang.L("webhook.test_latency", map[string]int64{"Milliseconds": t.Latency.Milliseconds()}))
		styleNote(latency)
		reason := newWrappedLabel(detail)
		reason.Selectable = true

		// The VBox keeps icon and status on the first line when the reason wraps.
		rows.Add(group)
		rows.Add(container.NewBorder(nil, nil, container.NewVBox(container.NewHBox(icon, status, latency)), nil, reason))
	}
	return rows
}

// testEventReason puts into words why one test event was not accepted.
func testEventReason(err error) string {
	var eventErr *customerio.TestEventError
	if !errors.As(err, &eventErr) {
		if err == nil {
			return lang.L("webhook.test_not_accepted")
		}
		return lang.L("webhook.test_error", map[string]string{"Error": err.Error()})
	}

	switch eventErr.Cause {
	case customerio.CauseTimeout:
		return lang.L("webhook.test_timeout", map[string]any{"Seconds": int(customerio.DefaultTestTimeout / time.Second)})
	case customerio.CauseRejected:
		detail := eventErr.Detail
		if detail == "" {
			detail = lang.L("webhook.test_no_detail")
		}
		return lang.L("webhook.test_status", map[string]any{"Status": eventErr.Status, "Detail": detail})
	case customerio.CauseNetwork:
		return lang.L("webhook.test_network", map[string]string{"Error": errorText(eventErr.Err)})
	default:
		return lang.L("webhook.test_error", map[string]string{"Error": eventErr.Error()})
	}
}

// errorText returns err's text, or nothing for a nil error.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// olderFlows offers to disable the enabled webhooks that still send to the same streaming
// endpoint for other dataflows, after a confirmation.
func (p *webhookPanel) olderFlows(older []customerio.Webhook) fyne.CanvasObject {
	box := container.NewVBox(widget.NewSeparator())
	names := webhookNames(older)

	if p.older != nil && p.older.err == nil {
		done := newWrappedLabel(lang.L("webhook.older_disabled", map[string]string{"Names": webhookNames(p.older.disabled)}))
		done.Importance = widget.SuccessImportance
		box.Add(done)
		return box
	}

	text := newWrappedLabel(lang.L("webhook.older", map[string]string{"Names": names}))
	text.Importance = widget.WarningImportance
	box.Add(text)
	if p.older != nil {
		why := explainCustomerIO(p.older.err)
		if len(p.older.disabled) > 0 {
			why.Next = lang.L("webhook.older_partly", map[string]string{"Names": webhookNames(p.older.disabled)}) + " " + why.Next
		}
		box.Add(problemView(why))
	}

	disable := widget.NewButtonWithIcon(lang.L("webhook.older_disable"), theme.MediaPauseIcon(), func() {
		p.confirmDisableOlder(older)
	})
	if p.cancel != nil {
		disable.Disable()
	}
	box.Add(container.NewHBox(disable))
	return box
}

// confirmDisableOlder shows a confirmation before stopping the older webhooks, because they
// may feed a dataflow the user still relies on.
func (p *webhookPanel) confirmDisableOlder(older []customerio.Webhook) {
	message := lang.L("webhook.older_confirm", map[string]string{"Names": webhookNames(older)})
	p.confirm = dialog.NewConfirm(lang.L("webhook.older_title"), message, func(ok bool) {
		if ok {
			p.disableOlder(older)
		}
	}, p.w.window)
	p.confirm.SetConfirmText(lang.L("webhook.older_disable"))
	p.confirm.SetDismissText(lang.L("nav.cancel"))
	p.confirm.SetConfirmImportance(widget.DangerImportance)
	p.confirm.Show()
}

// disableOlder disables the older webhooks one by one off the UI goroutine and stops at the
// first failure, which the panel shows with the webhooks already disabled.
func (p *webhookPanel) disableOlder(older []customerio.Webhook) {
	client, result := p.client, p.w.state.result
	if client == nil || result == nil || p.cancel != nil {
		return
	}
	logger := p.w.log.With("flow_id", p.flowID)

	cancel := start(p.w.work, func(ctx context.Context) (olderDisable, error) {
		var outcome olderDisable
		for _, webhook := range older {
			disabled, err := client.DisableWebhook(ctx, webhook.ID)
			if err != nil {
				outcome.err = err
				return outcome, err
			}
			logger.Info("disabled the Customer.io webhook of an older dataflow", "webhook_id", webhook.ID)
			outcome.disabled = append(outcome.disabled, disabled)
		}
		return outcome, nil
	}, func(outcome olderDisable, err error) {
		p.cancel = nil
		p.busy.stop()
		if err != nil {
			logger.Warn("disabling older Customer.io webhooks failed", "disabled", len(outcome.disabled), "cause", customerio.CauseOf(err), "err", err)
		}
		p.older = &outcome
		p.refreshCreate()
		p.showOutcome(*result)
		p.reveal(revealed(p.outcome))
	})

	p.cancel, p.busyText = cancel, "webhook.older_running"
	p.busy.start(lang.L(p.busyText), cancel)
	p.refreshCreate()
}

// webhookNames lists webhooks as "name (ID n)".
func webhookNames(webhooks []customerio.Webhook) string {
	parts := make([]string, len(webhooks))
	for i, w := range webhooks {
		parts[i] = lang.L("webhook.name_id", map[string]any{"Name": w.Name, "ID": w.ID})
	}
	return strings.Join(parts, ", ")
}

// regionName returns the translated name of a Customer.io region, such as "Europe (EU)".
func regionName(r customerio.Region) string {
	switch r {
	case customerio.RegionUS:
		return lang.L("webhook.region_us")
	case customerio.RegionEU:
		return lang.L("webhook.region_eu")
	default:
		return string(r)
	}
}

// customerIOMessages translates the causes of Customer.io App API errors.
var customerIOMessages = map[customerio.Cause]messageKeys{
	customerio.CauseUnauthorized:       {"webhook.error.unauthorized", "webhook.error.unauthorized_next"},
	customerio.CauseWrongRegion:        {"webhook.error.wrong_region", "webhook.error.wrong_region_next"},
	customerio.CauseForbidden:          {"webhook.error.forbidden", "webhook.error.forbidden_next"},
	customerio.CauseNotFound:           {"webhook.error.not_found", "webhook.error.not_found_next"},
	customerio.CauseInvalidRequest:     {"webhook.error.invalid_request", "webhook.error.invalid_request_next"},
	customerio.CauseRateLimited:        {"webhook.error.rate_limited", "webhook.error.rate_limited_next"},
	customerio.CauseServerError:        {"webhook.error.server_error", "webhook.error.server_error_next"},
	customerio.CauseUnexpectedRedirect: {"webhook.error.unexpected_redirect", "webhook.error.unexpected_redirect_next"},
	customerio.CauseUnexpectedStatus:   {"webhook.error.unexpected_status", "webhook.error.unexpected_status_next"},
	customerio.CauseInvalidResponse:    {"webhook.error.invalid_response", "webhook.error.invalid_response_next"},
	customerio.CauseNetwork:            {"webhook.error.network", "webhook.error.network_next"},
}

// explainCustomerIO puts an error of the webhook set-up into words: a cancel, an App API
// error by cause with the region and status involved, an invalid input, or anything else
// through explain.
func explainCustomerIO(err error) problem {
	var (
		apiErr   *customerio.APIError
		inputErr *customerio.InputError
	)
	switch {
	case isCanceled(err):
		return problem{What: lang.L("webhook.error.canceled"), Next: lang.L("webhook.error.canceled_next")}
	case errors.As(err, &apiErr):
		keys, ok := customerIOMessages[apiErr.Cause]
		if !ok {
			keys = customerIOMessages[customerio.CauseUnexpectedStatus]
		}
		data := map[string]any{
			"Region":    regionName(apiErr.Region),
			"KeyRegion": regionName(apiErr.KeyRegion),
			"Status":    apiErr.Status,
			"Location":  apiErr.Location,
		}
		return problem{What: lang.L(keys.what, data), Next: lang.L(keys.next, data), Details: customerIODetails(apiErr)}
	case errors.As(err, &inputErr):
		data := map[string]string{"Field": inputErr.Field, "Reason": inputErr.Reason}
		p := problem{What: lang.L("webhook.error.invalid_input", data), Next: lang.L("webhook.error.invalid_input_next")}
		if inputErr.Value != "" {
			p.Details = lang.L("webhook.details.value", map[string]string{"Value": inputErr.Value})
		}
		return p
	}
	return explain(err)
}

// customerIODetails lists the operation, status and Customer.io's message for support.
func customerIODetails(e *customerio.APIError) string {
	var parts []string
	if e.Operation != "" {
		parts = append(parts, lang.L("error.details.operation", map[string]string{"Value": e.Operation}))
	}
	if e.Status != 0 {
		parts = append(parts, lang.L("error.details.status", map[string]string{"Value": fmt.Sprint(e.Status)}))
	}
	if e.Detail != "" {
		parts = append(parts, lang.L("webhook.details.message", map[string]string{"Value": e.Detail}))
	}
	return strings.Join(parts, " · ")
}

// keyWithWheel returns the App API key entry under a layer that scrolls the Done screen, so
// the page keeps scrolling when the pointer passes over the entry.
func (p *webhookPanel) keyWithWheel() fyne.CanvasObject {
	p.keyWheel = &wheelToPage{page: p.scroll}
	p.keyWheel.ExtendBaseWidget(p.keyWheel)
	return container.NewStack(p.key, p.keyWheel)
}
