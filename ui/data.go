package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/setup"
)

// dateLayout formats dataset update times. ISO dates read the same in English and Spanish.
const dateLayout = "2006-01-02"

// dataStep chooses where the events land: a ready-made Customer.io dataset, or an existing
// dataset from a searchable list. The list is filtered in memory, so typing in the search
// field makes no call, whatever the number of datasets.
type dataStep struct {
	w *Wizard

	root     *fyne.Container
	choice   *widget.RadioGroup
	existing *fyne.Container
	search   *widget.Entry
	list     *widget.List
	shown    []int // indexes into state.datasets that match the search
	reason   *widget.Label
	busy     *busy
	problem  *fyne.Container

	// searchText holds, per dataset, the lower-case name and schema title the search reads.
	searchText []string
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
	readyNote := newNote(lang.L("data.ready_made_note"))

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("data.search"))
	s.search.SetText(st.datasetFilter)
	s.search.OnChanged = func(text string) {
		st.datasetFilter = text
		s.filter()
	}
	s.list = widget.NewList(func() int { return len(s.shown) }, s.newRow, s.updateRow)
	s.list.OnSelected = s.onSelected
	s.existing = container.NewBorder(s.search, nil, nil, nil, s.list)

	s.reason = newWrappedLabel("")
	s.reason.Importance = widget.WarningImportance
	s.reason.Hide()
	s.busy = newBusy()
	s.problem = container.NewVBox()

	s.indexDatasets()
	s.filter()

	top := container.NewVBox(s.choice, readyNote)
	bottom := container.NewVBox(s.reason, s.busy.box, s.problem)
	s.root = container.NewBorder(top, bottom, nil, nil, s.existing)
	s.refreshChoice()
	return s.root
}

func (s *dataStep) enter() {
	if s.w.state.data == setup.ExistingDataset {
		s.loadDatasets()
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
	}
}

func (s *dataStep) refreshChoice() {
	if s.w.state.data == setup.ExistingDataset {
		s.existing.Show()
	} else {
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
	})
	s.busy.start(lang.L("data.loading"), cancel)
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
}

func (s *dataStep) newRow() fyne.CanvasObject {
	icon := widget.NewIcon(theme.StorageIcon())
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	updated := widget.NewLabel("")
	updated.Importance = widget.LowImportance
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

	if d.Problem == DatasetOK {
		icon.SetResource(theme.StorageIcon())
		name.Importance = widget.MediumImportance
		detail.Importance = widget.MediumImportance
		detail.SetText(lang.L("data.schema", map[string]string{"Schema": schemaLabel(d)}))
	} else {
		icon.SetResource(theme.CancelIcon())
		name.Importance = widget.LowImportance
		detail.Importance = widget.LowImportance
		detail.SetText(datasetProblemText(d))
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

// datasetProblemText returns the reason a dataset cannot be chosen.
func datasetProblemText(d DatasetChoice) string {
	if d.Problem == DatasetNoSchema {
		return lang.L("data.problem.no_schema")
	}
	return lang.L("data.problem.not_event", map[string]string{"Schema": schemaLabel(d)})
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
		s.reason.SetText(lang.L("data.cannot_use", map[string]string{"Name": d.Dataset.Name, "Reason": datasetProblemText(d)}))
		s.reason.Show()
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
