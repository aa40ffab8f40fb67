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
)

// sandboxStep lists the sandboxes the credential can see, searchable, and marks production.
type sandboxStep struct {
	w *Wizard

	search   *widget.Entry
	list     *widget.List
	empty    *widget.Label // the reason the list shows no sandbox
	shown    []int         // indexes of the state.sandboxes that match the search
	warning  *fyne.Container
	notice   *widget.Label
	busy     *busy
	problem  *fyne.Container
	selected int // index into shown, -1 for none
}

func (s *sandboxStep) title() string {
	return lang.L("sandbox.title")
}

func (s *sandboxStep) nav() navigation {
	sb := s.w.state.sandbox
	return navigation{
		back:   func() { s.w.show(screenCredentials) },
		next:   lang.L("nav.next"),
		ready:  sb != nil && (sb.State == "" || sb.IsActive()),
		onNext: s.onNext,
	}
}

func (s *sandboxStep) build() fyne.CanvasObject {
	st := s.w.state

	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("sandbox.search"))
	s.search.SetText(st.sandboxFilter)
	s.search.OnChanged = func(text string) {
		st.sandboxFilter = text
		s.filter()
	}

	s.list = widget.NewList(
		func() int { return len(s.shown) },
		s.newRow,
		s.updateRow,
	)
	s.list.OnSelected = s.onSelected
	s.empty = newNote("")
	s.empty.Hide()

	s.warning = container.NewVBox()
	s.notice = newNote("")
	s.notice.Hide()
	if st.rememberErr != nil {
		p := explain(st.rememberErr)
		s.notice.SetText(lang.L("sandbox.not_remembered", map[string]string{"Problem": p.What + " " + p.Next}))
		s.notice.Show()
	}
	s.busy = newBusy()
	s.problem = container.NewVBox()

	s.filter()
	intro := lang.L("sandbox.intro")
	if s.w.state.existingPath {
		intro = lang.L("sandbox.intro_existing")
	}
	top := container.NewVBox(newNote(intro), s.search)
	bottom := container.NewVBox(s.warning, s.notice, s.busy.box, s.problem)
	return container.NewBorder(top, bottom, nil, nil, container.NewStack(s.list, container.NewVBox(s.empty)))
}

// enter loads the sandboxes the first time the step is shown for a session.
func (s *sandboxStep) enter() {
	st := s.w.state
	if st.sandboxes != nil || st.session == nil {
		return
	}

	session := st.session
	s.w.log.Info("listing sandboxes")
	cancel := start(s.w.work, func(ctx context.Context) ([]aep.Sandbox, error) {
		return session.ListSandboxes(ctx)
	}, func(sandboxes []aep.Sandbox, err error) {
		s.busy.stop()
		if err != nil {
			if !isCanceled(err) {
				s.w.log.Warn("listing sandboxes failed", "err", err)
				showProblem(s.problem, explain(err))
			}
			return
		}
		s.w.log.Info("sandboxes listed", "count", len(sandboxes))
		if sandboxes == nil {
			sandboxes = []aep.Sandbox{}
		}
		st.sandboxes = sandboxes
		s.preselect()
		s.filter()
	})
	s.busy.start(lang.L("sandbox.loading"), cancel)
}

// preselect chooses the sandbox remembered from the last visit, so a returning user only
// confirms it.
func (s *sandboxStep) preselect() {
	st := s.w.state
	if st.sandbox != nil || st.lastSandbox == "" {
		return
	}
	for _, sb := range st.sandboxes {
		if sb.Name == st.lastSandbox {
			st.setSandbox(sb)
			return
		}
	}
}

// filter shows the sandboxes whose title or name contains the search text, and keeps the
// chosen one selected.
func (s *sandboxStep) filter() {
	st := s.w.state
	query := strings.ToLower(strings.TrimSpace(st.sandboxFilter))

	s.shown = s.shown[:0]
	s.selected = -1
	for i, sb := range st.sandboxes {
		if query != "" && !strings.Contains(strings.ToLower(sb.Title), query) && !strings.Contains(strings.ToLower(sb.Name), query) {
			continue
		}
		if st.sandbox != nil && sb.Name == st.sandbox.Name {
			s.selected = len(s.shown)
		}
		s.shown = append(s.shown, i)
	}

	s.list.UnselectAll()
	s.list.Refresh()
	if s.selected >= 0 {
		s.list.Select(s.selected)
	}
	s.refreshEmpty(query)
	s.refreshWarning()
	s.w.refreshNav()
}

