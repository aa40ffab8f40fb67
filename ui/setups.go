package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/links"
	"github.com/cioaep/setup/flows/setup"
)

// runStatusKeys translates the states of a journaled run.
var runStatusKeys = map[setup.RunStatus]string{
	setup.RunRunning:        "setups.status.running",
	setup.RunFailed:         "setups.status.failed",
	setup.RunCanceled:       "setups.status.canceled",
	setup.RunSucceeded:      "setups.status.succeeded",
	setup.RunRolledBack:     "setups.status.rolled_back",
	setup.RunRollbackFailed: "setups.status.rollback_failed",
}

// setupsScreen lists the Customer.io dataflows of the chosen sandbox as Adobe reports them,
// each with its webhook URL to copy and the actions on it: disable or enable, delete, open
// in Adobe Experience Platform, and health. Below them it lists the runs started on this
// computer that did not finish, to continue them or delete what they created.
type setupsScreen struct {
	w *Wizard

	refresh *widget.Button
	busy    *busy
	problem *fyne.Container
	notice  *widget.Label
	list    *fyne.Container
	cards   []*setupCard

	// loading is set while the list is read from Adobe, and cancelLoad cancels that call.
	loading    bool
	cancelLoad context.CancelFunc

	// acting is set while an action on one setup runs, so that no second one starts.
	acting bool

	// confirmDelete is the delete confirmation on show, nil when none is, and confirmText
	// its text.
	confirmDelete *dialog.ConfirmDialog
	confirmText   *widget.Label
	// confirmDisable is the disable confirmation on show, nil when none is.
	confirmDisable *dialog.ConfirmDialog

	// deleted is the setup removed last, named in the notice above the list.
	deleted *existing.Setup
}

// setupCard is the card of one setup, with the widgets that the actions and tests use.
type setupCard struct {
	setup existing.Setup
	card  *widget.Card

	webhook     *widget.Label  // nil while the dataflow has no webhook URL
	copyWebhook *widget.Button // nil while the dataflow has no webhook URL
	state       *widget.Label

	toggle   *widget.Button // Disable or Enable
	health   *widget.Button
	open     *widget.Button
	remove   *widget.Button
	fallback *fyne.Container // the Adobe Experience Platform URL when no browser opens
}

func (s *setupsScreen) title() string {
	return lang.L("setups.title")
}

func (s *setupsScreen) nav() navigation {
	if s.w.state.session == nil {
		return navigation{back: func() { s.w.show(screenWelcome) }}
	}
	return navigation{back: func() { s.w.show(screenSandbox) }}
}

func (s *setupsScreen) build() fyne.CanvasObject {
	st := s.w.state
	s.busy = newBusy()
	s.problem = container.NewVBox()
	s.notice = newWrappedLabel("")
	s.notice.Importance = widget.SuccessImportance
	s.list = container.NewVBox()
	s.cards = nil
	s.refresh = widget.NewButtonWithIcon(lang.L("setups.refresh"), theme.ViewRefreshIcon(), s.load)

	content := container.NewVBox()
	if st.session == nil || st.sandbox == nil {
		content.Add(newNote(lang.L("setups.connect_first")))
	} else {
		intro := newNote(lang.L("setups.intro", map[string]string{"Sandbox": st.sandbox.Title, "Name": st.sandbox.Name}))
		content.Add(container.NewBorder(nil, nil, nil, s.refresh, intro))
		content.Add(s.busy.box)
		content.Add(s.problem)
		content.Add(s.notice)
		content.Add(s.list)

		s.refreshNotice()
		s.refreshList()
		if s.loading {
			s.busy.start(lang.L("setups.loading"), s.cancelLoad)
			s.refresh.Disable()
		}
	}

	if runs := s.runsSection(); runs != nil {
		content.Add(widget.NewSeparator())
		content.Add(runs)
	}
	return container.NewVScroll(content)
}

