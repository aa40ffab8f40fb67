package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/existing"
)

// runStatusNames translates the status of a dataflow run.
// NOTE: unconfirmed. Adobe's monitoring docs show statusSummary.status without listing its
// values. These are the ones the simulator and the client's tests use. Any other value is
// shown as Adobe returns it.
var runStatusNames = map[string]string{
	"success":        "health.status.success",
	"partialSuccess": "health.status.partial",
	"failed":         "health.status.failed",
	"inProgress":     "health.status.in_progress",
}

// healthScreen shows whether data arrives in one dataflow: its runs of the last 24 hours with
// the records received, ingested and failed, the time of the last event and the last errors,
// summed up in one plain sentence.
type healthScreen struct {
	w *Wizard

	refresh *widget.Button
	busy    *busy
	problem *fyne.Container

	period  *widget.Label
	summary *widget.Label
	hint    *widget.Label

	received   *widget.Label
	ingested   *widget.Label
	failed     *widget.Label
	runs       *widget.Label
	lastStatus *widget.Label
	lastEvent  *widget.Label
	errors     *fyne.Container

	// loading is set while the runs are read, and cancel cancels that call.
	loading bool
	cancel  context.CancelFunc
}

func (s *healthScreen) title() string {
	return lang.L("health.title")
}

func (s *healthScreen) nav() navigation {
	return navigation{back: func() { s.w.show(screenSetups) }}
}

