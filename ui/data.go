package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
)

// dateLayout formats dataset update times. ISO dates read the same in English and Spanish.
const dateLayout = "2006-01-02"

// dataStep chooses where the events land: a ready-made Customer.io dataset, or an existing
// dataset from a searchable list. The list is filtered in memory, so typing in the search
// field makes no call, whatever the number of datasets.
type dataStep struct {
	w *Wizard

	root       *fyne.Container
	choice     *widget.RadioGroup
	choiceNote *widget.Label // explains the chosen option
	existing   *fyne.Container
	search     *widget.Entry
	list       *widget.List
	empty      *widget.Label // the reason the list shows no dataset
	shown      []int         // indexes into state.datasets that match the search
	reason     *widget.Label
	busy       *busy
	problem    *fyne.Container

	// searchText holds, per dataset, the lower-case name and schema title the search reads.
	searchText []string

	// classes holds the class of each schema read so far in classesSandbox, by schema ID.
	// checkingClasses is set while checkClasses reads more of them.
	classes         map[string]string
	classesSandbox  string
	checkingClasses bool
}

func (s *dataStep) title() string {
	return lang.L("data.title")
}

func (s *dataStep) nav() navigation {
	st := s.w.state
	ready := st.data == setup.ReadyMade || st.dataset != nil && st.dataset.Problem == DatasetOK
	return navigation{
		back:   func() { s.w.show(screenSandbox) },
		next:   lang.L("nav.next"),
		ready:  ready,
		onNext: s.onNext,
	}
}

func (s *dataStep) readyMadeLabel() string { return lang.L("data.ready_made") }
func (s *dataStep) existingLabel() string  { return lang.L("data.existing") }

func (s *dataStep) build() fyne.CanvasObject {
	st := s.w.state

	s.choice = widget.NewRadioGroup([]string{s.readyMadeLabel(), s.existingLabel()}, nil)
	if st.data == setup.ExistingDataset {
		s.choice.Selected = s.existingLabel()
	} else {
		s.choice.Selected = s.readyMadeLabel()
	}
	s.choice.Required = true
	s.choice.OnChanged = s.onChoice
	s.choiceNote = newNote("")

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("data.search"))
	s.search.SetText(st.datasetFilter)
	s.search.OnChanged = func(text string) {
		st.datasetFilter = text
		s.filter()
	}
	s.list = widget.NewList(func() int { return len(s.shown) }, s.newRow, s.updateRow)
	s.list.OnSelected = s.onSelected
	s.empty = newNote("")
	s.empty.Hide()
	s.existing = container.NewBorder(s.search, nil, nil, nil, container.NewStack(s.list, container.NewVBox(s.empty)))

	s.reason = newWrappedLabel("")
	s.reason.Importance = widget.WarningImportance
	s.reason.Hide()
	s.busy = newBusy()
	s.problem = container.NewVBox()

	s.indexDatasets()
	s.filter()

	top := container.NewVBox(s.choice, s.choiceNote)
	bottom := container.NewVBox(s.reason, s.busy.box, s.problem)
	s.root = container.NewBorder(top, bottom, nil, nil, s.existing)
	s.refreshChoice()
	return s.root
}

func (s *dataStep) enter() {
	if s.w.state.data == setup.ExistingDataset {
		s.loadDatasets()
		s.checkClasses()
	}
}

func (s *dataStep) onChoice(label string) {
	st := s.w.state
	if label == s.existingLabel() {
		st.data = setup.ExistingDataset
	} else {
		st.data = setup.ReadyMade
	}
	s.refreshChoice()
	s.w.refreshNav()
	if st.data == setup.ExistingDataset {
		s.loadDatasets()
		s.checkClasses()
	}
}

// refreshChoice shows the dataset list and the note of the chosen option.
func (s *dataStep) refreshChoice() {
	if s.w.state.data == setup.ExistingDataset {
		s.choiceNote.SetText(lang.L("data.existing_note"))
		s.existing.Show()
	} else {
		s.choiceNote.SetText(lang.L("data.ready_made_note"))
		s.existing.Hide()
		s.reason.Hide()
	}
	if s.root != nil {
		// Lay the list out now: it had no size while hidden.
		s.root.Refresh()
	}
}

