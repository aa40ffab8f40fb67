package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
)

// mappingStep maps Customer.io fields to the fields of an existing dataset's schema. The
// suggested mappings come applied and required fields are marked; Next stays disabled until
// every required field has a source.
type mappingStep struct {
	w *Wizard

	list    *widget.List
	status  *widget.Label
	busy    *busy
	problem *fyne.Container

	// sources are the options of every row after "not mapped", as Customer.io field paths.
	sources []string
	// expressions keeps the expression mappings the model suggested, by destination, so a
	// row can offer its expression again after the user picked something else.
	expressions map[string]aep.Mapping
}

func (s *mappingStep) title() string {
	return lang.L("mapping.title")
}

func (s *mappingStep) nav() navigation {
	m := s.w.state.mapping
	return navigation{
		back:   func() { s.w.show(screenData) },
		next:   lang.L("nav.next"),
		ready:  m != nil && m.Validate() == nil,
		onNext: func() { s.w.show(screenEvents) },
	}
}

func (s *mappingStep) build() fyne.CanvasObject {
	s.list = widget.NewList(s.length, s.newRow, s.updateRow)
	s.status = newWrappedLabel("")
	s.busy = newBusy()
	s.problem = container.NewVBox()

	schema := ""
	if m := s.w.state.mapping; m != nil {
		schema = m.SchemaTitle
	} else if d := s.w.state.dataset; d != nil {
		schema = schemaLabel(*d)
	}
	intro := newWrappedLabel(lang.L("mapping.intro", map[string]string{"Schema": schema}))
	legend := newNote(lang.L("mapping.legend"))

	s.prepare()
	s.refreshStatus()
	return container.NewBorder(container.NewVBox(intro, legend), container.NewVBox(s.status, s.busy.box, s.problem), nil, nil, s.list)
}

// enter loads the schema of the chosen dataset unless its mapping is loaded already.
func (s *mappingStep) enter() {
	st := s.w.state
	if st.dataset == nil || st.session == nil || st.sandbox == nil {
		return
	}
	datasetID := st.dataset.Dataset.ID
	if st.mapping != nil && st.mappingDataset == datasetID {
		return
	}

	session, sandbox := st.session, st.sandbox.Name
	s.w.log.Info("loading the mapping", "sandbox", sandbox, "dataset", datasetID)
	cancel := start(s.w.work, func(ctx context.Context) (*setup.MappingModel, error) {
		return session.LoadMapping(ctx, sandbox, datasetID)
	}, func(m *setup.MappingModel, err error) {
		s.busy.stop()
		if err != nil {
			if !isCanceled(err) {
				s.w.log.Warn("loading the mapping failed", "sandbox", sandbox, "dataset", datasetID, "err", err)
				showProblem(s.problem, explain(err))
			}
			return
		}
		st.mapping, st.mappingDataset = m, datasetID
		s.w.show(screenMapping)
	})
	s.busy.start(lang.L("mapping.loading"), cancel)
}

// prepare collects the row options from the model.
func (s *mappingStep) prepare() {
	m := s.w.state.mapping
	s.sources = nil
	s.expressions = map[string]aep.Mapping{}
	if m == nil {
		return
	}
	for _, f := range m.Sources {
		s.sources = append(s.sources, f.Path)
	}
	for _, mapping := range m.Suggestions() {
		if mapping.SourceType == aep.MappingExpression {
			s.expressions[mapping.Destination] = mapping
		}
	}
	for _, mapping := range m.Mappings() {
		if mapping.SourceType == aep.MappingExpression {
			s.expressions[mapping.Destination] = mapping
		}
	}
}

func (s *mappingStep) length() int {
	if s.w.state.mapping == nil {
		return 0
	}
	return len(s.w.state.mapping.Targets)
}

func (s *mappingStep) newRow() fyne.CanvasObject {
	title := widget.NewLabel("")
	title.Truncation = fyne.TextTruncateEllipsis
	path := widget.NewLabel("")
	path.Importance = widget.LowImportance
	path.Truncation = fyne.TextTruncateEllipsis
	source := widget.NewSelect(nil, nil)
	return container.NewGridWithColumns(2, container.NewVBox(title, path), source)
}

func (s *mappingStep) updateRow(id widget.ListItemID, row fyne.CanvasObject) {
	m := s.w.state.mapping
	target := m.Targets[id]
	grid := row.(*fyne.Container)
	texts := grid.Objects[0].(*fyne.Container)
	source := grid.Objects[1].(*widget.Select)
	title := texts.Objects[0].(*widget.Label)
	path := texts.Objects[1].(*widget.Label)

	name := target.Title
	if name == "" {
		name = target.Path
	}
	if target.Required {
		name += " *"
		title.TextStyle = fyne.TextStyle{Bold: true}
	} else {
		title.TextStyle = fyne.TextStyle{}
	}
	title.SetText(name)
	path.SetText(target.Path + " · " + target.Type)

	notMapped, expression := lang.L("mapping.not_mapped"), lang.L("mapping.expression")
	options := []string{notMapped}
	if _, ok := s.expressions[target.Path]; ok {
		options = append(options, expression)
	}
	options = append(options, s.sources...)

	// Changing Options and Selected must not count as the user's choice.
	source.OnChanged = nil
	source.Options = options
	current := notMapped
	if mapping, ok := m.Mapping(target.Path); ok {
		current = mapping.Source
		if mapping.SourceType == aep.MappingExpression {
			current = expression
		}
	}
	source.SetSelected(current)
	source.OnChanged = func(choice string) { s.onSourceChanged(target.Path, choice) }
}

func (s *mappingStep) onSourceChanged(destination, choice string) {
	m := s.w.state.mapping
	var err error
	switch choice {
	case lang.L("mapping.not_mapped"):
		m.Clear(destination)
	case lang.L("mapping.expression"):
		expression := s.expressions[destination]
		err = m.SetExpression(destination, expression.Source)
	default:
		err = m.Set(destination, choice)
	}
	if err != nil {
		s.w.log.Warn("changing the mapping failed", "destination", destination, "err", err)
		showProblem(s.problem, explain(err))
	}
	s.refreshStatus()
	s.w.refreshNav()
}

// refreshStatus names the required fields that still have no source.
func (s *mappingStep) refreshStatus() {
	m := s.w.state.mapping
	if m == nil {
		s.status.Hide()
		return
	}
	s.status.Show()
	if err := m.Validate(); err != nil {
		s.status.Importance = widget.DangerImportance
		s.status.SetText(explain(err).What)
		return
	}
	s.status.Importance = widget.SuccessImportance
	s.status.SetText(lang.L("mapping.complete", map[string]int{"Count": len(m.Mappings())}))
}
