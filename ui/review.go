package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/setup"
)

// reviewStep lists everything the setup will create, with names, in which sandbox. Creating
// in a production sandbox needs a confirmation tick.
type reviewStep struct {
	w *Wizard

	confirm *widget.Check
	problem *fyne.Container
}

func (s *reviewStep) title() string {
	return lang.L("review.title")
}

func (s *reviewStep) nav() navigation {
	st := s.w.state
	ready := st.plan != nil && st.sandbox != nil && (!st.sandbox.IsProduction() || st.confirmProduction)
	return navigation{
		back:   func() { s.w.show(screenEvents) },
		next:   lang.L("review.create"),
		ready:  ready,
		onNext: s.onCreate,
	}
}

func (s *reviewStep) build() fyne.CanvasObject {
	st := s.w.state
	s.problem = container.NewVBox()
	s.confirm = nil

	plan, err := s.ensurePlan()
	if err != nil {
		s.w.log.Warn("planning the setup failed", "err", err)
		showProblem(s.problem, explain(err))
		return container.NewVScroll(s.problem)
	}

	sandbox := widget.NewLabel(lang.L("review.sandbox_value", map[string]string{"Title": st.sandbox.Title, "Name": st.sandbox.Name}))
	if st.sandbox.IsProduction() {
		sandbox.Importance = widget.WarningImportance
		sandbox.SetText(lang.L("review.sandbox_production", map[string]string{"Title": st.sandbox.Title, "Name": st.sandbox.Name}))
	}

	data := lang.L("review.data_ready_made")
	if plan.Data == setup.ExistingDataset && st.dataset != nil {
		data = lang.L("review.data_existing", map[string]any{"Name": st.dataset.Dataset.Name, "Count": len(plan.Mappings)})
	}

	resources := container.NewVBox()
	for _, r := range plan.Resources {
		line := widget.NewLabel(lang.L("review.resource", map[string]string{"Kind": kindName(r.Kind), "Name": r.Name}))
		line.Truncation = fyne.TextTruncateEllipsis
		resources.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.ContentAddIcon()), nil, line))
	}

	events := make([]string, len(plan.EventGroups))
	for i, g := range plan.EventGroups {
		events[i] = groupName(g)
	}

	form := widget.NewForm(
		widget.NewFormItem(lang.L("review.sandbox"), sandbox),
		widget.NewFormItem(lang.L("review.data"), newWrappedLabel(data)),
		widget.NewFormItem(lang.L("review.events"), newWrappedLabel(strings.Join(events, ", "))),
	)

	content := container.NewVBox(
		newNote(lang.L("review.intro")),
		form,
		widget.NewLabelWithStyle(lang.L("review.will_create", map[string]string{"Sandbox": st.sandbox.Title}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		resources,
	)

	if st.sandbox.IsProduction() {
		warning := newWrappedLabel(lang.L("review.production_warning", map[string]string{"Sandbox": st.sandbox.Title}))
		warning.Importance = widget.WarningImportance
		s.confirm = widget.NewCheck(lang.L("review.confirm_production", map[string]string{"Sandbox": st.sandbox.Title}), func(on bool) {
			st.confirmProduction = on
			s.w.refreshNav()
		})
		s.confirm.SetChecked(st.confirmProduction)
		content.Add(widget.NewSeparator())
		content.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warning))
		content.Add(s.confirm)
	}
	content.Add(s.problem)
	return container.NewVScroll(content)
}

// ensurePlan names the resources for the current choices, keeping the plan (and its run ID)
// while the choices stay the same, so the names do not change on every visit.
func (s *reviewStep) ensurePlan() (*setup.Plan, error) {
	st := s.w.state
	if st.sandbox == nil {
		return nil, &setup.Error{Cause: setup.CauseInvalidInput, Value: "sandbox"}
	}

	in := setup.Input{
		Sandbox:     *st.sandbox,
		Data:        st.data,
		EventGroups: st.chosenEvents(),
		// The preview lists what will be created; the confirmation is checked at Create.
		ConfirmProduction: true,
	}
	if st.data == setup.ExistingDataset && st.dataset != nil {
		in.DatasetID = st.dataset.Dataset.ID
		if st.mapping != nil {
			in.Mappings = st.mapping.Mappings()
		}
	}

	key := fmt.Sprintf("%s|%v|%s|%v|%v", in.Sandbox.Name, in.Data, in.DatasetID, in.Mappings, in.EventGroups)
	if st.plan != nil && st.planKey == key {
		return st.plan, nil
	}

	plan, err := setup.NewPlan(in)
	if err != nil {
		return nil, err
	}
	st.plan, st.planKey = &plan, key
	return st.plan, nil
}

// onCreate starts the run with the confirmation as ticked. A production sandbox without it
// never gets here because Create stays disabled, and setup.Runner checks it again.
func (s *reviewStep) onCreate() {
	st := s.w.state
	if st.plan == nil {
		return
	}
	plan := *st.plan
	plan.ConfirmProduction = st.confirmProduction

	// The plan's run ID now belongs to this run; a later Create needs a new plan.
	st.plan, st.planKey = nil, ""
	st.run = newRunView(plan.RunID, plan.Sandbox.Name, plan.Steps())
	st.run.plan = &plan
	s.w.show(screenCreate)
}
