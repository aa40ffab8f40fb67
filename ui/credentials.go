package ui

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/credentials"
	"github.com/cioaep/setup/flows/links"
)

// orgSuffix ends every Adobe organization ID.
const orgSuffix = "@AdobeOrg"

// bareOrgID matches an organization ID copied without its suffix: 24 hexadecimal digits.
var bareOrgID = regexp.MustCompile(`^[0-9A-Fa-f]{24}$`)

// clientIDLength is the number of characters of a Developer Console client ID.
// NOTE: Adobe publishes no format for client IDs. Every OAuth Server-to-Server client ID in
// Adobe's documentation and samples has 32 hexadecimal characters, so an ID of another length
// is treated as a copying mistake.
const clientIDLength = 32

// checkMessage is one problem found before any call: a translation key and its template data.
type checkMessage struct {
	key  string
	data map[string]any
}

// credentialCheck is the result of the checks made before any call to Adobe.
type credentialCheck struct {
	ready bool // every field is filled in and valid

	// messages are the problems to show now. Empty fields are not problems yet, they only
	// keep Connect disabled and are listed in missing.
	messages []checkMessage

	// missing are the translation keys of the labels of the empty fields, in form order.
	missing []string

	// offerOrgSuffix is set when the organization ID is 24 hex digits without @AdobeOrg.
	offerOrgSuffix bool
}

// checkCredentials checks trimmed credential values before any call.
func checkCredentials(c aep.Credentials) credentialCheck {
	check := credentialCheck{ready: true}
	for _, field := range []struct{ value, label string }{
		{c.ClientID, "creds.client_id"},
		{c.ClientSecret, "creds.client_secret"},
		{c.OrgID, "creds.org_id"},
		{aep.NormalizeScopes(c.Scopes), "creds.scopes"},
	} {
		if field.value == "" {
			check.ready = false
			check.missing = append(check.missing, field.label)
		}
	}

	switch {
	case c.ClientID == "":
	case strings.ContainsAny(c.ClientID, " \t\n"):
		check.ready = false
		check.messages = append(check.messages, checkMessage{key: "creds.check.client_id_spaces"})
	case utf8.RuneCountInString(c.ClientID) != clientIDLength:
		check.ready = false
		check.messages = append(check.messages, checkMessage{key: "creds.check.client_id_length", data: map[string]any{
			"Length": utf8.RuneCountInString(c.ClientID), "Want": clientIDLength,
		}})
	}

	suffix := map[string]any{"Suffix": orgSuffix}
	switch {
	case c.OrgID == "":
	case strings.HasSuffix(c.OrgID, orgSuffix) && len(c.OrgID) > len(orgSuffix) && !strings.ContainsAny(c.OrgID, " \t\n"):
	case bareOrgID.MatchString(c.OrgID):
		check.ready = false
		check.offerOrgSuffix = true
		check.messages = append(check.messages, checkMessage{key: "creds.check.org_suffix_missing", data: suffix})
	default:
		check.ready = false
		check.messages = append(check.messages, checkMessage{key: "creds.check.org_invalid", data: suffix})
	}
	return check
}

// credentialsStep collects the OAuth Server-to-Server credential and connects with it.
type credentialsStep struct {
	w *Wizard

	clientID *widget.Entry
	secret   *widget.Entry
	orgID    *widget.Entry
	scopes   *widget.Entry
	orgFix   *widget.Button
	checks   *widget.Label
	missing  *widget.Label // the reason Connect is disabled while fields are empty

	importButton *widget.Button
	helpButton   *widget.Button
	fallback     *fyne.Container // the Developer Console URL when no browser opens
	imported     *widget.Label

	remember     *widget.Check
	rememberNote *widget.Label

	busy    *busy
	problem *fyne.Container
}

func (s *credentialsStep) title() string {
	return lang.L("creds.title")
}

func (s *credentialsStep) nav() navigation {
	check := checkCredentials(s.w.state.creds)
	return navigation{
		back:   func() { s.w.show(screenWelcome) },
		next:   lang.L("creds.connect"),
		ready:  check.ready && !s.busy.running(),
		onNext: s.onConnect,
	}
}