// loadDatasets lists the sandbox's datasets once per sandbox.
func (s *dataStep) loadDatasets() {
	st := s.w.state
	if st.sandbox == nil || st.session == nil || st.datasetsSandbox == st.sandbox.Name || s.busy.running() {
		return
	}

	session, sandbox := st.session, st.sandbox.Name
	s.w.log.Info("listing datasets", "sandbox", sandbox)
	clearBox(s.problem)
	cancel := start(s.w.work, func(ctx context.Context) ([]DatasetChoice, error) {
		return session.ListDatasets(ctx, sandbox)
	}, func(datasets []DatasetChoice, err error) {
		s.busy.stop()
		if err != nil {
			if !isCanceled(err) {
				s.w.log.Warn("listing datasets failed", "sandbox", sandbox, "err", err)
				showProblem(s.problem, explain(err))
			}
			return
		}
		s.w.log.Info("datasets listed", "sandbox", sandbox, "count", len(datasets))
		if st.sandbox == nil || st.sandbox.Name != sandbox {
			return // the user chose another sandbox meanwhile
		}
		st.datasets, st.datasetsSandbox = datasets, sandbox
		s.indexDatasets()
		s.filter()
		s.checkClasses()
	})
	s.busy.start(lang.L("data.loading"), cancel)
}

// checkClasses reads, off the UI goroutine, the class of each listed dataset's schema that
// is not known yet, and greys out the datasets whose schema is not an ExperienceEvent schema.
// It runs when a listing arrives or the list is shown again, never per keystroke. The list
// can be used meanwhile, and LoadMapping checks the class of the chosen dataset in any case.
func (s *dataStep) checkClasses() {
	st := s.w.state
	reader, ok := st.session.(schemaClassReader)
	if !ok || st.sandbox == nil || st.datasetsSandbox != st.sandbox.Name || s.checkingClasses {
		return
	}

	sandbox := st.sandbox.Name
	if s.classesSandbox != sandbox {
		s.classes, s.classesSandbox = map[string]string{}, sandbox
	}
	var ids []string
	seen := map[string]bool{}
	for _, d := range st.datasets {
		if d.Problem != DatasetOK || d.Dataset.SchemaRef == nil {
			continue
		}
		id := d.Dataset.SchemaRef.ID
		if _, known := s.classes[id]; known || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		s.applyClasses()
		return
	}

	s.checkingClasses = true
	log := s.w.log
	log.Info("reading schema classes", "sandbox", sandbox, "schemas", len(ids))
	start(s.w.work, func(ctx context.Context) (map[string]string, error) {
		return readSchemaClasses(ctx, reader, sandbox, ids, log)
	}, func(classes map[string]string, err error) {
		s.checkingClasses = false
		if err != nil {
			if !isCanceled(err) {
				log.Warn("reading schema classes failed", "sandbox", sandbox, "err", err)
			}
			return
		}
		log.Info("schema classes read", "sandbox", sandbox, "schemas", len(classes))
		if s.classesSandbox != sandbox {
			return // the user chose another sandbox meanwhile
		}
		for id, class := range classes {
			s.classes[id] = class
		}
		s.applyClasses()
	})
}

// applyClasses marks the listed datasets whose schema class is known and is not
// ExperienceEvent, and drops the chosen dataset if it is one of them.
func (s *dataStep) applyClasses() {
	st := s.w.state
	if st.sandbox == nil || s.classesSandbox != st.sandbox.Name || st.datasetsSandbox != s.classesSandbox {
		return
	}

	for i, d := range st.datasets {
		if d.Problem != DatasetOK || d.Dataset.SchemaRef == nil {
			continue
		}
		class := s.classes[d.Dataset.SchemaRef.ID]
		if class == "" || class == aep.ExperienceEventClass {
			continue
		}
		st.datasets[i].Problem = DatasetNotEvent
		if st.dataset != nil && st.dataset.Dataset.ID == d.Dataset.ID {
			st.dataset = nil
			st.mapping, st.mappingDataset = nil, ""
			s.showReason(st.datasets[i])
		}
	}
	if s.list != nil {
		s.filter()
	}
	s.w.refreshNav()
}

// indexDatasets prepares the lower-case text the search compares, once per list.
func (s *dataStep) indexDatasets() {
	datasets := s.w.state.datasets
	s.searchText = make([]string, len(datasets))
	for i, d := range datasets {
		s.searchText[i] = strings.ToLower(d.Dataset.Name + "\n" + d.SchemaTitle)
	}
}

// filter shows the datasets whose name or schema title contains the search text.
func (s *dataStep) filter() {
	st := s.w.state
	query := strings.ToLower(strings.TrimSpace(st.datasetFilter))

	s.shown = s.shown[:0]
	selected := -1
	for i, text := range s.searchText {
		if query != "" && !strings.Contains(text, query) {
			continue
		}
		if st.dataset != nil && st.datasets[i].Dataset.ID == st.dataset.Dataset.ID {
			selected = len(s.shown)
		}
		s.shown = append(s.shown, i)
	}

	s.list.UnselectAll()
	s.list.Refresh()
	if selected >= 0 {
		s.list.Select(selected)
	}
	s.refreshEmpty(query)
}

