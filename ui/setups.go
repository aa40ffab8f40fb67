package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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

// setupsScreen lists the setups started on this computer, from their journals, so the user
// can see a finished one again, continue an unfinished one, or delete what it created.
type setupsScreen struct {
	w *Wizard
}

func (s *setupsScreen) title() string {
	return lang.L("setups.title")
}

func (s *setupsScreen) nav() navigation {
	return navigation{back: func() { s.w.show(screenWelcome) }}
}

func (s *setupsScreen) build() fyne.CanvasObject {
	content := container.NewVBox(newNote(lang.L("setups.intro")))

	// Journals are small local files, so reading them here does not hold up the window.
	runs, err := setup.ListRuns(s.w.state.journalDir)
	if err != nil {
		s.w.log.Warn("listing setup journals failed", "dir", s.w.state.journalDir, "err", err)
		content.Add(problemView(explain(err)))
		return container.NewVScroll(content)
	}
	if len(runs) == 0 {
		content.Add(widget.NewLabel(lang.L("setups.none")))
		return container.NewVScroll(content)
	}

	for _, run := range runs {
		content.Add(s.runCard(run))
	}
	return container.NewVScroll(content)
}

// runCard shows one run with the actions its state allows.
func (s *setupsScreen) runCard(run setup.RunSummary) fyne.CanvasObject {
	status := string(run.Status)
	if key, ok := runStatusKeys[run.Status]; ok {
		status = lang.L(key)
	}
	subtitle := lang.L("setups.run", map[string]string{
		"Sandbox": run.Sandbox,
		"Date":    run.CreatedAt.Local().Format(dateLayout + " " + timeLayout),
		"Status":  status,
	})

	actions := container.NewHBox()
	if run.Result != nil {
		result := *run.Result
		actions.Add(widget.NewButtonWithIcon(lang.L("setups.show"), theme.VisibilityIcon(), func() {
			s.w.showLastSetup(result)
		}))
	}
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