func (s *healthScreen) build() fyne.CanvasObject {
	st := s.w.state
	s.busy = newBusy()
	s.problem = container.NewVBox()
	s.refresh = widget.NewButtonWithIcon(lang.L("setups.refresh"), theme.ViewRefreshIcon(), s.load)
	if st.healthSetup == nil {
		return newNote(lang.L("health.nothing"))
	}
	shown := *st.healthSetup

	heading := widget.NewLabelWithStyle(setupTitle(shown), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.Wrapping = fyne.TextWrapWord
	s.period = newNote("")
	s.summary = newWrappedLabel("")
	s.summary.TextStyle = fyne.TextStyle{Bold: true}
	s.hint = newWrappedLabel("")

	s.received = widget.NewLabel("")
	s.ingested = widget.NewLabel("")
	s.failed = widget.NewLabel("")
	s.runs = widget.NewLabel("")
	s.lastStatus = widget.NewLabel("")
	s.lastEvent = newWrappedLabel("")
	counts := widget.NewForm(
		widget.NewFormItem(lang.L("health.received"), s.received),
		widget.NewFormItem(lang.L("health.ingested"), s.ingested),
		widget.NewFormItem(lang.L("health.failed"), s.failed),
		widget.NewFormItem(lang.L("health.runs"), s.runs),
		widget.NewFormItem(lang.L("health.last_status"), s.lastStatus),
		widget.NewFormItem(lang.L("health.last_event"), s.lastEvent),
	)

	errorsHeading := widget.NewLabelWithStyle(lang.L("health.errors"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.errors = container.NewVBox()

	content := container.NewVBox(
		container.NewBorder(nil, nil, nil, s.refresh, heading),
		s.period,
		s.busy.box,
		s.problem,
		s.summary,
		s.hint,
		counts,
		newNote(lang.L("health.rejected_note")),
		widget.NewSeparator(),
		errorsHeading,
		s.errors,
	)

	s.show()
	if s.loading {
		s.busy.start(lang.L("health.loading"), s.cancel)
		s.refresh.Disable()
	}
	return container.NewVScroll(content)
}

// enter reads the runs when the screen shows a dataflow that has not been read yet.
func (s *healthScreen) enter() {
	st := s.w.state
	if st.healthSetup == nil {
		return
	}
	if st.health != nil && st.health.FlowID == st.healthSetup.FlowID {
		return
	}
	s.load()
}

// load reads the dataflow's runs of the last 24 hours off the UI goroutine, with a spinner
// and Cancel.
func (s *healthScreen) load() {
	st := s.w.state
	if st.session == nil || st.healthSetup == nil || s.loading {
		return
	}

	service, shown, now := st.session.Setups(), *st.healthSetup, s.w.opts.Now()
	s.loading = true
	clearBox(s.problem)

	s.w.log.Info("reading dataflow health", "sandbox", shown.Sandbox, "flow_id", shown.FlowID)
	s.cancel = start(s.w.work, func(ctx context.Context) (existing.Health, error) {
		return service.Health(ctx, shown.Sandbox, shown.FlowID, now)
	}, func(health existing.Health, err error) {
		s.loading, s.cancel = false, nil
		s.busy.stop()
		s.refresh.Enable()

		// The user may have opened another dataflow's health meanwhile.
		if st.healthSetup == nil || st.healthSetup.FlowID != shown.FlowID {
			return
		}
		if err != nil {
			if isCanceled(err) {
				s.w.log.Info("reading dataflow health cancelled", "flow_id", shown.FlowID)
				return
			}
			s.w.log.Warn("reading dataflow health failed", "sandbox", shown.Sandbox, "flow_id", shown.FlowID, "err", err)
			showProblem(s.problem, explainSetups(err))
			return
		}

		s.w.log.Info("dataflow health read", "flow_id", shown.FlowID, "runs", health.Runs,
			"received", health.Received, "ingested", health.Ingested, "failed", health.Failed)
		st.health = &health
		s.show()
	})
	s.busy.start(lang.L("health.loading"), s.cancel)
	s.refresh.Disable()
}

// show fills the widgets from the last reading, or with dashes before the first one.
func (s *healthScreen) show() {
	st := s.w.state
	health := st.health
	if health == nil || st.healthSetup == nil || health.FlowID != st.healthSetup.FlowID {
		s.period.SetText(lang.L("health.period_pending"))
		s.summary.Hide()
		s.hint.Hide()
		for _, label := range []*widget.Label{s.received, s.ingested, s.failed, s.runs, s.lastStatus, s.lastEvent} {
			label.SetText("—")
		}
		s.errors.Objects = nil
		s.errors.Refresh()
		return
	}

	s.period.SetText(lang.L("health.period", map[string]string{
		"Since": formatTime(health.Since),
		"Until": formatTime(health.Until),
	}))
	s.summary.SetText(healthSummary(*health))
	s.summary.Importance = widget.MediumImportance
	if health.Failed > 0 {
		s.summary.Importance = widget.WarningImportance
	}
	s.summary.Show()
	s.summary.Refresh()

	if hint := healthHint(*st.healthSetup, *health); hint != "" {
		s.hint.SetText(hint)
		s.hint.Show()
	} else {
		s.hint.Hide()
	}

	s.received.SetText(fmt.Sprint(health.Received))
	s.ingested.SetText(fmt.Sprint(health.Ingested))
	s.failed.SetText(fmt.Sprint(health.Failed))
	s.runs.SetText(fmt.Sprint(health.Runs))
	s.lastStatus.SetText(runStatusName(health.LastStatus))
	s.lastEvent.SetText(lastEventText(*health))
	s.showErrors(health.Errors)
}

// showErrors lists the runs' errors, newest first, with how often they came.
func (s *healthScreen) showErrors(runErrors []existing.RunError) {
	if len(runErrors) == 0 {
		s.errors.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("health.no_errors"))}
		s.errors.Refresh()
		return
	}

	var objects []fyne.CanvasObject
	for _, e := range runErrors {
		text := newWrappedLabel(lang.L("health.error", map[string]string{"Code": e.Code, "Message": e.Message}))
		text.Importance = widget.DangerImportance
		text.Selectable = true
		seen := newNote(lang.L("health.error_seen", map[string]string{
			"Count": fmt.Sprint(e.Count),
			"Time":  formatTime(e.LastSeen),
		}))
		objects = append(objects, text, seen)
	}
	s.errors.Objects = objects
	s.errors.Refresh()
}

// healthSummary sums up a reading in one plain sentence.
func healthSummary(health existing.Health) string {
	switch {
	case health.Received == 0:
		return lang.L("health.summary_none")
	case health.Failed == 0:
		return lang.L("health.summary_ok", map[string]string{
			"Ingested": fmt.Sprint(health.Ingested),
			"Received": fmt.Sprint(health.Received),
		})
	}

	reason := lang.L("health.reason_unknown")
	if len(health.Errors) > 0 {
		newest := health.Errors[0]
		reason = lang.L("health.reason", map[string]string{"Code": newest.Code, "Message": newest.Message})
	}
	return lang.L("health.summary_failed", map[string]string{
		"Ingested": fmt.Sprint(health.Ingested),
		"Received": fmt.Sprint(health.Received),
		"Failed":   fmt.Sprint(health.Failed),
		"Reason":   reason,
	})
}

// healthHint returns what to check next for a reading, or "" when all is well.
func healthHint(shown existing.Setup, health existing.Health) string {
	switch {
	case !shown.Enabled():
		return lang.L("health.hint_disabled")
	case shown.DatasetDeleted:
		return lang.L("health.hint_dataset_deleted")
	case health.Received == 0:
		return lang.L("health.hint_none")
	case health.Failed > 0:
		return lang.L("health.hint_failed")
	}
	return ""
}

// runStatusName translates a run status, or returns it unchanged when it is not known.
func runStatusName(status string) string {
	if status == "" {
		return "—"
	}
	if key, ok := runStatusNames[status]; ok {
		return lang.L(key)
	}
	return status
}

// lastEventText returns the run window in which the newest event arrived. Streaming runs count
// events per time window, so the window is as precise as the runs allow.
func lastEventText(health existing.Health) string {
	if health.LastEvent.Start.IsZero() {
		return lang.L("health.last_event_none")
	}
	return lang.L("health.last_event_window", map[string]string{
		"Start": formatTime(health.LastEvent.Start),
		"End":   formatTime(health.LastEvent.End),
	})
}