// refreshEmpty explains an empty list once the datasets are listed: no dataset matches the
// search, or the sandbox has none.
func (s *dataStep) refreshEmpty(query string) {
	st := s.w.state
	switch {
	case len(s.shown) > 0 || st.sandbox == nil || st.datasetsSandbox != st.sandbox.Name:
		s.empty.Hide()
		return
	case len(st.datasets) == 0:
		s.empty.SetText(lang.L("data.none", map[string]string{"Sandbox": st.sandbox.Title}))
	default:
		s.empty.SetText(lang.L("data.no_match", map[string]string{"Query": query}))
	}
	s.empty.Show()
}

func (s *dataStep) newRow() fyne.CanvasObject {
	icon := widget.NewIcon(theme.StorageIcon())
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	updated := widget.NewLabel("")
	styleNote(updated)
	return container.NewBorder(nil, nil, icon, updated, container.NewVBox(name, detail))
}

func (s *dataStep) updateRow(id widget.ListItemID, row fyne.CanvasObject) {
	d := s.w.state.datasets[s.shown[id]]
	border := row.(*fyne.Container)
	texts := border.Objects[0].(*fyne.Container)
	icon := border.Objects[1].(*widget.Icon)
	updated := border.Objects[2].(*widget.Label)
	name := texts.Objects[0].(*widget.Label)
	detail := texts.Objects[1].(*widget.Label)

	name.SetText(d.Dataset.Name)
	if d.Dataset.Updated.IsZero() {
		updated.SetText("")
	} else {
		updated.SetText(lang.L("data.updated", map[string]string{"Date": d.Dataset.Updated.Format(dateLayout)}))
	}

	// A dataset that cannot be chosen shows a cancel icon, its name in plain italics and the
	// reason, all in readable colours: the theme's faint disabled colour would hide the reason.
	if d.Problem == DatasetOK {
		icon.SetResource(theme.StorageIcon())
		name.TextStyle = fyne.TextStyle{Bold: true}
		detail.TextStyle = fyne.TextStyle{}
		detail.SetText(lang.L("data.schema", map[string]string{"Schema": schemaLabel(d)}))
	} else {
		icon.SetResource(theme.CancelIcon())
		name.TextStyle = fyne.TextStyle{Italic: true}
		detail.TextStyle = fyne.TextStyle{Italic: true}
		detail.SetText(s.problemText(d))
	}

	// The texts changed width, so the row lays its parts out again.
	border.Refresh()
}

// schemaLabel returns the schema title, or its ID when the schema list did not have it.
func schemaLabel(d DatasetChoice) string {
	switch {
	case d.SchemaTitle != "":
		return d.SchemaTitle
	case d.Dataset.SchemaRef != nil:
		return d.Dataset.SchemaRef.ID
	default:
		return ""
	}
}

// problemText returns the reason a dataset cannot be chosen, naming its schema's class when
// it is known.
func (s *dataStep) problemText(d DatasetChoice) string {
	if d.Problem == DatasetNoSchema {
		return lang.L("data.problem.no_schema")
	}
	if d.Dataset.SchemaRef != nil && s.classesSandbox == s.w.state.datasetsSandbox {
		if class := s.classes[d.Dataset.SchemaRef.ID]; class != "" {
			return lang.L("data.problem.class", map[string]string{"Schema": schemaLabel(d), "Class": className(class)})
		}
	}
	return lang.L("data.problem.not_event", map[string]string{"Schema": schemaLabel(d)})
}

// showReason shows, below the list, the reason the dataset d cannot be chosen.
func (s *dataStep) showReason(d DatasetChoice) {
	if s.reason == nil {
		return
	}
	s.reason.SetText(lang.L("data.cannot_use", map[string]string{"Name": d.Dataset.Name, "Reason": s.problemText(d)}))
	s.reason.Show()
}

func (s *dataStep) onSelected(id widget.ListItemID) {
	if id < 0 || id >= len(s.shown) {
		return
	}
	st := s.w.state
	d := st.datasets[s.shown[id]]
	if d.Problem != DatasetOK {
		// Greyed-out rows cannot be chosen, so show the reason and keep the earlier choice.
		s.list.Unselect(id)
		s.showReason(d)
		return
	}

	s.reason.Hide()
	if st.dataset == nil || st.dataset.Dataset.ID != d.Dataset.ID {
		st.dataset = &d
		st.mapping, st.mappingDataset = nil, ""
	}
	s.w.refreshNav()
}

func (s *dataStep) onNext() {
	if s.w.state.data == setup.ExistingDataset {
		s.w.show(screenMapping)
		return
	}
	s.w.show(screenEvents)
}