// enter lists the setups the first time the screen is shown for a sandbox. Refresh lists
// them again.
func (s *setupsScreen) enter() {
	st := s.w.state
	if st.sandbox == nil || st.setupsSandbox == st.sandbox.Name {
		return
	}
	s.load()
}

// load reads the sandbox's setups from Adobe off the UI goroutine, with a spinner and Cancel.
func (s *setupsScreen) load() {
	st := s.w.state
	if st.session == nil || st.sandbox == nil || s.loading || s.acting {
		return
	}

	session, sandbox := st.session, st.sandbox.Name
	service := session.Setups()
	s.loading = true
	s.deleted = nil
	s.refreshNotice()
	clearBox(s.problem)

	s.w.log.Info("listing existing setups", "sandbox", sandbox)
	s.cancelLoad = start(s.w.work, func(ctx context.Context) ([]existing.Setup, error) {
		return service.List(ctx, sandbox)
	}, func(setups []existing.Setup, err error) {
		s.loading, s.cancelLoad = false, nil
		s.busy.stop()
		s.refresh.Enable()

		// The user may have connected again or chosen another sandbox meanwhile.
		if st.session != session || st.sandbox == nil || st.sandbox.Name != sandbox {
			s.w.log.Info("dropping a setup list for a previous sandbox", "sandbox", sandbox)
			return
		}
		if err != nil {
			if isCanceled(err) {
				s.w.log.Info("listing existing setups cancelled", "sandbox", sandbox)
				return
			}
			s.w.log.Warn("listing existing setups failed", "sandbox", sandbox, "err", err)
			showProblem(s.problem, explainSetups(err))
			return
		}

		s.w.log.Info("existing setups listed", "sandbox", sandbox, "count", len(setups))
		if setups == nil {
			setups = []existing.Setup{}
		}
		st.setups, st.setupsSandbox = setups, sandbox
		s.refreshList()
	})
	s.busy.start(lang.L("setups.loading"), s.cancelLoad)
	s.refresh.Disable()
}

// refreshList builds a card for each setup listed for the chosen sandbox.
func (s *setupsScreen) refreshList() {
	st := s.w.state
	s.cards = nil
	var objects []fyne.CanvasObject

	if st.sandbox != nil && st.setupsSandbox == st.sandbox.Name {
		if len(st.setups) == 0 {
			objects = append(objects, newWrappedLabel(lang.L("setups.none", map[string]string{"Sandbox": st.sandbox.Title})))
		}
		for _, listed := range st.setups {
			card := s.newCard(listed)
			s.cards = append(s.cards, card)
			objects = append(objects, card.card)
		}
	}

	s.list.Objects = objects
	s.list.Refresh()
}

// refreshNotice names the setup deleted last, or hides the notice.
func (s *setupsScreen) refreshNotice() {
	if s.deleted == nil {
		s.notice.Hide()
		return
	}
	s.notice.SetText(lang.L("setups.deleted", map[string]string{"Name": setupTitle(*s.deleted)}))
	s.notice.Show()
}

