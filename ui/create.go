package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/existing"
	"github.com/cioaep/setup/flows/setup"
)

// runView is the state of the setup run shown on the create step. It lives in the wizard
// state, so a language switch during the run keeps every row.
type runView struct {
	runID   string
	sandbox string
	steps   []setup.StepID

	// plan is set until Apply starts; a run continued from its journal has none.
	plan *setup.Plan

	events   map[setup.StepID]setup.Event
	created  []setup.Resource
	running  bool
	cancel   context.CancelFunc
	err      error
	deleted  bool // Rollback finished
	rollback bool // the last action was a rollback
}

func newRunView(runID, sandbox string, steps []setup.StepID) *runView {
	return &runView{runID: runID, sandbox: sandbox, steps: steps, events: map[setup.StepID]setup.Event{}}
}

// record keeps the latest event of a step and the resources created or deleted.
func (r *runView) record(e setup.Event) {
	r.events[e.Step] = e
	if e.Resource == nil {
		return
	}
	for i, c := range r.created {
		if c.Kind == e.Resource.Kind && c.ID == e.Resource.ID {
			r.created[i] = *e.Resource
			return
		}
	}
	r.created = append(r.created, *e.Resource)
}

// remaining returns the resources created and not deleted.
func (r *runView) remaining() []setup.Resource {
	var left []setup.Resource
	for _, c := range r.created {
		if c.DeletedAt == nil {
			left = append(left, c)
		}
	}
	return left
}

// createStep runs the setup: one row per step with its state, Cancel while it runs, and on
// failure the cause, Retry from here, Delete what was created and Copy details.
type createStep struct {
	w *Wizard

	rows    map[setup.StepID]*stepRow
	actions *fyne.Container
	outcome *fyne.Container
	spinner *widget.Activity
}

// stepRow is the icon and texts of one step.
type stepRow struct {
	icon  *widget.Icon
	state *widget.Label
}

func (s *createStep) title() string {
	return lang.L("create.title")
}

func (s *createStep) nav() navigation {
	run := s.w.state.run
	n := navigation{}
	if run == nil || !run.running {
		n.back = func() { s.w.show(screenReview) }
	}
	return n
}

func (s *createStep) build() fyne.CanvasObject {
	run := s.w.state.run
	if s.spinner != nil {
		// The old spinner leaves the window now; a running animation would keep ticking.
		s.spinner.Stop()
		s.spinner = nil
	}
	s.rows = map[setup.StepID]*stepRow{}
	s.actions = container.NewHBox()
	s.outcome = container.NewVBox()
	if run == nil {
		return newNote(lang.L("create.nothing"))
	}

	list := container.NewVBox()
	steps := run.steps
	if run.rollback {
		steps = append(append([]setup.StepID(nil), steps...), setup.StepRollback)
	}
	for _, id := range steps {
		row := &stepRow{icon: widget.NewIcon(theme.RadioButtonIcon()), state: widget.NewLabel("")}
		styleNote(row.state)
		s.rows[id] = row
		name := widget.NewLabel(stepName(id))
		list.Add(container.NewBorder(nil, nil, row.icon, row.state, name))
		s.refreshRow(id)
	}

	intro := newNote(lang.L("create.intro", map[string]string{"Sandbox": run.sandbox, "Run": run.runID}))
	s.refreshActions()
	return container.NewVScroll(container.NewVBox(intro, list, widget.NewSeparator(), s.outcome, s.actions))
}

// enter starts the run prepared by the review step, or continues or deletes the run chosen
// on the existing-setups screen.
func (s *createStep) enter() {
	st := s.w.state
	if st.pendingRun != "" {
		s.openPending()
		return
	}
	if run := st.run; run != nil && run.plan != nil && !run.running {
		plan := *run.plan
		run.plan = nil
		s.execute(func(ctx context.Context, progress func(setup.Event)) (setup.Result, error) {
			return st.session.Apply(ctx, plan, progress)
		})
	}
}

// openPending shows a journaled run and continues or deletes it.
func (s *createStep) openPending() {
	st := s.w.state
	runID, remove := st.pendingRun, st.pendingDelete
	st.pendingRun, st.pendingDelete = "", false

	summary, err := setup.LoadRun(s.w.state.journalDir, runID)
	if err != nil {
		s.w.log.Warn("loading a journaled run failed", "run", runID, "err", err)
		st.run = newRunView(runID, "", nil)
		st.run.err = err
		s.w.show(screenCreate)
		return
	}

	run := newRunView(runID, summary.Sandbox, setup.Plan{Data: summary.Data}.Steps())
	run.created = append(run.created, summary.Resources...)
	for id, state := range summary.Steps {
		run.events[id] = setup.Event{RunID: runID, Step: id, State: state}
	}
	st.run = run
	s.w.show(screenCreate)

	if remove {
		s.rollback()
		return
	}
	s.resume()
}

