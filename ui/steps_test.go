package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cioaep/setup/flows/setup"
	"github.com/cioaep/setup/flows/sim"
)

// connectDemo opens the credentials step of a demo wizard on the simulator and connects.
func connectDemo(t *testing.T, platform *sim.Platform) *Wizard {
	t.Helper()

	w, _, _ := newTestWizard(t, simOptions(t, platform, true))
	tap(t, w, w.screens[screenWelcome].(*welcome).connect)
	tap(t, w, w.next)
	wantScreen(t, w, screenSandbox)
	return w
}

func TestProductionNeedsConfirmation(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "prod")
	sandbox := w.screens[screenSandbox].(*sandboxStep)
	if len(sandbox.warning.Objects) == 0 {
		t.Error("no warning after choosing the production sandbox")
	}
	tap(t, w, w.next) // sandbox
	tap(t, w, w.next) // data
	tap(t, w, w.next) // events
	wantScreen(t, w, screenReview)

	review := w.screens[screenReview].(*reviewStep)
	if review.confirm == nil {
		t.Fatal("the review of a production sandbox has no confirmation")
	}
	if !w.next.Disabled() {
		t.Fatal("Create is enabled before the production confirmation")
	}

	// Tapping the disabled button does nothing.
	test.Tap(w.next)
	w.work.wait()
	wantScreen(t, w, screenReview)
	if inv := platform.Inventory(); len(inv) != 0 {
		t.Fatalf("resources were created without the confirmation: %v", inv)
	}

	test.Tap(review.confirm)
	if w.next.Disabled() {
		t.Fatal("Create is disabled after the production confirmation")
	}
	tap(t, w, w.next)
	wantScreen(t, w, screenDone)
	if got := len(platform.Inventory()["prod"].Flows); got != 1 {
		t.Errorf("%d dataflows in prod after the confirmed run, want 1", got)
	}
}

func TestProductionRejectedWithoutConfirmation(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "prod")
	tap(t, w, w.next)
	tap(t, w, w.next)
	tap(t, w, w.next)
	wantScreen(t, w, screenReview)

	// Even if the button were bypassed, the runner rejects the plan before any call.
	w.screens[screenReview].(*reviewStep).onCreate()
	w.work.wait()

	if cause := setup.CauseOf(w.state.run.err); cause != setup.CauseProductionNotConfirmed {
		t.Fatalf("run error cause = %q, want %q", cause, setup.CauseProductionNotConfirmed)
	}
	if inv := platform.Inventory(); len(inv) != 0 {
		t.Errorf("resources were created without the confirmation: %v", inv)
	}
	create := w.screens[screenCreate].(*createStep)
	if got, want := problemText(create.outcome), "production sandbox"; !strings.Contains(got, want) {
		t.Errorf("outcome = %q, want it to mention %q", got, want)
	}
}

// chooseExistingDataset walks to the mapping page with the first ExperienceEvent dataset.
func chooseExistingDataset(t *testing.T, w *Wizard) *dataStep {
	t.Helper()

	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	wantScreen(t, w, screenData)

	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()
	data = w.screens[screenData].(*dataStep)
	if len(data.shown) == 0 {
		t.Fatal("no datasets listed in dev")
	}
	if !w.next.Disabled() {
		t.Error("Next is enabled before a dataset is chosen")
	}

	chosen := false
	for i, index := range data.shown {
		d := w.state.datasets[index]
		if d.Problem == DatasetOK && strings.Contains(strings.ToLower(d.SchemaTitle+d.Dataset.Name), "event") {
			data.list.Select(i)
			chosen = true
			break
		}
	}
	if !chosen {
		t.Fatalf("no ExperienceEvent dataset in dev: %+v", w.state.datasets)
	}
	return data
}

func TestMappingWithoutIDBlocksNext(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)
	chooseExistingDataset(t, w)

	tap(t, w, w.next)
	wantScreen(t, w, screenMapping)
	if w.state.mapping == nil {
		t.Fatal("no mapping loaded")
	}
	if w.next.Disabled() {
		t.Fatalf("Next is disabled with the suggested mapping: %v", w.state.mapping.Validate())
	}

	mapping := w.screens[screenMapping].(*mappingStep)
	mapping.onSourceChanged("_id", lang.L("mapping.not_mapped"))

	if !w.next.Disabled() {
		t.Fatal("Next is enabled with _id not mapped")
	}
	if got := mapping.status.Text; !strings.Contains(got, "_id") {
		t.Errorf("status = %q, want it to name _id", got)
	}
	test.Tap(w.next)
	w.work.wait()
	wantScreen(t, w, screenMapping)

	mapping.onSourceChanged("_id", "event_id")
	if w.next.Disabled() {
		t.Errorf("Next is disabled after mapping _id again: %v", w.state.mapping.Validate())
	}
}

func TestDatasetsWithoutSchemaGreyedOut(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	data := w.screens[screenData].(*dataStep)
	data.choice.SetSelected(data.existingLabel())
	w.work.wait()

	for i, index := range data.shown {
		d := w.state.datasets[index]
		if d.Problem != DatasetNoSchema {
			continue
		}
		data.list.Select(i)
		if w.state.dataset != nil && w.state.dataset.Dataset.ID == d.Dataset.ID {
			t.Fatalf("dataset %s without a schema was chosen", d.Dataset.Name)
		}
		if !data.reason.Visible() || !strings.Contains(data.reason.Text, "no schema") {
			t.Errorf("reason = %q, want it to say the dataset has no schema", data.reason.Text)
		}
		return
	}
	t.Fatal("the simulator lists no dataset without a schema in dev")
}