// newCard returns the card of one setup: the webhook URL with Copy, the state, the creation
// time, the target dataset, and the actions.
func (s *setupsScreen) newCard(listed existing.Setup) *setupCard {
	c := &setupCard{setup: listed, fallback: container.NewVBox()}
	form := widget.NewForm()

	if listed.WebhookURL != "" {
		field, button := s.w.newCopyField(listed.WebhookURL)
		c.webhook = field.Objects[0].(*widget.Label)
		c.copyWebhook = button
		form.Append(lang.L("setups.webhook"), field)
	} else {
		form.Append(lang.L("setups.webhook"), newNote(lang.L("setups.no_webhook")))
	}

	c.state = widget.NewLabel(stateName(listed))
	if !listed.Enabled() {
		c.state.Importance = widget.WarningImportance
	}
	form.Append(lang.L("setups.state"), c.state)
	form.Append(lang.L("setups.created"), widget.NewLabel(formatTime(listed.Created)))
	form.Append(lang.L("setups.dataset"), datasetView(listed))

	content := container.NewVBox(form)
	if listed.DetailsErr != nil {
		p := explainSetups(listed.DetailsErr)
		content.Add(newNote(lang.L("setups.details_failed", map[string]string{"Problem": p.What})))
	}

	if listed.Enabled() {
		c.toggle = widget.NewButtonWithIcon(lang.L("setups.disable"), theme.MediaPauseIcon(), func() { s.onDisable(c.setup) })
	} else {
		c.toggle = widget.NewButtonWithIcon(lang.L("setups.enable"), theme.MediaPlayIcon(), func() { s.changeState(c.setup, true) })
	}
	c.health = widget.NewButtonWithIcon(lang.L("setups.health"), theme.InfoIcon(), func() { s.openHealth(c.setup) })
	c.open = widget.NewButtonWithIcon(lang.L("setups.open_aep"), theme.ComputerIcon(), func() {
		s.w.openLink(links.DataflowPage(c.setup.Sandbox, c.setup.FlowID), c.fallback)
	})
	if s.w.state.demo {
		// A dataflow of the simulated platform has no page in Adobe Experience Platform.
		c.open.Hide()
	}
	c.remove = widget.NewButtonWithIcon(lang.L("setups.delete"), theme.DeleteIcon(), func() { s.onDelete(c.setup) })
	c.remove.Importance = widget.DangerImportance
	c.enableActions(!s.acting)

	content.Add(container.NewHBox(c.toggle, c.health, c.open, c.remove))
	content.Add(c.fallback)

	subtitle := lang.L("setups.flow_id", map[string]string{"ID": listed.FlowID})
	c.card = widget.NewCard(setupTitle(listed), subtitle, content)
	return c
}

// enableActions enables or disables the card's buttons that change the setup.
func (c *setupCard) enableActions(on bool) {
	for _, button := range []*widget.Button{c.toggle, c.remove} {
		if on {
			button.Enable()
		} else {
			button.Disable()
		}
	}
}

// datasetView shows the target dataset by name and ID, or a warning that it was deleted.
func datasetView(listed existing.Setup) fyne.CanvasObject {
	switch {
	case listed.DatasetDeleted:
		label := newWrappedLabel(lang.L("setups.dataset_deleted", map[string]string{"ID": listed.DatasetID}))
		label.Importance = widget.WarningImportance
		return label
	case listed.DatasetName != "":
		label := newWrappedLabel(lang.L("setups.dataset_value", map[string]string{"Name": listed.DatasetName, "ID": listed.DatasetID}))
		label.Selectable = true
		return label
	case listed.DatasetID != "":
		label := newWrappedLabel(listed.DatasetID)
		label.Selectable = true
		return label
	default:
		return newNote(lang.L("setups.dataset_unknown"))
	}
}

// setupTitle returns the dataflow's name, or its ID when it has none.
func setupTitle(listed existing.Setup) string {
	if listed.FlowName != "" {
		return listed.FlowName
	}
	return listed.FlowID
}

// stateName translates the state of a setup's dataflow.
func stateName(listed existing.Setup) string {
	if listed.Enabled() {
		return lang.L("setups.enabled")
	}
	return lang.L("setups.disabled")
}

// formatTime formats a time in local time, the same way in English and Spanish.
func formatTime(t time.Time) string {
	return t.Local().Format(dateLayout + " " + timeLayout)
}

// beginAction shows the spinner with text and keeps other actions from starting.
func (s *setupsScreen) beginAction(text string) {
	s.acting = true
	s.deleted = nil
	s.refreshNotice()
	clearBox(s.problem)
	s.busy.start(text, nil)
	s.refresh.Disable()
	for _, c := range s.cards {
		c.enableActions(false)
	}
}

// endAction hides the spinner and allows actions again.
func (s *setupsScreen) endAction() {
	s.acting = false
	s.busy.stop()
	s.refresh.Enable()
	for _, c := range s.cards {
		c.enableActions(true)
	}
}

