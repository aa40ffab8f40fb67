package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/links"
)

// defaultOpenURL opens web pages when Options.OpenURL is not set.
var defaultOpenURL = links.Open

// copiedFeedback is how long a Copy button shows its check mark.
const copiedFeedback = 1500 * time.Millisecond

// newCopyButton returns a button that copies value() to the clipboard and shows a check mark
// for a moment, so the user sees that the copy happened.
func (w *Wizard) newCopyButton(text string, value func() string) *widget.Button {
	button := widget.NewButtonWithIcon(text, theme.ContentCopyIcon(), nil)
	button.OnTapped = func() {
		w.app.Clipboard().SetContent(value())
		w.log.Debug("copied to the clipboard", "button", text)

		button.SetIcon(theme.ConfirmIcon())
		w.work.after(w.copiedFeedback, func() {
			button.SetIcon(theme.ContentCopyIcon())
		})
	}
	return button
}

// newCopyField returns a read-only, selectable value with a Copy button next to it.
func (w *Wizard) newCopyField(value string) (*fyne.Container, *widget.Button) {
	text := widget.NewLabel(value)
	text.Selectable = true
	text.Wrapping = fyne.TextWrapBreak
	button := w.newCopyButton(lang.L("copy.button"), func() string { return value })
	return container.NewBorder(nil, nil, nil, button, text), button
}

// openLink opens url in the browser off the UI goroutine. When that fails, fallback gets the
// URL in a selectable field with a Copy button, so the user can paste it into a browser.
// Options.OpenURL logs the attempt and its failure (links.Opener does), so openLink does not.
func (w *Wizard) openLink(url string, fallback *fyne.Container) {
	start(w.work, func(context.Context) (struct{}, error) {
		return struct{}{}, w.opts.OpenURL(url)
	}, func(_ struct{}, err error) {
		if err == nil {
			fallback.Objects = nil
			fallback.Refresh()
			return
		}
		field, _ := w.newCopyField(url)
		p := explain(err)
		note := widget.NewLabel(p.What + " " + p.Next)
		note.Wrapping = fyne.TextWrapWord
		fallback.Objects = []fyne.CanvasObject{note, field}
		fallback.Refresh()
	})
}
