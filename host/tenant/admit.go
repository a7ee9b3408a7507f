// Admission: a tenant's requests served at once (concurrency), the queue
// of those waiting for a turn (queue, queue_timeout), and the refusal
// beyond it.

package tenant

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Why a request was refused a turn.
var (
	errQueueFull    = errors.New("queue full")
	errQueueTimeout = errors.New("waited queue_timeout in the queue")
)

// limiter admits at most n requests at once, queues up to queue more, in
// order of arrival, for up to timeout each, and refuses the rest.
type limiter struct {
	sem     *semaphore.Weighted
	queue   int64
	timeout time.Duration
	running atomic.Int64
	waiting atomic.Int64
}

func newLimiter(l Limits) *limiter {
	return &limiter{sem: semaphore.NewWeighted(int64(l.Concurrency)), queue: int64(max(l.Queue, 0)), timeout: l.QueueTimeout.Std()}
}

// admit waits for a turn. queued is called if the request has to wait.
// The error is errQueueFull, errQueueTimeout or ctx's.
func (l *limiter) admit(ctx context.Context, queued func()) error {
	if !l.sem.TryAcquire(1) {
		if l.waiting.Add(1) > l.queue {
			l.waiting.Add(-1)
			return errQueueFull
		}
		queued()
		qctx, cancel := context.WithTimeout(ctx, l.timeout)
		err := l.sem.Acquire(qctx, 1)
		cancel()
		l.waiting.Add(-1)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return errQueueTimeout
		}
	}
	l.running.Add(1)
	return nil
}

// done ends a turn admit gave.
func (l *limiter) done() {
	l.running.Add(-1)
	l.sem.Release(1)
}
