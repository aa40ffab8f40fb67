package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cioaep/setup/flows/aep"
	"github.com/cioaep/setup/flows/setup"
)

// listExistingDatasets connects a demo wizard on the simulator, chooses sandbox dev and the
// existing-dataset option, and waits for the list and the schema classes.
func listExistingDatasets(t *testing.T) (*Wizard, *dataStep) {
	t.Helper()

	w := connectDemo(t, startSim(t))
	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	wantScreen(t, w, screenData)

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	return w, w.screens[screenData].(*dataStep)
}

// shownDataset returns the index in data.shown of the dataset named name.
func shownDataset(t *testing.T, w *Wizard, data *dataStep, name string) int {
	t.Helper()

	for i, index := range data.shown {
		if w.state.datasets[index].Dataset.Name == name {
			return i
		}
	}
	t.Fatalf("dataset %q is not listed", name)
	return -1
}

func TestProfileDatasetGreyedBeforeChoice(t *testing.T) {
	useLanguage(t, English)
	w, data := listExistingDatasets(t)

	row := shownDataset(t, w, data, "Loyalty members dataset")
	d := w.state.datasets[data.shown[row]]
	if d.Problem != DatasetNotEvent {
		t.Fatalf("Loyalty members dataset problem = %q before any choice, want %q", d.Problem, DatasetNotEvent)
	}
	want := "Cannot be used: schema Loyalty members is of the XDM Individual Profile class, not XDM ExperienceEvent."
	if got := data.problemText(d); got != want {
		t.Errorf("row reason = %q, want %q", got, want)
	}
	if !showsLabel(w.window.Canvas().Content(), want) {
		t.Error("no row on screen shows the reason")
	}

	data.list.Select(row)
	if w.state.dataset != nil {
		t.Errorf("chosen dataset = %q, want none", w.state.dataset.Dataset.Name)
	}
	if !w.next.Disabled() {
		t.Error("Next is enabled after tapping an unusable dataset")
	}
	if !data.reason.Visible() || !strings.Contains(data.reason.Text, "XDM Individual Profile") {
		t.Errorf("reason below the list = %q, want the class named", data.reason.Text)
	}

	events := shownDataset(t, w, data, "Web events dataset")
	if d := w.state.datasets[data.shown[events]]; d.Problem != DatasetOK {
		t.Errorf("Web events dataset problem = %q, want none", d.Problem)
	}
}

// countingClassSession is a fake session that reads schema classes from a table and counts
// the reads.
type countingClassSession struct {
	*fakeSession

	mu      sync.Mutex
	classes map[string]string
	reads   int
}

func (s *countingClassSession) SchemaClass(ctx context.Context, sandbox, schemaID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	return s.classes[schemaID], nil
}

func (s *countingClassSession) readCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func TestSchemaClassesReadOncePerListing(t *testing.T) {
	useLanguage(t, English)
	fake := newFakeSession()
	// The fake list marks no dataset, so only the class reads can grey one out.
	for i := range fake.datasets {
		if fake.datasets[i].Problem == DatasetNotEvent {
			fake.datasets[i].Problem = DatasetOK
		}
	}
	session := &countingClassSession{fakeSession: fake, classes: map[string]string{
		"https://ns.adobe.com/acmecorp/schemas/1f0c": aep.ExperienceEventClass,
		"https://ns.adobe.com/acmecorp/schemas/9d2e": profileClass,
	}}
	backend := &fakeBackend{session: fake}
	w, _, _ := newTestWizard(t, Options{Backend: classBackend{backend, session}})

	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	creds := w.screens[screenCredentials].(*credentialsStep)
	test.Type(creds.clientID, "0123456789abcdef0123456789abcdef")
	test.Type(creds.secret, "example-client-secret")
	test.Type(creds.orgID, "0123456789ABCDEF01234567@AdobeOrg")
	tap(t, w, w.next)
	selectSandbox(t, w, "dev")
	tap(t, w, w.next)

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	if got := session.readCount(); got != 2 {
		t.Fatalf("%d schema reads after listing, want 2, one per schema", got)
	}
	row := shownDataset(t, w, data, "CRM profiles")
	if got := w.state.datasets[data.shown[row]].Problem; got != DatasetNotEvent {
		t.Errorf("CRM profiles problem = %q, want %q", got, DatasetNotEvent)
	}

	// Typing in the search filters in memory and reads nothing.
	test.Type(data.search, "crm")
	w.work.wait()
	if got := session.readCount(); got != 2 {
		t.Errorf("%d schema reads after typing a search, want still 2", got)
	}

	// Coming back to the step reads nothing again.
	tap(t, w, w.back)
	tap(t, w, w.next)
	w.work.wait()
	if got := session.readCount(); got != 2 {
		t.Errorf("%d schema reads after coming back, want still 2", got)
	}
}