// execute runs job with progress rows, Cancel and the outcome handling shared by Apply and
// Resume.
func (s *createStep) execute(job func(ctx context.Context, progress func(setup.Event)) (setup.Result, error)) {
	st := s.w.state
	run := st.run
	run.running, run.err, run.rollback = true, nil, false
	progress := s.progress(run)

	s.w.log.Info("setup run started", "run", run.runID, "sandbox", run.sandbox)
	run.cancel = start(s.w.work, func(ctx context.Context) (setup.Result, error) {
		return job(ctx, progress)
	}, func(result setup.Result, err error) {
		run.running = false
		if err != nil {
			if !isCanceled(err) {
				s.w.log.Warn("setup run failed", "run", run.runID, "cause", setup.CauseOf(err), "err", err)
			}
			run.err = err
			s.refresh()
			return
		}

		s.w.log.Info("setup run finished", "run", run.runID, "flow", result.FlowID)
		st.result = &result
		if !st.demo {
			s.saveLastSetup(result)
		}
		s.w.show(screenDone)
	})
	s.refresh()
}

// progress returns the callback the runner calls from its goroutines; each event re-enters
// the UI goroutine before it touches the rows.
func (s *createStep) progress(run *runView) func(setup.Event) {
	return func(e setup.Event) {
		if e.State == setup.Retrying {
			s.w.log.Info("setup step retrying", "run", run.runID, "step", e.Step,
				"attempt", e.Attempt, "max_attempts", e.MaxAttempts, "wait", e.Wait, "err", e.Err)
		}
		s.w.work.ui(func() {
			run.record(e)
			if s.w.current == screenCreate && s.w.state.run == run {
				s.refreshRow(e.Step)
			}
		})
	}
}

// saveLastSetup keeps the result in Preferences, because a Linux clipboard can lose its
// content when the app that owns it quits.
func (s *createStep) saveLastSetup(result setup.Result) {
	err := s.w.lastSetup.Save(existing.LastSetup{
		Sandbox:    result.Sandbox,
		FlowID:     result.FlowID,
		WebhookURL: result.WebhookURL,
		InletURL:   result.InletURL,
		DatasetID:  result.DatasetID,
		SchemaID:   result.SchemaID,
		Created:    result.FlowCreatedAt,
	})
	if err != nil {
		s.w.log.Warn("saving the last setup failed", "flow", result.FlowID, "err", err)
	}
}

func (s *createStep) resume() {
	st := s.w.state
	runID := st.run.runID
	s.execute(func(ctx context.Context, progress func(setup.Event)) (setup.Result, error) {
		return st.session.Resume(ctx, runID, progress)
	})
}

// onDelete shows a confirmation dialog before deleting what the run created.
func (s *createStep) onDelete() {
	run := s.w.state.run
	var names []string
	for _, r := range run.remaining() {
		names = append(names, lang.L("review.resource", map[string]string{"Kind": kindName(r.Kind), "Name": r.Name}))
	}
	message := lang.L("create.delete_confirm", map[string]string{"List": strings.Join(names, "\n")})
	confirm := dialog.NewConfirm(lang.L("create.delete"), message, func(ok bool) {
		if ok {
			s.rollback()
		}
	}, s.w.window)
	confirm.SetConfirmImportance(widget.DangerImportance)
	confirm.Show()
}

// rollback deletes, newest first, what the run created.
func (s *createStep) rollback() {
	st := s.w.state
	run := st.run
	run.running, run.err, run.rollback = true, nil, true
	progress := s.progress(run)
	session, runID := st.session, run.runID

	s.w.log.Info("rollback started", "run", runID)
	run.cancel = start(s.w.work, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, session.Rollback(ctx, runID, progress)
	}, func(_ struct{}, err error) {
		run.running = false
		if err != nil {
			s.w.log.Warn("rollback failed", "run", runID, "err", err)
			run.err = err
		} else {
			s.w.log.Info("rollback finished", "run", runID)
			run.deleted = true
		}
		s.refresh()
	})
	s.w.show(screenCreate)
}

// refresh rebuilds the screen if it is showing, after the run changed state.
func (s *createStep) refresh() {
	if s.w.current == screenCreate {
		s.w.show(screenCreate)
	}
}

