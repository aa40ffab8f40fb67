package setup

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/cioaep/setup/flows/aep"
)

// Apply carries out a plan. It creates the resources in dependency order,
// running independent steps concurrently, writes the journal after every
// step, and returns the webhook URL once the dataflow has its inlet URL.
//
// It checks the plan again before any call, so a production sandbox without
// ConfirmProduction is rejected before anything is written. On failure it
// returns an *Error with the step, the cause and the resources created so
// far; the journal then allows Resume or Rollback. progress may be nil.
func (r *Runner) Apply(ctx context.Context, plan Plan, progress func(Event)) (Result, error) {
	if err := checkInput(plan.input()); err != nil {
		return Result{}, err
	}
	if !validRunID(plan.RunID) {
		return Result{}, &Error{Cause: CauseInvalidInput, Value: "run ID " + plan.RunID}
	}
	if err := r.check(); err != nil {
		return Result{}, err
	}

	if _, err := readJournal(r.JournalDir, plan.RunID); CauseOf(err) != CauseRunNotFound {
		// A journal exists (or cannot be read): starting again would reuse
		// the run's names while forgetting what it created.
		return Result{}, &Error{Cause: CauseJournal, RunID: plan.RunID,
			Value: journalPath(r.JournalDir, plan.RunID), Err: errors.New("run already started, resume it instead")}
	}

	j := newJournal(plan, r.now())
	if err := writeJournal(r.JournalDir, j); err != nil {
		return Result{}, err
	}

	x := r.newRun(j, progress)
	x.log.Info("setup started", "data", plan.Data, "resources", len(plan.Resources))
	return x.execute(ctx)
}

// Resume continues a failed, cancelled or crashed run from its journal,
// which is all it needs, so it works in a new process with a new Runner.
// Steps that finished are skipped. A step that had started looks its
// resource up by name before creating it, so resuming makes no second copy.
// Resuming a run that succeeded returns its result without calling Adobe.
func (r *Runner) Resume(ctx context.Context, runID string, progress func(Event)) (Result, error) {
	if err := r.check(); err != nil {
		return Result{}, err
	}

	j, err := readJournal(r.JournalDir, runID)
	if err != nil {
		return Result{}, err
	}

	x := r.newRun(j, progress)
	switch j.Status {
	case RunSucceeded:
		x.log.Info("setup already finished", "flow", j.State.FlowID)
		for _, id := range j.plan().Steps() {
			x.emit(Event{Step: id, State: Skipped})
		}
		return j.result(), nil
	case RunRolledBack, RunRollbackFailed:
		return Result{}, x.fail("", &Error{Cause: CauseRunRolledBack})
	}

	if err := checkInput(j.plan().input()); err != nil {
		return Result{}, err
	}

	x.log.Info("setup resumed", "status", j.Status)
	if err := x.update(func(j *journal) { j.Status = RunRunning }); err != nil {
		return Result{}, err
	}
	return x.execute(ctx)
}

func (r *Runner) check() error {
	if r.Client == nil {
		return &Error{Cause: CauseInvalidInput, Value: "Runner.Client"}
	}
	if r.JournalDir == "" {
		return &Error{Cause: CauseInvalidInput, Value: "Runner.JournalDir"}
	}
	return nil
}

// now returns the current time without its monotonic clock reading, so
// times read back from the journal equal the ones written.
func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().Round(0)
	}
	return time.Now().Round(0)
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// run is one Apply, Resume or Rollback of a journaled run.
type run struct {
	r        *Runner
	log      *slog.Logger
	sandbox  *aep.SandboxClient
	names    resourceNames
	progress func(Event)

	// mu guards j and its file.
	mu sync.Mutex
	j  *journal

	// emitMu makes progress calls one at a time.
	emitMu sync.Mutex
}

func (r *Runner) newRun(j *journal, progress func(Event)) *run {
	return &run{
		r:        r,
		log:      r.logger().With("run", j.RunID, "sandbox", j.Plan.Sandbox.Name),
		sandbox:  r.Client.Sandbox(j.Plan.Sandbox.Name),
		names:    names(j.RunID),
		progress: progress,
		j:        j,
	}
}

// update changes the journal under the lock and writes it to disk.
func (x *run) update(change func(j *journal)) error {
	x.mu.Lock()
	defer x.mu.Unlock()

	change(x.j)
	x.j.UpdatedAt = x.r.now()
	if err := writeJournal(x.r.JournalDir, x.j); err != nil {
		x.log.Error("journal write failed", "error", err)
		return err
	}
	return nil
}

// read returns a value computed from the journal under the lock.
func read[T any](x *run, get func(j *journal) T) T {
	x.mu.Lock()
	defer x.mu.Unlock()
	return get(x.j)
}

func (x *run) emit(e Event) {
	if x.progress == nil {
		return
	}
	e.RunID = x.j.RunID

	x.emitMu.Lock()
	defer x.emitMu.Unlock()
	x.progress(e)
}

// fail fills in the run's details on err, records it as the run's last
// error and returns it.
func (x *run) fail(step StepID, err *Error) *Error {
	x.mu.Lock()
	err.RunID = x.j.RunID
	err.Sandbox = x.j.Plan.Sandbox.Name
	if step != "" {
		err.Step = step
	}
	err.Created = x.j.remaining()
	x.mu.Unlock()
	return err
}

