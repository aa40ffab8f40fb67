package setup

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/cioaep/setup/flows/aep"
)

// crashExitCode is the exit code of the helper process that crashes.
const crashExitCode = 3

// crashEnv is what the crashing helper process needs: where the simulated
// services listen, the simulated credential and the plan.
type crashEnv struct {
	IMSURL, PlatformURL string
	Credentials         aep.Credentials
	JournalDir          string
	Plan                Plan
	CrashAfter          StepID
}

const crashEnvVar = "SETUP_TEST_CRASH_ENV"

// TestResumeAfterCrash runs a setup in a helper process that exits as soon
// as one step is done, with other steps maybe in flight, then resumes the
// run in this process from the journal alone.
func TestResumeAfterCrash(t *testing.T) {
	if os.Getenv(crashEnvVar) != "" {
		t.Skip("runs in the parent process only")
	}

	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	credential := env.platform.Credential()
	spec, err := json.Marshal(crashEnv{
		IMSURL:      env.imsURL,
		PlatformURL: env.gwURL,
		Credentials: aep.Credentials(credential),
		JournalDir:  env.dir,
		Plan:        plan,
		CrashAfter:  StepSchema,
	})
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashingRun$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvVar+"="+string(spec))
	output, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != crashExitCode {
		t.Fatalf("helper process: %v, want exit code %d; output:\n%s", err, crashExitCode, output)
	}

	summary, err := LoadRun(env.dir, plan.RunID)
	if err != nil {
		t.Fatalf("LoadRun() after the crash: %v", err)
	}
	if summary.Status != RunRunning || summary.Steps[StepSchema] != Done {
		t.Fatalf("journal after the crash: status %s, schema step %s, want running and done",
			summary.Status, summary.Steps[StepSchema])
	}
	if !summary.Resumable() {
		t.Error("crashed run is not resumable")
	}

	var events eventLog
	result, err := env.runner(t).Resume(context.Background(), plan.RunID, events.add)
	if err != nil {
		t.Fatalf("Resume() error = %v", err)
	}
	checkResult(t, env.platform, result)
	checkOneOfEach(t, env.platform, "dev", ReadyMade)
	for _, step := range []StepID{StepCheckSource, StepFieldGroup, StepSchema} {
		if !events.has(step, Skipped) {
			t.Errorf("step %s done before the crash was not skipped", step)
		}
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")
}

// TestCrashingRun is the helper process of TestResumeAfterCrash. It exits
// without cleanup, as a crash would, once the chosen step is done.
func TestCrashingRun(t *testing.T) {
	raw := os.Getenv(crashEnvVar)
	if raw == "" {
		t.Skip("helper process of TestResumeAfterCrash")
	}

	var spec crashEnv
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		t.Fatal(err)
	}
	client, err := aep.New(aep.Config{
		IMSURL:         spec.IMSURL,
		PlatformURL:    spec.PlatformURL,
		Credentials:    spec.Credentials,
		MaxAttempts:    testMaxAttempts,
		RequestTimeout: testRequestTimeout,
		NewTimer:       newInstantTimer,
	})
	if err != nil {
		t.Fatal(err)
	}

	runner := &Runner{Client: client, JournalDir: spec.JournalDir}
	_, err = runner.Apply(context.Background(), spec.Plan, func(e Event) {
		if e.Step == spec.CrashAfter && e.State == Done {
			os.Exit(crashExitCode)
		}
	})
	t.Fatalf("Apply() returned before the crash: %v", err)
}

// TestRollbackFindsUnjournaledResources rolls back a run whose process
// died after Adobe created the dataflow but before the journal recorded it.
func TestRollbackFindsUnjournaledResources(t *testing.T) {
	env := newTestEnv(t)
	plan, err := NewPlan(Input{Sandbox: env.sandbox(t, "dev")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.runner(t).Apply(context.Background(), plan, nil); err != nil {
		t.Fatalf("Apply() error = %v", err)
	}

	// Rewrite the journal as the crash would have left it: the dataflow
	// step started, its resource unknown, the inlet step never reached.
	j, err := readJournal(env.dir, plan.RunID)
	if err != nil {
		t.Fatal(err)
	}
	j.Status = RunRunning
	j.Steps[StepFlow].State = Running
	j.Steps[StepFlow].FinishedAt = nil
	j.Steps[StepInlet] = &stepRecord{State: Pending}
	j.State.FlowID, j.State.InletURL = "", ""
	j.Resources = slices.DeleteFunc(j.Resources, func(r Resource) bool { return r.Kind == KindFlow })
	if err := writeJournal(env.dir, j); err != nil {
		t.Fatal(err)
	}

	if err := env.runner(t).Rollback(context.Background(), plan.RunID, nil); err != nil {
		t.Fatalf("Rollback() error = %v", err)
	}
	checkNoneLeft(t, env.platform, "dev")
}
