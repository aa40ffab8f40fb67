package setup

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestJournalRoundTrip(t *testing.T) {
	dir := t.TempDir()
	plan, err := NewPlan(Input{Sandbox: prodSandbox, ConfirmProduction: true, EventGroups: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	j := newJournal(plan, created)
	j.State.FlowID = "flow-1"
	j.Resources = append(j.Resources, Resource{Kind: KindFlow, ID: "flow-1", Name: "Customer.io dataflow", CreatedAt: created})
	if err := writeJournal(dir, j); err != nil {
		t.Fatalf("writeJournal() error = %v", err)
	}

	info, err := os.Stat(journalPath(dir, plan.RunID))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("journal mode = %o, want 600", mode)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	back, err := readJournal(dir, plan.RunID)
	if err != nil {
		t.Fatalf("readJournal() error = %v", err)
	}
	got := back.plan()
	if got.RunID != plan.RunID || got.Sandbox != plan.Sandbox || !got.ConfirmProduction {
		t.Errorf("plan after round trip = %+v, want %+v", got, plan)
	}
	if !slices.Equal(got.EventGroups, plan.EventGroups) {
		t.Errorf("EventGroups = %v, want %v", got.EventGroups, plan.EventGroups)
	}
	if back.State.FlowID != "flow-1" || len(back.Resources) != 1 {
		t.Errorf("state = %+v, resources = %v", back.State, back.Resources)
	}
	if back.Steps[StepCheckSource].State != Pending {
		t.Errorf("check_source state = %q, want pending", back.Steps[StepCheckSource].State)
	}
}

func TestListRunsNewestFirst(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

	var ids []string
	for i := range 3 {
		plan, err := NewPlan(Input{Sandbox: devSandbox})
		if err != nil {
			t.Fatal(err)
		}
		j := newJournal(plan, start.Add(time.Duration(i)*time.Minute))
		if i == 1 {
			j.Status = RunSucceeded
		}
		if err := writeJournal(dir, j); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, plan.RunID)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cio-abcdef.json"), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}

	runs, err := ListRuns(dir)
	if err != nil {
		t.Fatalf("ListRuns() error = %v", err)
	}
	var got []string
	for _, run := range runs {
		got = append(got, run.RunID)
	}
	if want := []string{ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("ListRuns() = %v, want %v", got, want)
	}
	if runs[1].Resumable() {
		t.Error("succeeded run is resumable")
	}
	if !runs[0].Resumable() {
		t.Error("running run is not resumable")
	}
}

func TestListRunsMissingDir(t *testing.T) {
	runs, err := ListRuns(filepath.Join(t.TempDir(), "none"))
	if err != nil || len(runs) != 0 {
		t.Errorf("ListRuns(missing) = %v, %v, want no runs and no error", runs, err)
	}
}

func TestLoadRunNotFound(t *testing.T) {
	_, err := LoadRun(t.TempDir(), "cio-000000")
	if CauseOf(err) != CauseRunNotFound {
		t.Errorf("LoadRun() = %v, want cause %s", err, CauseRunNotFound)
	}

	_, err = LoadRun(t.TempDir(), "../secrets")
	if CauseOf(err) != CauseRunNotFound {
		t.Errorf("LoadRun(../secrets) = %v, want cause %s", err, CauseRunNotFound)
	}
}
