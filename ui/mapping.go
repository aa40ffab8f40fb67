package ui

import (
	"context"
	"errors"
	"strings"

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

	// sources are the options of every row after "not mapped": Customer.io fields, each
	// with what it holds and its path. sourcePaths maps an option back to its path.
	sources     []string
	sourcePaths map[string]string
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
	legend := newNote(lang.L("mapping.legend") + "\n" + lang.L("mapping.expression_note"))

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
	s.sourcePaths = map[string]string{}
	s.expressions = map[string]aep.Mapping{}
	if m == nil {
		return
	}
	for _, f := range m.Sources {
		option := sourceOption(f.Path)
		s.sources = append(s.sources, option)
		s.sourcePaths[option] = f.Path
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
	styleNote(path)
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
	details := target.Path + " · " + target.Type
	if mapping, ok := m.Mapping(target.Path); ok && mapping.SourceType == aep.MappingExpression {
		// The expression itself shows what "converted value" converts.
		details += " · " + mapping.Source
	}
	path.SetText(details)

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
		current = sourceOption(mapping.Source)
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
		source, ok := s.sourcePaths[choice]
		if !ok {
			source = choice // a path that the catalogue does not list, such as one from a journal
		}
		err = m.Set(destination, source)
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
		s.status.SetText(s.describeInvalid(err))
		return
	}
	s.status.Importance = widget.SuccessImportance
	s.status.SetText(lang.L("mapping.complete", map[string]int{"Count": len(m.Mappings())}))
}

// describeInvalid puts a failed validation into words, naming each required field without a
// source by its title and path, such as "Identifier (_id)", as the rows show them.
func (s *mappingStep) describeInvalid(err error) string {
	var setupErr *setup.Error
	if !errors.As(err, &setupErr) || setupErr.Cause != setup.CauseMappingIncomplete {
		return explain(err).What
	}

	fields := make([]string, len(setupErr.Missing))
	for i, path := range setupErr.Missing {
		fields[i] = path
		if target, ok := s.w.state.mapping.Target(path); ok && target.Title != "" {
			fields[i] = lang.L("mapping.field", map[string]string{"Title": target.Title, "Path": path})
		}
	}
	return lang.L("error.setup.mapping_incomplete", map[string]string{"Missing": strings.Join(fields, ", ")})
}

// sourceDescriptions translates what each Customer.io event field holds, as Customer.io's
// reporting webhook reference describes it: envelope fields by their name, and the fields
// inside the event's data object by their path within it, without the "data." prefix.
var sourceDescriptions = struct{ envelope, data map[string]string }{
	envelope: map[string]string{
		"event_id":    "mapping.source.event_id",
		"object_type": "mapping.source.object_type",
		"metric":      "mapping.source.metric",
		"timestamp":   "mapping.source.timestamp",
	},
	data: map[string]string{
		"customer_id":              "mapping.source.customer_id",
		"email_address":            "mapping.source.email_address",
		"identifiers.id":           "mapping.source.identifiers_id",
		"identifiers.email":        "mapping.source.identifiers_email",
		"identifiers.cio_id":       "mapping.source.identifiers_cio_id",
		"delivery_id":              "mapping.source.delivery_id",
		"campaign_id":              "mapping.source.campaign_id",
		"action_id":                "mapping.source.action_id",
		"parent_action_id":         "mapping.source.parent_action_id",
		"trigger_event_id":         "mapping.source.trigger_event_id",
		"broadcast_id":             "mapping.source.broadcast_id",
		"trigger_id":               "mapping.source.trigger_id",
		"journey_id":               "mapping.source.journey_id",
		"newsletter_id":            "mapping.source.newsletter_id",
		"content_id":               "mapping.source.content_id",
		"transactional_message_id": "mapping.source.transactional_message_id",
		"subject":                  "mapping.source.subject",
		"recipient":                "mapping.source.recipient",
		"recipients":               "mapping.source.recipients",
		"href":                     "mapping.source.href",
		"link_id":                  "mapping.source.link_id",
		"machine":                  "mapping.source.machine",
		"proxied":                  "mapping.source.proxied",
		"prefetched":               "mapping.source.prefetched",
		"synthetic":                "mapping.source.synthetic",
		"tracked_response":         "mapping.source.tracked_response",
		"failure_message":          "mapping.source.failure_message",
		"content":                  "mapping.source.content",
		"headers":                  "mapping.source.headers",
		"inbound_event_id":         "mapping.source.inbound_event_id",
		"to":                       "mapping.source.to",
	},
}

// sourceDescription returns the translation key of what the field at path holds.
func sourceDescription(path string) (string, bool) {
	if inData, ok := strings.CutPrefix(path, "data."); ok {
		key, found := sourceDescriptions.data[inData]
		return key, found
	}
	key, found := sourceDescriptions.envelope[path]
	return key, found
}

// sourceOption returns the option that offers a Customer.io field in a row: what the field
// holds, then its path. A field without a description is offered by its path alone.
func sourceOption(path string) string {
	key, ok := sourceDescription(path)
	if !ok {
		return path
	}
	return lang.L("mapping.source_option", map[string]string{"Description": lang.L(key), "Path": path})
}
