package aep

import (
	"context"
	"errors"
	"log/slog"
	"time"

	// backoff computes the capped exponential waits with jitter and runs the
	// wait loop. It was chosen because it takes a Timer, so tests run the
	// retries on a fake clock, and because it never replays a request by
	// itself: whether a failed POST may be sent again stays decided here.
	"github.com/cenkalti/backoff/v4"
)

// Backoff parameters. With the default four attempts the waits are about
// 1 s, 2 s and 4 s, each varied by up to half to spread clients apart.
const (
	initialRetryWait = time.Second
	maxRetryWait     = 16 * time.Second
	retryJitter      = 0.5

	// maxRetryAfter caps a Retry-After header. The wizard shows progress
	// while it waits, and a user will not sit through a longer pause.
	maxRetryAfter = time.Minute
)

// retryPolicy is a backoff.BackOff that stops after a number of attempts and
// prefers the wait the server asked for in Retry-After.
type retryPolicy struct {
	exp         *backoff.ExponentialBackOff
	maxAttempts int
	attempts    int
	retryAfter  time.Duration
}

func newRetryPolicy(maxAttempts int) *retryPolicy {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(initialRetryWait),
		backoff.WithMaxInterval(maxRetryWait),
		backoff.WithRandomizationFactor(retryJitter),
		backoff.WithMultiplier(2),
		// Attempts bound the loop, not elapsed time, so no wall clock is read.
		backoff.WithMaxElapsedTime(0),
	)
	return &retryPolicy{exp: exp, maxAttempts: maxAttempts}
}

func (p *retryPolicy) Reset() {
	p.exp.Reset()
	p.attempts = 0
	p.retryAfter = 0
}

// NextBackOff is called after each failed attempt.
func (p *retryPolicy) NextBackOff() time.Duration {
	p.attempts++
	if p.attempts >= p.maxAttempts {
		return backoff.Stop
	}

	wait := p.exp.NextBackOff()
	if p.retryAfter > 0 {
		wait = min(p.retryAfter, maxRetryAfter)
		p.retryAfter = 0
	}
	return wait
}

// retry runs fn until it succeeds, fails with an error that a new attempt
// cannot fix, the attempts run out or ctx ends. Every retry is logged and
// reported to the context's retry observer. The error is always an *Error.
func (c *Client) retry(ctx context.Context, r *request, fn func(ctx context.Context, attempt int) error) error {
	policy := newRetryPolicy(c.cfg.MaxAttempts)
	attempt := 0
	var last *Error

	operation := func() error {
		attempt++
		err := fn(ctx, attempt)
		if err == nil {
			return nil
		}

		last = asError(r, err)
		last.Attempts = attempt
		if !last.retryable() {
			return backoff.Permanent(last)
		}
		policy.retryAfter = last.retryAfter
		return last
	}

	notify := func(err error, wait time.Duration) {
		c.log.LogAttrs(ctx, slog.LevelInfo, "aep retry",
			slog.String("op", r.op), slog.Int("attempt", attempt), slog.Int("max_attempts", c.cfg.MaxAttempts),
			slog.Duration("wait", wait), slog.String("sandbox", r.sandbox),
			slog.String("request_id", last.RequestID), slog.String("error", last.Error()))

		if observe := retryObserver(ctx); observe != nil {
			observe(RetryEvent{Op: r.op, Attempt: attempt, MaxAttempts: c.cfg.MaxAttempts, Wait: wait, Err: last})
		}
	}

	err := backoff.RetryNotifyWithTimer(operation, backoff.WithContext(policy, ctx), notify, c.cfg.NewTimer())
	if err == nil {
		return nil
	}

	var e *Error
	if !errors.As(err, &e) {
		// backoff returns the bare context error when ctx ends during a wait.
		e = &Error{Op: r.op, Cause: CauseCanceled, Sandbox: r.sandbox, Attempts: attempt, Err: err, Message: "canceled"}
	}
	if ctx.Err() != nil && e.Cause != CauseCanceled {
		e = &Error{Op: r.op, Cause: CauseCanceled, Sandbox: r.sandbox, Attempts: attempt, Err: ctx.Err(), Message: "canceled"}
	}

	c.log.LogAttrs(ctx, slog.LevelWarn, "aep call failed",
		slog.String("op", e.Op), slog.String("cause", string(e.Cause)), slog.Int("status", e.Status),
		slog.String("code", e.Code), slog.String("sandbox", e.Sandbox), slog.Int("attempts", e.Attempts),
		slog.String("request_id", e.RequestID), slog.String("error", e.Error()))
	return e
}

// asError returns err as an *Error of r's operation.
func asError(r *request, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Op == "" {
			e.Op = r.op
		}
		return e
	}

	cause := CauseOther
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		cause = CauseCanceled
	}
	return &Error{Op: r.op, Cause: cause, Sandbox: r.sandbox, Err: err, final: true}
}

// createOrFind sends a create request with retries but never replays it
// blindly. An ambiguous failure is a timeout, a broken connection, a garbled
// response or a 5xx once the request was sent. The service may then have
// created the resource, so the next attempt first calls lookup and posts
// again only when lookup finds nothing. found reports that lookup returned
// the resource, which lookup then holds. Otherwise out holds the response.
func (c *Client) createOrFind(ctx context.Context, r *request, out any, lookup func(ctx context.Context) (bool, error)) (found bool, err error) {
	ambiguous := false

	err = c.retry(ctx, r, func(ctx context.Context, attempt int) error {
		if ambiguous {
			ok, err := lookup(ctx)
			if err != nil {
				// The lookup has made its own retries already.
				e := asError(r, err)
				e.final = true
				return e
			}
			if ok {
				c.log.LogAttrs(ctx, slog.LevelInfo, "aep create had succeeded before its response was lost",
					slog.String("op", r.op), slog.String("sandbox", r.sandbox), slog.Int("attempt", attempt))
				found = true
				return nil
			}
		}

		err := c.attempt(ctx, r, attempt, out)
		var e *Error
		if errors.As(err, &e) && e.ambiguous() {
			ambiguous = true
		}
		return err
	})
	return found, err
}
