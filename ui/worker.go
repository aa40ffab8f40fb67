package ui

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
)

// worker runs network calls off the UI goroutine and brings their results back to it with
// fyne.Do. Every job gets a context that ends when the job is cancelled or the window closes.
type worker struct {
	ctx    context.Context
	cancel context.CancelFunc
	jobs   sync.WaitGroup

	// do runs a function on the UI goroutine. It is fyne.Do outside tests.
	do func(func())
}

func newWorker() *worker {
	ctx, cancel := context.WithCancel(context.Background())
	return &worker{ctx: ctx, cancel: cancel, do: fyne.Do}
}

// ui runs fn on the UI goroutine unless the window has closed, so late results never touch
// widgets that are gone.
func (w *worker) ui(fn func()) {
	w.do(func() {
		if w.ctx.Err() != nil {
			return
		}
		fn()
	})
}

// close cancels every job in flight. Jobs see it through their context.
func (w *worker) close() {
	w.cancel()
}

// wait blocks until every job has returned and delivered its result. Tests call it between
// a tap and their checks, because the headless driver runs fyne.Do on the job's goroutine.
func (w *worker) wait() {
	w.jobs.Wait()
}

// start runs job on a new goroutine and then done, with the job's result, on the UI goroutine.
// The returned function cancels the job's context.
func start[T any](w *worker, job func(ctx context.Context) (T, error), done func(T, error)) context.CancelFunc {
	ctx, cancel := context.WithCancel(w.ctx)

	w.jobs.Add(1)
	go func() {
		defer w.jobs.Done()
		defer cancel()

		value, err := job(ctx)
		w.ui(func() { done(value, err) })
	}()

	return cancel
}