func (s *credentialsStep) build() fyne.CanvasObject {
	st := s.w.state
	page := container.NewVScroll(nil)

	s.clientID = s.newEntry(st.creds.ClientID, func(v string) { st.creds.ClientID = v })
	s.clientID.SetPlaceHolder(lang.L("creds.client_id_placeholder"))
	s.secret = widget.NewPasswordEntry()
	s.secret.SetText(st.creds.ClientSecret)
	s.secret.OnChanged = func(v string) { st.creds.ClientSecret = strings.TrimSpace(v); s.onChanged() }
	s.orgID = s.newEntry(st.creds.OrgID, func(v string) { st.creds.OrgID = v })
	s.orgID.SetPlaceHolder(lang.L("creds.org_id_placeholder"))
	s.scopes = s.newEntry(st.creds.Scopes, func(v string) { st.creds.Scopes = v })

	s.orgFix = widget.NewButtonWithIcon(lang.L("creds.add_org_suffix"), theme.ContentAddIcon(), s.onAddOrgSuffix)
	s.checks = newWrappedLabel("")
	s.checks.Importance = widget.DangerImportance
	s.missing = newNote("")

	form := widget.NewForm(
		widget.NewFormItem(lang.L("creds.client_id"), scrollWithPage(s.clientID, page)),
		widget.NewFormItem(lang.L("creds.client_secret"), scrollWithPage(s.secret, page)),
		widget.NewFormItem(lang.L("creds.org_id"), container.NewBorder(nil, nil, nil, s.orgFix, scrollWithPage(s.orgID, page))),
		widget.NewFormItem(lang.L("creds.scopes"), scrollWithPage(s.scopes, page)),
	)

	s.importButton = widget.NewButtonWithIcon(lang.L("creds.import"), theme.FileIcon(), s.onImport)
	s.helpButton = widget.NewButtonWithIcon(lang.L("creds.where"), theme.HelpIcon(), func() {
		s.w.openLink(links.DeveloperConsoleURL, s.fallback)
	})
	s.fallback = container.NewVBox()
	s.imported = newNote("")
	s.imported.Hide()

	s.remember = widget.NewCheck(lang.L("creds.remember"), func(on bool) { st.remember = on })
	s.remember.SetChecked(st.remember)
	s.rememberNote = newNote("")
	s.refreshRemember()

	s.busy = newBusy()
	s.problem = container.NewVBox()

	intro := newNote(lang.L("creds.intro"))
	content := container.NewVBox(
		intro,
		form,
		s.checks,
		s.missing,
		container.NewHBox(s.importButton, s.helpButton),
		s.imported,
		s.fallback,
		widget.NewSeparator(),
		s.remember,
		s.rememberNote,
		s.busy.box,
		s.problem,
	)
	s.refreshChecks()
	page.Content = content
	return page
}

// newEntry returns an entry showing value that stores its trimmed text with set.
func (s *credentialsStep) newEntry(value string, set func(string)) *widget.Entry {
	entry := widget.NewEntry()
	entry.SetText(value)
	entry.OnChanged = func(v string) {
		set(strings.TrimSpace(v))
		s.onChanged()
	}
	return entry
}

// onChanged runs on every keystroke: a changed credential needs a new connection, and the
// problem shown was about the values before the change.
func (s *credentialsStep) onChanged() {
	st := s.w.state
	if st.session != nil && st.sessionCreds != s.normalized() {
		st.disconnect()
	}
	clearBox(s.problem)
	s.refreshChecks()
	s.w.refreshNav()
}

// normalized returns the credential as it is sent: trimmed, with normalized scopes.
func (s *credentialsStep) normalized() aep.Credentials {
	c := s.w.state.creds
	c.Scopes = aep.NormalizeScopes(c.Scopes)
	return c
}

func (s *credentialsStep) refreshChecks() {
	check := checkCredentials(s.w.state.creds)
	if check.offerOrgSuffix {
		s.orgFix.Show()
	} else {
		s.orgFix.Hide()
	}

	var lines []string
	for _, m := range check.messages {
		lines = append(lines, lang.L(m.key, m.data))
	}
	s.checks.SetText(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		s.checks.Hide()
	} else {
		s.checks.Show()
	}

	if len(check.missing) == 0 {
		s.missing.Hide()
		return
	}
	fields := make([]string, len(check.missing))
	for i, key := range check.missing {
		fields[i] = lang.L(key)
	}
	s.missing.SetText(lang.L("creds.missing", map[string]string{"Fields": strings.Join(fields, ", ")}))
	s.missing.Show()
}

// refreshRemember explains why credentials cannot be remembered, when they cannot.
func (s *credentialsStep) refreshRemember() {
	st := s.w.state
	switch {
	case st.demo:
		s.remember.Disable()
		s.rememberNote.SetText(lang.L("creds.remember_demo"))
	case !st.store.Persistent():
		s.remember.Disable()
		text := lang.L("creds.session_only")
		if st.storeProblem != nil {
			p := explain(st.storeProblem)
			text = p.What + " " + p.Next + " " + text
		}
		s.rememberNote.SetText(text)
	default:
		s.remember.Enable()
		s.rememberNote.SetText(lang.L("creds.remember_note"))
	}
}

func (s *credentialsStep) onAddOrgSuffix() {
	s.orgID.SetText(s.w.state.creds.OrgID + orgSuffix)
}

// onImport opens a file dialog for a project file downloaded from the Developer Console.
func (s *credentialsStep) onImport() {
	open := dialog.NewFileOpen(func(file fyne.URIReadCloser, err error) {
		if err != nil {
			showProblem(s.problem, explain(err))
			return
		}
		if file == nil {
			return // the user closed the dialog
		}
		defer file.Close()
		s.importProject(file.URI().Name(), file)
	}, s.w.window)
	open.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	open.Show()
}