// execute runs the steps that have not finished, each in its own goroutine
// once its dependencies are done. After the first failure no new step
// starts; steps already running finish, so their work is journaled.
func (x *run) execute(ctx context.Context) (Result, error) {
	graph := stepGraph(read(x, func(j *journal) DataChoice { return j.Plan.Data }))

	type outcome struct {
		finished chan struct{}
		ok       bool // written before finished is closed
	}
	outcomes := map[StepID]*outcome{}
	for _, node := range graph {
		outcomes[node.id] = &outcome{finished: make(chan struct{})}
	}

	var (
		wg       sync.WaitGroup
		stop     = make(chan struct{})
		stopOnce sync.Once
		errMu    sync.Mutex
		firstErr *Error
	)
	for _, node := range graph {
		o := outcomes[node.id]
		wg.Go(func() {
			defer close(o.finished)

			for _, dep := range node.deps {
				select {
				case <-outcomes[dep].finished:
				case <-ctx.Done():
					return
				}
				if !outcomes[dep].ok {
					return
				}
			}

			select {
			case <-stop:
				return
			default:
			}
			if ctx.Err() != nil {
				return
			}

			if err := x.runStep(ctx, node.id); err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				errMu.Unlock()
				stopOnce.Do(func() { close(stop) })
				return
			}
			o.ok = true
		})
	}
	wg.Wait()

	err := firstErr
	if err == nil && ctx.Err() != nil {
		err = x.fail("", &Error{Cause: CauseCanceled, Err: ctx.Err()})
	}
	if err != nil {
		// Steps that ran alongside the failed one may have created more
		// since the failure was recorded.
		err.Created = read(x, func(j *journal) []Resource { return j.remaining() })

		status := RunFailed
		if err.Cause == CauseCanceled {
			status = RunCanceled
		}
		_ = x.update(func(j *journal) {
			j.Status = status
			j.LastError = newErrorRecord(err)
		})
		if status == RunCanceled {
			x.log.Info("setup cancelled", "step", err.Step)
		} else {
			x.log.Error("setup stopped", "status", status, "step", err.Step, "error", err)
		}
		return Result{}, err
	}

	if err := x.update(func(j *journal) {
		j.Status = RunSucceeded
		j.LastError = nil
	}); err != nil {
		return Result{}, x.fail("", asError(err))
	}

	result := read(x, func(j *journal) Result { return j.result() })
	x.log.Info("setup finished", "flow", result.FlowID, "dataset", result.DatasetID, "inlet", result.InletURL)
	return result, nil
}

// stepOutput is the record a successful step adds to the journal.
type stepOutput struct {
	resource *Resource       // created or found by name, if any
	apply    func(*runState) // records the IDs the step learned
}

// runStep runs one step and journals its outcome.
func (x *run) runStep(ctx context.Context, id StepID) *Error {
	record := read(x, func(j *journal) stepRecord { return *j.step(id) })
	if record.State == Done {
		x.emit(Event{Step: id, State: Skipped})
		return nil
	}

	// A step that started before may have created its resource without the
	// journal knowing, so it looks the resource up by name first.
	lookUp := record.StartedAt != nil
	if err := x.update(func(j *journal) {
		s := j.step(id)
		s.State = Running
		s.Error = nil
		if s.StartedAt == nil {
			now := x.r.now()
			s.StartedAt = &now
		}
	}); err != nil {
		return x.fail(id, asError(err))
	}

	log := x.log.With("step", id)
	log.Info("step started", "look_up_first", lookUp)
	x.emit(Event{Step: id, State: Running})

	stepCtx := aep.WithRetryObserver(ctx, x.retryReporter(id))

	out, err := x.do(stepCtx, id, lookUp)
	if err != nil {
		if ctx.Err() != nil && CauseOf(err) == "" {
			// The client may report a call cut short by the caller as a
			// timeout; the run was cancelled all the same.
			err = &Error{Cause: CauseCanceled, Err: err}
		}
		stepErr := x.fail(id, asError(err))
		_ = x.update(func(j *journal) {
			s := j.step(id)
			s.State = Failed
			s.Error = newErrorRecord(stepErr)
		})
		// A cancel is logged once, by the run, not as a failure of every step it stopped.
		if stepErr.Cause != CauseCanceled {
			log.Error("step failed", "error", stepErr)
		}
		x.emit(Event{Step: id, State: Failed, Err: stepErr})
		return stepErr
	}

	if err := x.update(func(j *journal) {
		now := x.r.now()
		s := j.step(id)
		s.State = Done
		s.FinishedAt = &now
		if out.apply != nil {
			out.apply(&j.State)
		}
		if out.resource != nil && !j.hasResource(out.resource.Kind, out.resource.ID) {
			j.Resources = append(j.Resources, *out.resource)
		}
	}); err != nil {
		return x.fail(id, asError(err))
	}

	if out.resource != nil {
		log.Info("step done", "kind", out.resource.Kind, "id", out.resource.ID, "name", out.resource.Name)
	} else {
		log.Info("step done")
	}
	x.emit(Event{Step: id, State: Done, Resource: out.resource})
	return nil
}

func (j *journal) hasResource(kind ResourceKind, id string) bool {
	for _, r := range j.Resources {
		if r.Kind == kind && r.ID == id {
			return true
		}
	}
	return false
}

// asError returns err as an *Error: itself when it is one, CauseAdobe for a
// failed Adobe call, CauseCanceled for a call or wait cut short by the
// caller's context. An Adobe call that timed out wraps
// context.DeadlineExceeded too, so the Adobe cause decides first.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}

	var adobe *aep.Error
	if errors.As(err, &adobe) {
		if adobe.Cause == aep.CauseCanceled {
			return &Error{Cause: CauseCanceled, Err: err}
		}
		return &Error{Cause: CauseAdobe, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Cause: CauseCanceled, Err: err}
	}
	return &Error{Cause: CauseAdobe, Err: err}
}