// changeState enables or disables the setup's dataflow off the UI goroutine and shows the
// state Adobe returned.
func (s *setupsScreen) changeState(target existing.Setup, enable bool) {
	st := s.w.state
	if st.session == nil || s.acting || s.loading {
		return
	}

	service := st.session.Setups()
	text := lang.L("setups.disabling", map[string]string{"Name": setupTitle(target)})
	if enable {
		text = lang.L("setups.enabling", map[string]string{"Name": setupTitle(target)})
	}
	s.beginAction(text)

	s.w.log.Info("changing a dataflow's state", "sandbox", target.Sandbox, "flow_id", target.FlowID, "enable", enable)
	start(s.w.work, func(ctx context.Context) (existing.Setup, error) {
		if enable {
			return service.Enable(ctx, target)
		}
		return service.Disable(ctx, target)
	}, func(updated existing.Setup, err error) {
		s.endAction()
		if err != nil {
			s.w.log.Warn("changing a dataflow's state failed", "sandbox", target.Sandbox, "flow_id", target.FlowID,
				"enable", enable, "err", err)
			showProblem(s.problem, explainSetups(err))
			return
		}

		s.w.log.Info("dataflow state changed", "sandbox", target.Sandbox, "flow_id", target.FlowID, "state", updated.State)
		for i, listed := range st.setups {
			if listed.FlowID == updated.FlowID {
				st.setups[i] = updated
			}
		}
		s.refreshList()
	})
}

// onDisable shows a confirmation before disabling a dataflow, because Customer.io keeps
// posting to its URL and holds back later events while the inlet rejects them.
func (s *setupsScreen) onDisable(target existing.Setup) {
	if s.w.state.session == nil || s.acting || s.loading {
		return
	}

	title := lang.L("setups.disable_title", map[string]string{"Name": setupTitle(target)})
	message := newWrappedLabel(lang.L("setups.disable_confirm"))
	confirm := dialog.NewCustomConfirm(title, lang.L("setups.disable"), lang.L("nav.cancel"), message, func(ok bool) {
		s.confirmDisable = nil
		if ok {
			s.changeState(target, false)
		}
	}, s.w.window)
	confirm.SetConfirmImportance(widget.WarningImportance)
	s.confirmDisable = confirm
	confirm.Show()

	width := min(deleteDialogWidth, s.w.window.Canvas().Size().Width-2*theme.Padding())
	message.Resize(fyne.NewSize(width-4*theme.Padding(), message.MinSize().Height))
	confirm.Resize(fyne.NewSize(width, 0))
}

// onDelete shows a confirmation dialog that names what Delete removes and what it keeps.
func (s *setupsScreen) onDelete(target existing.Setup) {
	st := s.w.state
	if st.session == nil || s.acting || s.loading {
		return
	}

	plan := st.session.Setups().DescribeDelete(target)
	title := lang.L("setups.delete_title", map[string]string{"Name": setupTitle(target)})
	// A left-aligned label reads better than the centred text of dialog.NewConfirm for a list.
	message := newWrappedLabel(deleteMessage(plan))
	s.confirmText = message
	confirm := dialog.NewCustomConfirm(title, lang.L("setups.delete"), lang.L("nav.cancel"), message, func(ok bool) {
		s.confirmDelete = nil
		if ok {
			s.deleteSetup(target)
		}
	}, s.w.window)
	confirm.SetConfirmImportance(widget.DangerImportance)
	s.confirmDelete = confirm
	confirm.Show()

	// A wrapped label is as tall as its text at its current width, so it gets the dialog's
	// width first and the dialog then takes the label's height.
	width := min(deleteDialogWidth, s.w.window.Canvas().Size().Width-2*theme.Padding())
	message.Resize(fyne.NewSize(width-4*theme.Padding(), message.MinSize().Height))
	confirm.Resize(fyne.NewSize(width, 0))
}

