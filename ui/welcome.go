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
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/setup"
)

// welcome is the first screen: what the wizard does, the ways to start, and the language.
type welcome struct {
	w *Wizard

	resume   *widget.Button // "Continue as …", only with a saved profile
	connect  *widget.Button
	demo     *widget.Button
	existing *widget.Button
	last     *widget.Button // only when a previous setup finished
	language *widget.Select
}

func (s *welcome) title() string {
	return lang.L("welcome.title")
}

func (s *welcome) nav() navigation {
	return navigation{hidden: true}
}

func (s *welcome) build() fyne.CanvasObject {
	intro := newWrappedLabel(lang.L("welcome.intro"))

	actions := container.NewVBox()
	s.resume = nil
	if profile, ok := s.savedProfile(); ok {
		s.resume = widget.NewButtonWithIcon(
			lang.L("welcome.continue", map[string]string{"Client": shortID(profile.ClientID), "Org": profile.OrgID}),
			theme.LoginIcon(), func() {
				s.w.state.existingPath = false
				s.onContinue(profile)
			})
		s.resume.Importance = widget.HighImportance
		actions.Add(s.resume)
	}

	s.connect = widget.NewButtonWithIcon(lang.L("welcome.connect"), theme.AccountIcon(), s.onConnect)
	if s.resume == nil {
		s.connect.Importance = widget.HighImportance
	}
	demoText := lang.L("welcome.demo")
	if s.w.state.demo && s.w.state.creds != s.w.state.demoCreds {
		// Starting the demo again restores its credential, which the user has edited.
		demoText = lang.L("welcome.demo_restart")
	}
	s.demo = widget.NewButtonWithIcon(demoText, theme.MediaPlayIcon(), func() {
		s.w.state.existingPath = false
		s.w.startDemo()
	})
	if s.w.opts.StartDemo == nil {
		s.demo.Disable()
	}
	s.existing = widget.NewButtonWithIcon(lang.L("welcome.existing"), theme.FolderOpenIcon(), s.onExisting)
	actions.Add(s.connect)
	actions.Add(s.demo)
	actions.Add(s.existing)

	s.last = nil
	if last, ok, _ := s.w.lastSetup.Load(); ok {
		s.last = widget.NewButtonWithIcon(lang.L("welcome.last_setup"), theme.HistoryIcon(), func() {
			s.w.showLastSetup(setup.Result{
				Sandbox:       last.Sandbox,
				WebhookURL:    last.WebhookURL,
				FlowID:        last.FlowID,
				InletURL:      last.InletURL,
				DatasetID:     last.DatasetID,
				SchemaID:      last.SchemaID,
				FlowCreatedAt: last.Created,
				SendAfter:     last.Created.Add(setup.SendDelay),
			})
		})
		actions.Add(s.last)
	}

	s.language = s.buildLanguage()
	languageRow := container.NewHBox(widget.NewIcon(theme.ComputerIcon()), widget.NewLabel(lang.L("welcome.language")), s.language)

	content := container.NewVBox(intro, widget.NewSeparator(), actions, widget.NewSeparator(), languageRow)
	return container.NewVScroll(content)
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

// savedProfile returns the most recently saved credential profile, outside demo mode.
func (s *welcome) savedProfile() (credentials.Profile, bool) {
	if s.w.state.demo {
		return credentials.Profile{}, false
	}
	profiles := s.w.state.store.Profiles()
	if len(profiles) == 0 {
		return credentials.Profile{}, false
	}
	return profiles[0], true
}

func (s *welcome) onConnect() {
	s.w.state.existingPath = false
	s.w.show(screenCredentials)
}

// onContinue loads the saved profile's secret off the UI goroutine, because the keyring may
// reply over D-Bus, and connects with it straight away.
func (s *welcome) onContinue(profile credentials.Profile) {
	s.w.log.Info("continuing with a saved profile", "client_id", profile.ClientID, "org_id", profile.OrgID)
	store := s.w.state.store

	type loaded struct {
		profile credentials.Profile
		secrets credentials.Secrets
	}
	start(s.w.work, func(context.Context) (loaded, error) {
		p, secrets, err := store.LoadProfile(profile.Key())
		return loaded{p, secrets}, err
	}, func(l loaded, err error) {
		st := s.w.state
		if err != nil {
			s.w.log.Warn("loading the saved profile failed", "client_id", profile.ClientID, "err", err)
			l.profile = profile
		}
		st.creds = aep.Credentials{
			ClientID:     l.profile.ClientID,
			ClientSecret: l.secrets.ClientSecret,
			OrgID:        l.profile.OrgID,
			Scopes:       strings.Join(l.profile.Scopes, ","),
		}
		if st.creds.Scopes == "" {
			st.creds.Scopes = aep.DefaultScopes
		}
		st.lastSandbox = l.profile.LastSandbox
		st.remember = store.Persistent()

		s.w.show(screenCredentials)
		if st.creds.ClientSecret != "" {
			s.w.screens[screenCredentials].(*credentialsStep).onConnect()
		}
	})
}

// onExisting takes the path to the existing setups: credentials, sandbox, then the list. It
// skips the credentials step when a session exists, and connects with the saved profile when
// there is one.
func (s *welcome) onExisting() {
	st := s.w.state
	st.existingPath = true
	if st.session != nil {
		s.w.show(screenSandbox)
		return
	}
	if profile, ok := s.savedProfile(); ok {
		s.onContinue(profile)
		return
	}
	s.w.show(screenCredentials)
}

// shortID returns the first characters of a long ID, enough to tell credentials apart.
func shortID(id string) string {
	const keep = 8
	if len(id) <= keep {
		return id
	}
	return id[:keep] + "…"
}
