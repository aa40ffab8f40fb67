package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newWrappedLabel returns a label that wraps at word boundaries.
func newWrappedLabel(text string) *widget.Label {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	return label
}

// newNote returns a wrapped label for explanations, styled by styleNote.
func newNote(text string) *widget.Label {
	label := newWrappedLabel(text)
	styleNote(label)
	return label
}

// styleNote sets label in italics in the normal text colour, so that notes stand apart from
// the values around them and still read easily. Fyne's low-importance colour is too faint for
// text: 0x39 on the dark background 0x17 is about 1.5:1, where reading needs at least 4.5:1.
func styleNote(label *widget.Label) {
	label.Importance = widget.MediumImportance
	label.TextStyle.Italic = true
}

// wheelToPage lies over an entry inside a scrolled page and passes mouse-wheel events to the
// page. Fyne sends a wheel event to the innermost scrollable object under the pointer, which
// for an entry is its own one-line scroller, so the page would stop scrolling over every
// field. It is neither tappable nor hoverable, so clicks, focus and the text cursor still
// reach the entry below.
type wheelToPage struct {
	widget.BaseWidget
	page *container.Scroll
}

// scrollWithPage returns entry with a wheelToPage over it that scrolls page.
func scrollWithPage(entry fyne.CanvasObject, page *container.Scroll) fyne.CanvasObject {
	layer := &wheelToPage{page: page}
	layer.ExtendBaseWidget(layer)
	return container.NewStack(entry, layer)
}

// Scrolled scrolls the page instead of the entry. Until the page is known, the event is
// dropped, as it would be by the entry.
func (w *wheelToPage) Scrolled(event *fyne.ScrollEvent) {
	if w.page != nil {
		w.page.Scrolled(event)
	}
}

// CreateRenderer draws nothing: the layer is transparent.
func (w *wheelToPage) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// problemView returns the widgets that show a problem: what failed, what to do next, and the
// details for support when there are any.
func problemView(p problem) fyne.CanvasObject {
	what := newWrappedLabel(p.What)
	what.Importance = widget.DangerImportance
	what.TextStyle = fyne.TextStyle{Bold: true}
	lines := container.NewVBox(what, newWrappedLabel(p.Next))
	if p.Details != "" {
		details := newNote(p.Details)
		details.Selectable = true
		lines.Add(details)
	}
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.ErrorIcon())), nil, lines)
}

// showProblem puts a problem into box, replacing what it showed.
func showProblem(box *fyne.Container, p problem) {
	box.Objects = []fyne.CanvasObject{problemView(p)}
	box.Refresh()
}

// clearBox empties a container that shows a problem or a fallback.
func clearBox(box *fyne.Container) {
	if len(box.Objects) == 0 {
		return
	}
	box.Objects = nil
	box.Refresh()
}

// dialogError shows a problem in a dialog, for failures that belong to no screen.
func dialogError(window fyne.Window, p problem) {
	dialog.NewCustom(lang.L("error.title"), lang.L("dialog.close"), problemView(p), window).Show()
}

// busy is a spinner with a message and a Cancel button, shown while a call runs.
type busy struct {
	box      *fyne.Container
	activity *widget.Activity
	label    *widget.Label
	cancel   *widget.Button
}

func newBusy() *busy {
	b := &busy{
		activity: widget.NewActivity(),
		label:    widget.NewLabel(""),
		cancel:   widget.NewButtonWithIcon(lang.L("nav.cancel"), theme.CancelIcon(), nil),
	}
	b.box = container.NewHBox(b.activity, b.label, b.cancel)
	b.box.Hide()
	return b
}

// start shows the spinner with text. Cancel calls cancel, or is hidden when cancel is nil.
func (b *busy) start(text string, cancel func()) {
	b.label.SetText(text)
	b.cancel.OnTapped = cancel
	if cancel == nil {
		b.cancel.Hide()
	} else {
		b.cancel.Show()
	}
	b.activity.Start()
	b.box.Show()
}

// stop hides the spinner.
func (b *busy) stop() {
	b.activity.Stop()
	b.box.Hide()
}

// running reports whether the spinner is shown.
func (b *busy) running() bool {
	return b.box.Visible()
}
