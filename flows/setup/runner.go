package setup

import (
	"context"
	"errors"
)

var errNotImplemented = errors.New("setup: not implemented yet")

// Apply carries out a plan: it creates the resources in dependency order,
// writes the journal after every step and returns the webhook URL.
func (r *Runner) Apply(ctx context.Context, plan Plan, progress func(Event)) (Result, error) {
	return Result{}, errNotImplemented
}

// Resume continues a failed, cancelled or crashed run from its journal.
func (r *Runner) Resume(ctx context.Context, runID string, progress func(Event)) (Result, error) {
	return Result{}, errNotImplemented
}

// Rollback deletes what the run created, newest first.
func (r *Runner) Rollback(ctx context.Context, runID string, progress func(Event)) error {
	return errNotImplemented
}
