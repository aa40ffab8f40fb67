package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcome is the first screen: what the wizard does, the ways to start, and the language.
type welcome struct {
	w *Wizard

	connect  *widget.Button
	demo     *widget.Button
	existing *widget.Button
	language *widget.Select
}

func (s *welcome) title() string {
	return lang.L("welcome.title")
}

func (s *welcome) nav() navigation {
	return navigation{hidden: true}
}

func (s *welcome) build() fyne.CanvasObject {
	intro := widget.NewLabel(lang.L("welcome.intro"))
	intro.Wrapping = fyne.TextWrapWord

	s.connect = widget.NewButtonWithIcon(lang.L("welcome.connect"), theme.LoginIcon(), s.onConnect)
	s.connect.Importance = widget.HighImportance
	s.demo = widget.NewButtonWithIcon(lang.L("welcome.demo"), theme.MediaPlayIcon(), s.onDemo)
	s.existing = widget.NewButtonWithIcon(lang.L("welcome.existing"), theme.FolderOpenIcon(), s.onExisting)

	s.language = s.buildLanguage()
	languageRow := container.NewHBox(widget.NewIcon(theme.ComputerIcon()), widget.NewLabel(lang.L("welcome.language")), s.language)

	actions := container.NewVBox(s.connect, s.demo, s.existing)
	return container.NewVBox(intro, widget.NewSeparator(), actions, widget.NewSeparator(), languageRow)
}

// buildLanguage creates the language selector. Language names are written in their own
// language, as selectors usually do.
func (s *welcome) buildLanguage() *widget.Select {
	names := map[string]string{
		Spanish: lang.L("language.spanish"),
		English: lang.L("language.english"),
	}
	codes := map[string]string{names[Spanish]: Spanish, names[English]: English}

	sel := widget.NewSelect([]string{names[Spanish], names[English]}, nil)
	sel.Selected = names[CurrentLanguage()]
	sel.OnChanged = func(name string) {
		s.w.switchLanguage(codes[name])
	}
	return sel
}

func (s *welcome) onConnect() {
	s.w.show(screenCredentials)
}

func (s *welcome) onDemo() {
	s.w.startDemo()
}

func (s *welcome) onExisting() {
	s.w.show(screenSetups)
}