// refreshEmpty explains an empty list once the sandboxes are listed: none matches the
// search, or the credential sees none.
func (s *sandboxStep) refreshEmpty(query string) {
	st := s.w.state
	switch {
	case len(s.shown) > 0 || st.sandboxes == nil:
		s.empty.Hide()
		return
	case len(st.sandboxes) == 0:
		s.empty.SetText(lang.L("sandbox.none"))
	default:
		s.empty.SetText(lang.L("sandbox.no_match", map[string]string{"Query": query}))
	}
	s.empty.Show()
}

func (s *sandboxStep) newRow() fyne.CanvasObject {
	icon := widget.NewIcon(theme.StorageIcon())
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := widget.NewLabel("")
	styleNote(detail)
	kind := widget.NewLabel("")
	return container.NewBorder(nil, nil, icon, kind, container.NewHBox(title, detail))
}

func (s *sandboxStep) updateRow(id widget.ListItemID, row fyne.CanvasObject) {
	sb := s.w.state.sandboxes[s.shown[id]]
	border := row.(*fyne.Container)
	texts := border.Objects[0].(*fyne.Container)
	icon := border.Objects[1].(*widget.Icon)
	kind := border.Objects[2].(*widget.Label)

	texts.Objects[0].(*widget.Label).SetText(sb.Title)
	texts.Objects[1].(*widget.Label).SetText(sb.Name)

	kind.TextStyle = fyne.TextStyle{}
	switch {
	case sb.IsProduction():
		icon.SetResource(theme.WarningIcon())
		kind.Importance = widget.WarningImportance
		kind.SetText(lang.L("sandbox.production"))
	default:
		icon.SetResource(theme.StorageIcon())
		kind.Importance = widget.MediumImportance
		kind.SetText(lang.L("sandbox.development"))
	}
	if sb.State != "" && !sb.IsActive() {
		kind.Importance = widget.MediumImportance
		kind.TextStyle.Italic = true
		kind.SetText(lang.L("sandbox.inactive", map[string]string{"State": sb.State}))
	}

	// The texts changed width, so the row lays its parts out again.
	border.Refresh()
}

func (s *sandboxStep) onSelected(id widget.ListItemID) {
	if id < 0 || id >= len(s.shown) {
		return
	}
	s.selected = id
	s.w.state.setSandbox(s.w.state.sandboxes[s.shown[id]])
	s.refreshWarning()
	s.w.refreshNav()
}

// refreshWarning warns that a production sandbox holds live data.
func (s *sandboxStep) refreshWarning() {
	sb := s.w.state.sandbox
	if sb == nil || !sb.IsProduction() {
		clearBox(s.warning)
		return
	}
	text := newWrappedLabel(lang.L("sandbox.production_warning", map[string]string{"Sandbox": sb.Title}))
	text.Importance = widget.WarningImportance
	s.warning.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, text)}
	s.warning.Refresh()
}

// onNext remembers the sandbox for the next visit, off the UI goroutine because the keyring
// store may write through D-Bus, and moves on to the data step, or to the existing setups.
func (s *sandboxStep) onNext() {
	st := s.w.state
	if st.sandbox == nil {
		return
	}
	st.lastSandbox = st.sandbox.Name
	if st.remember && !st.demo {
		store, key, name := st.store, profileKey(st.sessionCreds), st.sandbox.Name
		start(s.w.work, func(context.Context) (struct{}, error) {
			return struct{}{}, store.SetLastSandbox(key, name)
		}, func(_ struct{}, err error) {
			if err != nil {
				s.w.log.Warn("remembering the sandbox failed", "sandbox", name, "err", err)
			}
		})
	}
	if st.existingPath {
		s.w.show(screenSetups)
		return
	}
	s.w.show(screenData)
}
