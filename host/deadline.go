// Deadline: a request's deadline as a context that arms no timer unless
// someone waits on it, and that derived contexts follow without a goroutine.

package host

import (
	"context"
	"slices"
	"sync"
	"time"

	"sandkit.dev/sandkit/host/internal/fuel"
)

// deadlineCtx is context.WithDeadline(parent, at) for the request path, and
// also carries the request's call state (Value(callKey{})).
//
// context.WithDeadline starts a timer per request; most requests never wait
// on Done: the fuel counter asks Err, which compares the clock. Done and
// AfterFunc arm the timer the first time either is called (a database
// statement or wazero's close-on-done scheme waits on it).
//
// AfterFunc is what the context package looks for in a parent that is not
// one of its own: a context derived from this one (context.WithTimeout for a
// statement, context.AfterFunc) registers a callback here instead of
// starting a goroutine that waits on Done. For that the call state lives in
// this context rather than in a context.WithValue around it, which would
// hide the method. spec/RATIONALE.md ("The request context") has the
// numbers.
type deadlineCtx struct {
	context.Context // the parent
	at              time.Time
	call            *call // answered for callKey{}; nil outside a request

	mu         sync.Mutex
	done       chan struct{} // made by the first Done call
	err        error         // set once, when the context ends
	timer      *time.Timer   // armed by the first Done or AfterFunc call
	stopParent func() bool   // stops following the parent, once armed
	after      []*afterFunc  // registered by AfterFunc, run when the context ends
	afterBuf   [2]*afterFunc // after's first backing array
}

// afterFunc is one AfterFunc registration; its identity is its address.
type afterFunc struct{ f func() }

// withDeadline returns a context done at the earlier of at and the parent's
// deadline, or when the parent is cancelled, and a function that releases
// its resources (call it when the request ends).
func withDeadline(parent context.Context, at time.Time) (*deadlineCtx, func()) {
	if d, ok := parent.Deadline(); ok && d.Before(at) {
		at = d
	}
	c := &deadlineCtx{Context: parent, at: at}
	c.after = c.afterBuf[:0]
	return c, c.release
}

func (c *deadlineCtx) Deadline() (time.Time, bool) { return c.at, true }

// Err reports context.DeadlineExceeded from the deadline on, the parent's
// error if it ends first, and nil before.
func (c *deadlineCtx) Err() error {
	c.mu.Lock()
	var run []*afterFunc
	if c.err == nil {
		if err := c.Context.Err(); err != nil {
			run = c.finish(err)
		} else if !time.Now().Before(c.at) {
			run = c.finish(context.DeadlineExceeded)
		}
	}
	err := c.err
	c.mu.Unlock()
	runAfter(run)
	return err
}

func (c *deadlineCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		c.done = make(chan struct{})
		if c.err != nil {
			close(c.done)
		} else {
			c.arm()
		}
	}
	return c.done
}

// AfterFunc arranges to call f once the context ends, as context.AfterFunc
// does, and returns a function that unregisters f (true if it did, before f
// ran). f runs in the goroutine that ends the context (the timer's, the
// parent's cancellation, or the request's release), after the context's
// lock is released: the context package's own callbacks only cancel a
// derived context. If the context has ended already, f runs at once in its
// own goroutine.
func (c *deadlineCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	c.arm()
	a := &afterFunc{f: f}
	c.after = append(c.after, a)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.after, a)
		if i < 0 {
			return false
		}
		c.after = slices.Delete(c.after, i, i+1)
		return true
	}
}

// Value answers the call state for callKey{}, its scheduler ticket for
// fuel.PreemptKey{}, and the parent's values.
func (c *deadlineCtx) Value(key any) any {
	switch key.(type) {
	case callKey:
		if c.call != nil {
			return c.call
		}
	case fuel.PreemptKey:
		if c.call != nil && c.call.run.Scheduled() {
			return &c.call.run
		}
		return nil // not a Preempter: the guest call runs unscheduled
	}
	return c.Context.Value(key)
}

// arm starts the timer and follows the parent, once; c.mu is held and the
// context has not ended.
func (c *deadlineCtx) arm() {
	if c.timer != nil {
		return
	}
	c.timer = time.AfterFunc(time.Until(c.at), func() { c.cancel(context.DeadlineExceeded) })
	c.stopParent = context.AfterFunc(c.Context, func() { c.cancel(c.Context.Err()) })
}

func (c *deadlineCtx) cancel(err error) {
	c.mu.Lock()
	var run []*afterFunc
	if c.err == nil {
		run = c.finish(err)
	}
	c.mu.Unlock()
	runAfter(run)
}

// finish records err, closes done if it exists, disarms the timer and
// returns the callbacks to run once c.mu is released; c.mu is held.
func (c *deadlineCtx) finish(err error) []*afterFunc {
	c.err = err
	if c.done != nil {
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
		c.stopParent()
	}
	run := c.after
	c.after = nil
	return run
}

func runAfter(run []*afterFunc) {
	for _, a := range run {
		a.f()
	}
}

// release disarms the timer, if any, and ends the context.
func (c *deadlineCtx) release() { c.cancel(context.Canceled) }