// importProject reads the Developer Console project file named name and fills in its OAuth
// Server-to-Server credential, asking which one when the project has several.
func (s *credentialsStep) importProject(name string, r io.Reader) {
	found, err := credentials.ParseProject(r)
	if err != nil {
		s.w.log.Warn("importing a Developer Console file failed", "file", name, "err", err)
		var projectErr *credentials.ProjectError
		if errors.As(err, &projectErr) {
			showProblem(s.problem, explainProject(projectErr, name))
		} else {
			showProblem(s.problem, explain(err))
		}
		return
	}
	clearBox(s.problem)

	if len(found) == 1 {
		s.applyImported(found[0])
		return
	}

	labels := make([]string, len(found))
	for i, c := range found {
		labels[i] = lang.L("creds.import_choice", map[string]string{
			"Name": c.Name, "Project": c.ProjectTitle, "Workspace": c.WorkspaceName, "Client": shortID(c.ClientID),
		})
	}
	choice := widget.NewRadioGroup(labels, nil)
	choice.SetSelected(labels[0])
	chooser := dialog.NewCustomConfirm(lang.L("creds.import_choose"), lang.L("creds.import_use"), lang.L("nav.cancel"),
		choice, func(ok bool) {
			if !ok {
				return
			}
			for i, label := range labels {
				if label == choice.Selected {
					s.applyImported(found[i])
				}
			}
		}, s.w.window)
	chooser.Show()
}

// applyImported fills the form with an imported credential.
func (s *credentialsStep) applyImported(c credentials.ConsoleCredential) {
	s.w.log.Info("credential imported", "client_id", c.ClientID, "org_id", c.OrgID, "credential", c.Name)
	st := s.w.state
	st.creds = aep.Credentials{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		OrgID:        c.OrgID,
		Scopes:       strings.Join(c.Scopes, ","),
	}
	if st.creds.Scopes == "" {
		st.creds.Scopes = aep.DefaultScopes
	}
	st.disconnect()

	s.w.show(screenCredentials)
	s.imported.SetText(lang.L("creds.imported", map[string]string{"Name": c.Name, "Project": c.ProjectTitle}))
	s.imported.Show()
}

// onConnect fetches a token off the UI goroutine, with a spinner and Cancel, then opens the
// sandbox step. A failure shows its cause and keeps every typed value.
func (s *credentialsStep) onConnect() {
	st := s.w.state
	creds := s.normalized()
	if !checkCredentials(creds).ready || s.busy.running() {
		return
	}
	if st.session != nil && st.sessionCreds == creds {
		s.w.afterConnect()
		return
	}
	if st.backend == nil {
		showProblem(s.problem, explain(errors.New("no Adobe backend configured")))
		return
	}

	clearBox(s.problem)
	backend, store, remember := st.backend, st.store, st.remember && !st.demo
	profile := credentials.Profile{
		ClientID:    creds.ClientID,
		OrgID:       creds.OrgID,
		Scopes:      strings.Split(creds.Scopes, ","),
		LastSandbox: st.lastSandbox,
	}

	type connected struct {
		session Session
		saveErr error
	}
	s.w.log.Info("connect started", "client_id", creds.ClientID, "org_id", creds.OrgID)
	cancel := start(s.w.work, func(ctx context.Context) (connected, error) {
		session, err := backend.Connect(ctx, creds)
		if err != nil {
			return connected{}, err
		}
		var saveErr error
		if remember {
			saveErr = store.SaveProfile(profile, credentials.Secrets{ClientSecret: creds.ClientSecret})
		}
		return connected{session, saveErr}, nil
	}, func(c connected, err error) {
		s.busy.stop()
		s.w.refreshNav()
		if err != nil {
			if isCanceled(err) {
				s.w.log.Info("connect cancelled", "client_id", creds.ClientID)
				return
			}
			s.w.log.Warn("connect failed", "client_id", creds.ClientID, "cause", aep.CauseOf(err), "err", err)
			showProblem(s.problem, explain(err))
			return
		}

		s.w.log.Info("connected", "client_id", creds.ClientID, "org_id", creds.OrgID)
		if c.saveErr != nil {
			s.w.log.Warn("remembering the credential failed", "client_id", creds.ClientID, "err", c.saveErr)
		}
		st.disconnect()
		st.session, st.sessionCreds, st.rememberErr = c.session, creds, c.saveErr
		s.w.afterConnect()
	})

	s.busy.start(lang.L("creds.connecting"), cancel)
	s.w.refreshNav()
}

// isCanceled reports whether err means the user cancelled, or the window closed.
func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || aep.CauseOf(err) == aep.CauseCanceled
}

// afterConnect moves on once a session exists: to a run chosen on the existing-setups
// screen, or to the sandbox step.
func (w *Wizard) afterConnect() {
	if w.state.pendingRun != "" {
		w.show(screenCreate)
		return
	}
	w.show(screenSandbox)
}

// profileKey returns the key of the saved profile of a credential.
func profileKey(c aep.Credentials) credentials.ProfileKey {
	return credentials.ProfileKey{OrgID: c.OrgID, ClientID: c.ClientID}
}