// classBackend connects to session, a fake that also reads schema classes.
type classBackend struct {
	*fakeBackend
	session *countingClassSession
}

func (b classBackend) Connect(ctx context.Context, creds aep.Credentials) (Session, error) {
	if _, err := b.fakeBackend.Connect(ctx, creds); err != nil {
		return nil, err
	}
	return b.session, nil
}

func TestDataNoteFollowsOption(t *testing.T) {
	for _, code := range []string{English, Spanish} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			w, data := listExistingDatasets(t)

			existingNote := data.choiceNote.Text
			data.choice.SetSelected(data.readyMadeLabel())
			readyNote := data.choiceNote.Text

			if w.state.data != setup.ReadyMade {
				t.Fatalf("data choice = %v, want the ready-made option", w.state.data)
			}
			if readyNote == existingNote {
				t.Errorf("both options show the note %q", readyNote)
			}
			if !strings.Contains(existingNote, "XDM ExperienceEvent") {
				t.Errorf("existing-dataset note = %q, want it to name the class", existingNote)
			}
			if want := map[string]string{English: "field group", Spanish: "grupo de campos"}[code]; !strings.Contains(readyNote, want) {
				t.Errorf("ready-made note = %q, want it to mention the %s", readyNote, want)
			}
		})
	}
}

func TestEmptyListsSayWhy(t *testing.T) {
	useLanguage(t, English)
	w, data := listExistingDatasets(t)

	test.Type(data.search, "zzz")
	if len(data.shown) != 0 {
		t.Fatalf("%d datasets match zzz, want none", len(data.shown))
	}
	if want := "No dataset name or schema title contains “zzz”."; !data.empty.Visible() || data.empty.Text != want {
		t.Errorf("empty dataset list note = %q (shown %v), want %q", data.empty.Text, data.empty.Visible(), want)
	}
	data.search.SetText("")
	if data.empty.Visible() {
		t.Error("empty note still shown with every dataset listed")
	}

	tap(t, w, w.back)
	sandbox := w.screens[screenSandbox].(*sandboxStep)
	test.Type(sandbox.search, "qa")
	if want := "No sandbox title or name contains “qa”."; !sandbox.empty.Visible() || sandbox.empty.Text != want {
		t.Errorf("empty sandbox list note = %q (shown %v), want %q", sandbox.empty.Text, sandbox.empty.Visible(), want)
	}
}

func TestNoEventGroupSaysWhy(t *testing.T) {
	useLanguage(t, English)
	w, _, _ := newTestWizard(t, Options{})
	w.show(screenEvents)
	s := w.screens[screenEvents].(*eventsStep)

	if s.none.Visible() {
		t.Error("the note asks for an event group while all are ticked")
	}
	for _, check := range s.checks {
		check.SetChecked(false)
	}
	if !w.next.Disabled() {
		t.Error("Next is enabled with no event group ticked")
	}
	if !s.none.Visible() || s.none.Text != "Tick at least one event group to continue." {
		t.Errorf("note = %q (shown %v), want the reason Next is disabled", s.none.Text, s.none.Visible())
	}
}

func TestNotEventErrorNamesClass(t *testing.T) {
	for code, want := range map[string]string{
		English: "The dataset's schema is of class XDM Individual Profile, not ExperienceEvent.",
		Spanish: "El esquema del conjunto de datos es de la clase XDM Individual Profile, no ExperienceEvent.",
	} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			err := &setup.Error{Cause: setup.CauseNotExperienceEvent, Value: profileClass}

			if got := explain(err).What; got != want {
				t.Errorf("problem = %q, want %q", got, want)
			}
		})
	}
}