// deleteSetup removes the setup's dataflow and its two connections off the UI goroutine. On
// success the setup leaves the list, and the last setup is forgotten when it was this one.
// After a failure the setup stays listed, so that Delete can finish what is left.
func (s *setupsScreen) deleteSetup(target existing.Setup) {
	st := s.w.state
	service := st.session.Setups()
	s.beginAction(lang.L("setups.deleting", map[string]string{"Name": setupTitle(target)}))

	s.w.log.Info("deleting a setup", "sandbox", target.Sandbox, "flow_id", target.FlowID)
	start(s.w.work, func(ctx context.Context) (existing.DeleteResult, error) {
		return service.Delete(ctx, target)
	}, func(result existing.DeleteResult, err error) {
		s.endAction()
		if err != nil {
			s.w.log.Warn("deleting a setup failed", "sandbox", target.Sandbox, "flow_id", target.FlowID,
				"deleted", len(result.Deleted), "already_gone", len(result.AlreadyGone), "err", err)
			showProblem(s.problem, explainSetups(err))
			return
		}

		forgotten := s.w.lastSetup.ForgetFlow(target.FlowID)
		s.w.log.Info("setup deleted", "sandbox", target.Sandbox, "flow_id", target.FlowID,
			"deleted", len(result.Deleted), "already_gone", len(result.AlreadyGone), "last_setup_forgotten", forgotten)

		remaining := st.setups[:0]
		for _, listed := range st.setups {
			if listed.FlowID != target.FlowID {
				remaining = append(remaining, listed)
			}
		}
		st.setups = remaining
		if st.healthSetup != nil && st.healthSetup.FlowID == target.FlowID {
			st.healthSetup, st.health = nil, nil
		}

		s.deleted = &target
		s.refreshNotice()
		s.refreshList()
	})
}

// deleteDialogWidth is the width of the delete confirmation in a window wide enough for it,
// room for a resource name and its ID on one line at the default text size.
const deleteDialogWidth float32 = 640

// deleteMessage returns the text of the delete confirmation: what Delete removes and that the
// dataset and its schema stay. It also warns that Customer.io keeps posting to the URL until
// its reporting webhook is disabled, and then retries and holds back later events.
func deleteMessage(plan existing.DeletePlan) string {
	message := lang.L("setups.delete_confirm", map[string]string{
		"Sandbox":   plan.Sandbox,
		"Resources": resourceLines(plan.Delete),
	})
	if len(plan.Keep) == 0 {
		message += "\n\n" + lang.L("setups.delete_keeps_unknown")
	} else {
		message += "\n\n" + lang.L("setups.delete_keeps", map[string]string{"Resources": resourceLines(plan.Keep)})
	}
	return message + "\n\n" + lang.L("setups.delete_webhook")
}

// resourceLines lists resources one per line as "Kind: name (ID)".
func resourceLines(resources []existing.Resource) string {
	lines := make([]string, len(resources))
	for i, r := range resources {
		name := r.ID
		if r.Name != "" {
			name = r.Name + " (" + r.ID + ")"
		}
		lines[i] = "• " + existingKindName(r.Kind) + ": " + name
	}
	return strings.Join(lines, "\n")
}

// existingKindNames translates the kinds of resources of an existing setup.
var existingKindNames = map[existing.ResourceKind]string{
	existing.KindFlow:             "kind.dataflow",
	existing.KindSourceConnection: "kind.source_connection",
	existing.KindTargetConnection: "kind.target_connection",
	existing.KindDataset:          "kind.dataset",
	existing.KindSchema:           "kind.schema",
}

// existingKindName returns the translated name of a resource kind.
func existingKindName(kind existing.ResourceKind) string {
	if key, ok := existingKindNames[kind]; ok {
		return lang.L(key)
	}
	return string(kind)
}

// openHealth shows the health screen of a setup, read afresh.
func (s *setupsScreen) openHealth(target existing.Setup) {
	st := s.w.state
	st.healthSetup, st.health = &target, nil
	s.w.show(screenHealth)
}

