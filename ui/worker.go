package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// worker runs network calls off the UI goroutine and brings their results back to it with
// fyne.Do. Every job gets a context that ends when the job is cancelled or the window closes.
type worker struct {
	ctx    context.Context
	cancel context.CancelFunc

	// do runs a function on the UI goroutine. It is fyne.Do, or enqueue in tests.
	do func(func())

	// mu guards inflight and queue. Fyne's headless test driver runs fyne.Do at once on the
	// calling goroutine, so a job's result would race with the test goroutine. In tests the
	// results therefore wait in queue until wait runs them, and the test goroutine plays the
	// UI goroutine.
	mu       sync.Mutex
	inflight int
	queue    []func()
	changed  chan struct{} // signalled when inflight or queue changes
}

// newWorker returns a worker that re-enters the UI with fyne.Do, or with a queue that wait
// drains when queued is set.
func newWorker(queued bool) *worker {
	ctx, cancel := context.WithCancel(context.Background())
	w := &worker{ctx: ctx, cancel: cancel, do: fyne.Do, changed: make(chan struct{}, 1)}
	if queued {
		w.do = w.enqueue
	}
	return w
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

// start runs job on a new goroutine and then done, with the job's result, on the UI goroutine.
// The returned function cancels the job's context. Because done runs on the UI goroutine, it
// runs after the handler that called start has returned.
func start[T any](w *worker, job func(ctx context.Context) (T, error), done func(T, error)) context.CancelFunc {
	ctx, cancel := context.WithCancel(w.ctx)

	w.begin()
	go func() {
		defer w.end()
		defer cancel()

		value, err := job(ctx)
		w.ui(func() { done(value, err) })
	}()

	return cancel
}

// after runs fn on the UI goroutine once d has passed, unless the window has closed by then.
func (w *worker) after(d time.Duration, fn func()) {
	w.begin()
	time.AfterFunc(d, func() {
		defer w.end()
		w.ui(fn)
	})
}

func (w *worker) begin() {
	w.mu.Lock()
	w.inflight++
	w.mu.Unlock()
}

func (w *worker) end() {
	w.mu.Lock()
	w.inflight--
	w.mu.Unlock()
	w.signal()
}

func (w *worker) signal() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// enqueue keeps fn for wait, in tests.
func (w *worker) enqueue(fn func()) {
	w.mu.Lock()
	w.queue = append(w.queue, fn)
	w.mu.Unlock()
	w.signal()
}

// wait blocks until no job is in flight. In tests it also runs, on the calling goroutine, the
// functions the jobs queued for the UI goroutine, including those of jobs they started. A
// job queues its result before it counts as finished, so no result is left behind.
func (w *worker) wait() {
	for {
		w.mu.Lock()
		var fn func()
		if len(w.queue) > 0 {
			fn, w.queue = w.queue[0], w.queue[1:]
		}
		inflight := w.inflight
		w.mu.Unlock()

		switch {
		case fn != nil:
			fn()
		case inflight == 0:
			return
		default:
			<-w.changed
		}
	}
}