func TestCancelLeavesResumableRun(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	tap(t, w, w.next)
	tap(t, w, w.next)
	wantScreen(t, w, screenReview)

	// Every call now takes a while, so Cancel arrives in the middle of the run.
	platform.SetLatency(200 * time.Millisecond)
	test.Tap(w.next)
	wantScreen(t, w, screenCreate)
	run := w.state.run
	if !run.running {
		t.Fatal("the run is not running after Create")
	}
	create := w.screens[screenCreate].(*createStep)
	if !w.back.Hidden {
		t.Error("Back is shown while the run is running")
	}
	cancel := findButton(create.actions, "Cancel")
	if cancel == nil {
		t.Fatal("no Cancel button while the run is running")
	}
	test.Tap(cancel)
	w.work.wait()

	if run.running {
		t.Fatal("the run still runs after Cancel")
	}
	if cause := setup.CauseOf(run.err); cause != setup.CauseCanceled {
		t.Fatalf("run error cause = %q, want %q (%v)", cause, setup.CauseCanceled, run.err)
	}
	summary, err := setup.LoadRun(w.state.journalDir, run.runID)
	if err != nil {
		t.Fatal(err)
	}
	if !summary.Resumable() {
		t.Fatalf("run status after Cancel = %q, want a resumable one", summary.Status)
	}

	create = w.screens[screenCreate].(*createStep)
	canceledText := "Creation canceled. Nothing more will be created. Retry from here to continue where it stopped, or delete what was created so far."
	if findObject(create.outcome, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		return ok && l.Text == canceledText
	}) == nil {
		t.Errorf("outcome after Cancel = %q, want the neutral cancel message", problemText(create.outcome))
	}
	canceledRows := 0
	for _, row := range create.rows {
		if row.state.Text == "Canceled" {
			canceledRows++
		}
		if row.state.Text == "Failed" {
			t.Error("a step shows Failed after the user cancelled")
		}
	}
	if canceledRows == 0 {
		t.Error("no step shows Canceled after the user cancelled")
	}

	retry := findButton(create.actions, "Retry from here")
	if retry == nil {
		t.Fatal("no Retry from here after Cancel")
	}
	platform.SetLatency(0)
	tap(t, w, retry)
	wantScreen(t, w, screenDone)

	inv := platform.Inventory()["dev"]
	if len(inv.Flows) != 1 || len(inv.Datasets) != 1 || len(inv.Schemas) != 1 {
		t.Errorf("after resuming: %d flows, %d datasets, %d schemas, want one of each", len(inv.Flows), len(inv.Datasets), len(inv.Schemas))
	}
}

func TestRollbackDeletesCreated(t *testing.T) {
	useLanguage(t, English)
	platform := startSim(t)
	w := connectDemo(t, platform)

	selectSandbox(t, w, "dev")
	tap(t, w, w.next)
	tap(t, w, w.next)
	tap(t, w, w.next)

	// The dataflow cannot be created, so the run stops after the dataset chain.
	platform.InjectFaults(sim.RouteCreateFlow, sim.Fault{Status: 400, Code: "1410", Message: "invalid flow spec"})
	tap(t, w, w.next)
	wantScreen(t, w, screenCreate)
	if w.state.run.err == nil {
		t.Fatal("the run succeeded despite the failing dataflow call")
	}
	if len(platform.Inventory()["dev"].Datasets) != 1 {
		t.Fatalf("inventory before the rollback: %+v", platform.Inventory())
	}

	create := w.screens[screenCreate].(*createStep)
	details := create.details()
	if !strings.Contains(details, w.state.run.runID) {
		t.Errorf("details = %q, want the run ID", details)
	}
	if strings.Contains(details, simCredentials(platform).ClientSecret) {
		t.Error("the copied details contain the client secret")
	}

	create.rollback()
	w.work.wait()
	if !w.state.run.deleted {
		t.Fatalf("rollback did not finish: %v", w.state.run.err)
	}
	if inv := platform.Inventory()["dev"]; len(inv.Datasets)+len(inv.Schemas)+len(inv.FieldGroups)+len(inv.SourceConnections)+len(inv.TargetConnections)+len(inv.MappingSets) != 0 {
		t.Errorf("resources left after the rollback: %+v", inv)
	}
}

func TestCopyButtonShowsCheck(t *testing.T) {
	useLanguage(t, English)
	w, a, _ := newTestWizard(t, Options{})

	button := w.newCopyButton("Copy", func() string { return "value" })
	test.Tap(button)

	if got := a.Clipboard().Content(); got != "value" {
		t.Errorf("clipboard = %q, want %q", got, "value")
	}
	if got := button.Icon.Name(); got != theme.ConfirmIcon().Name() {
		t.Errorf("icon after copying = %q, want the check mark %q", got, theme.ConfirmIcon().Name())
	}

	// The test runs the UI work queued for later, as the UI goroutine would after the delay.
	w.work.wait()
	if got := button.Icon.Name(); got != theme.ContentCopyIcon().Name() {
		t.Errorf("icon after the feedback time = %q, want the copy icon %q", got, theme.ContentCopyIcon().Name())
	}
}