// existingMessages translates the causes of *existing.Error. CausePlatform is missing on
// purpose, because the Adobe error behind it is more precise.
var existingMessages = map[existing.Cause]messageKeys{
	existing.CauseSetupChanged:  {"error.existing.setup_changed", "error.existing.setup_changed_next"},
	existing.CauseNotCustomerIO: {"error.existing.not_customerio", "error.existing.not_customerio_next"},
	existing.CauseMissingID:     {"error.existing.missing_id", "error.existing.missing_id_next"},
	existing.CauseCanceled:      {"error.aep.canceled", "error.aep.canceled_next"},
}

// explainSetups puts an error of the existing-setups work into words, with explain for the
// Adobe errors behind it.
func explainSetups(err error) problem {
	var e *existing.Error
	if !errors.As(err, &e) {
		return explain(err)
	}
	keys, ok := existingMessages[e.Cause]
	if !ok {
		return explain(err)
	}

	actual := e.Actual
	if actual == "" {
		actual = "—"
	}
	flow := e.Resource.Name
	if flow == "" {
		flow = e.Resource.ID
	}
	data := map[string]string{
		"Flow":     flow,
		"Kind":     existingKindName(e.Resource.Kind),
		"Expected": e.Expected,
		"Actual":   actual,
	}
	return problem{What: lang.L(keys.what, data), Next: lang.L(keys.next, data)}
}

// runsSection lists the runs started on this computer that did not finish, or returns nil
// when there is none. Finished runs are left out, because Adobe lists their dataflows above.
func (s *setupsScreen) runsSection() fyne.CanvasObject {
	st := s.w.state
	heading := widget.NewLabelWithStyle(lang.L("setups.runs_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

	// Journals are small local files, so reading them here does not hold up the window.
	runs, err := setup.ListRuns(st.journalDir)
	if err != nil {
		s.w.log.Warn("listing setup journals failed", "dir", st.journalDir, "err", err)
		return container.NewVBox(heading, problemView(explain(err)))
	}

	var unfinished []setup.RunSummary
	for _, run := range runs {
		if st.run != nil && st.run.running && st.run.runID == run.RunID {
			continue // running right now on the create step
		}
		if run.Resumable() || (hasRemaining(run.Resources) && run.Status != setup.RunSucceeded) {
			unfinished = append(unfinished, run)
		}
	}
	if len(unfinished) == 0 {
		return nil
	}

	box := container.NewVBox(heading, newNote(lang.L("setups.runs_intro")))
	for _, run := range unfinished {
		box.Add(s.runCard(run))
	}
	return box
}

// runCard shows one unfinished run with the actions its state allows.
func (s *setupsScreen) runCard(run setup.RunSummary) fyne.CanvasObject {
	status := string(run.Status)
	if key, ok := runStatusKeys[run.Status]; ok {
		status = lang.L(key)
	}
	subtitle := lang.L("setups.run", map[string]string{
		"Sandbox": run.Sandbox,
		"Date":    formatTime(run.CreatedAt),
		"Status":  status,
	})

	actions := container.NewHBox()
	if run.Resumable() {
		actions.Add(widget.NewButtonWithIcon(lang.L("setups.continue"), theme.MediaPlayIcon(), func() {
			s.openRun(run.RunID, false)
		}))
	}
	if hasRemaining(run.Resources) && run.Status != setup.RunSucceeded {
		remove := widget.NewButtonWithIcon(lang.L("create.delete"), theme.DeleteIcon(), func() {
			s.openRun(run.RunID, true)
		})
		remove.Importance = widget.DangerImportance
		actions.Add(remove)
	}

	return widget.NewCard(run.RunID, subtitle, actions)
}

// hasRemaining reports whether any of the resources is not deleted yet.
func hasRemaining(resources []setup.Resource) bool {
	for _, r := range resources {
		if r.DeletedAt == nil {
			return true
		}
	}
	return false
}

// openRun continues or deletes a journaled run, connecting first when there is no session.
func (s *setupsScreen) openRun(runID string, remove bool) {
	st := s.w.state
	st.pendingRun, st.pendingDelete = runID, remove
	if st.session == nil {
		s.w.show(screenCredentials)
		return
	}
	s.w.show(screenCreate)
}