// rowLook returns the icon and the state text of one step.
func rowLook(e setup.Event, ok bool) (fyne.Resource, string) {
	if !ok {
		return theme.RadioButtonIcon(), lang.L("create.state.pending")
	}
	switch e.State {
	case setup.Running:
		return theme.ViewRefreshIcon(), lang.L("create.state.running")
	case setup.Retrying:
		return theme.HistoryIcon(), lang.L("create.state.retrying", map[string]int{"Attempt": e.Attempt + 1, "Max": e.MaxAttempts})
	case setup.Done:
		return theme.ConfirmIcon(), lang.L("create.state.done")
	case setup.Skipped:
		return theme.ConfirmIcon(), lang.L("create.state.skipped")
	case setup.Failed:
		if isCanceled(e.Err) {
			return theme.MediaStopIcon(), lang.L("create.state.canceled")
		}
		return theme.ErrorIcon(), lang.L("create.state.failed")
	default:
		return theme.RadioButtonIcon(), lang.L("create.state.pending")
	}
}

func (s *createStep) refreshRow(id setup.StepID) {
	row, ok := s.rows[id]
	if !ok {
		return
	}
	e, seen := s.w.state.run.events[id]
	icon, text := rowLook(e, seen)
	row.icon.SetResource(icon)
	row.state.SetText(text)
}

// refreshActions shows Cancel while the run goes on, and the outcome once it stops.
func (s *createStep) refreshActions() {
	run := s.w.state.run
	s.actions.Objects = nil
	s.outcome.Objects = nil

	switch {
	case run.running:
		cancel := widget.NewButtonWithIcon(lang.L("nav.cancel"), theme.CancelIcon(), func() {
			s.w.log.Info("setup run cancelled by the user", "run", run.runID)
			run.cancel()
		})
		s.spinner = widget.NewActivity()
		s.spinner.Start()
		s.actions.Add(s.spinner)
		s.actions.Add(cancel)
	case run.deleted:
		s.outcome.Add(newWrappedLabel(lang.L("create.deleted")))
	case run.err != nil:
		// A cancel is the user's choice, not a failure, so it gets no error styling.
		if isCanceled(run.err) {
			s.outcome.Add(newWrappedLabel(lang.L("create.canceled")))
		} else {
			s.outcome.Add(problemView(explain(run.err)))
		}
		retry := widget.NewButtonWithIcon(lang.L("create.retry"), theme.ViewRefreshIcon(), s.resume)
		retry.Importance = widget.HighImportance
		remove := widget.NewButtonWithIcon(lang.L("create.delete"), theme.DeleteIcon(), s.onDelete)
		remove.Importance = widget.DangerImportance
		copyDetails := s.w.newCopyButton(lang.L("create.copy_details"), s.details)

		if !run.rollback && s.w.state.session != nil {
			s.actions.Add(retry)
		}
		if len(run.remaining()) > 0 && s.w.state.session != nil {
			s.actions.Add(remove)
		}
		s.actions.Add(copyDetails)
	}
	s.actions.Refresh()
	s.outcome.Refresh()
}

// details returns what support needs about the failure: the run, the step states, the cause
// and the created resources. Secrets never reach it: the flows errors carry none, and the
// text passes through Options.Scrub as well.
func (s *createStep) details() string {
	run := s.w.state.run
	var b strings.Builder
	b.WriteString(lang.L("create.details.run", map[string]string{"Run": run.runID, "Sandbox": run.sandbox}))
	b.WriteString("\n")

	for _, id := range run.steps {
		e, ok := run.events[id]
		_, state := rowLook(e, ok)
		b.WriteString("- " + stepName(id) + ": " + state + "\n")
	}

	if run.err != nil {
		p := explain(run.err)
		b.WriteString(lang.L("create.details.problem", map[string]string{"Problem": p.What}) + "\n")
		b.WriteString(lang.L("create.details.next", map[string]string{"Next": p.Next}) + "\n")
		if p.Details != "" {
			b.WriteString(p.Details + "\n")
		}
		b.WriteString(lang.L("create.details.error", map[string]string{"Error": run.err.Error()}) + "\n")
	}

	for _, r := range run.created {
		state := lang.L("create.details.kept")
		if r.DeletedAt != nil {
			state = lang.L("create.details.deleted")
		}
		b.WriteString("- " + kindName(r.Kind) + " " + r.Name + " (" + r.ID + "): " + state + "\n")
	}
	return s.w.opts.Scrub(b.String())
}
