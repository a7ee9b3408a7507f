// Package sched shares a fixed number of run slots between groups of guest
// calls (tenants) fairly: slots are granted round-robin across the groups
// that wait, first come first served within a group, and a call that has
// held a slot for a slice hands it over at its next preemption point while
// anyone waits.
//
// The host gives every guest call a Ticket of its tenant's Group. A call
// runs its first fuel ration without a slot (most requests finish within
// it and never touch the scheduler); from its first fuel yield on it needs
// a slot, and it waits in line for one:
//
//	s := sched.New(runtime.GOMAXPROCS(0), time.Millisecond, 100*time.Millisecond)
//	g := s.Group()                  // one per tenant
//	t := sched.NewTicket(g)         // one per guest call
//	defer t.Release()               // when the call returns
//	...
//	err := t.Preempt(ctx)           // at each fuel yield: take, keep or pass the slot
//	...
//	held := t.Suspend()             // before a host function that waits (a query)
//	t.Resume(ctx, held)             // after it
//
// A Ticket belongs to one goroutine at a time (the guest call's); the
// Scheduler and its Groups are safe for concurrent use.
package sched

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/host/internal/threadprio"
)

// Scheduler hands out a fixed number of run slots.
type Scheduler struct {
	slots  int
	lower  bool         // see LowerPriority
	slice  int64        // nanoseconds a holder keeps its slot while others wait
	window int64        // see New; 0: every slot is always usable
	now    func() int64 // the clock slices are measured with (tests replace it)

	// waiting counts the waiters of every group and busy the slots held;
	// Preempt reads them without the lock, so a call that nobody waits
	// behind pays two atomic loads.
	waiting atomic.Int32
	busy    atomic.Int32

	// last is the group whose call started last, and mixedAt when a call
	// of a group other than the one before started.
	last    atomic.Pointer[Group]
	mixedAt atomic.Int64

	mu     sync.Mutex
	free   int      // slots nobody holds
	ring   []*Group // the groups with waiters, in the order they are served
	active int      // groups holding or waiting for a slot
}

// New returns a scheduler of slots run slots (at least 1) whose holders
// keep their slot for at least slice while others wait.
//
// With window > 0 and more than one slot, one slot is kept free unless one
// group has been alone for window: alone means that every call holding or
// waiting for a slot is of that group and no call of another group started
// within window. One tenant's long calls may then use every slot; once
// another tenant is active, one is left free at its holder's next
// preemption point, so that short requests and the network find a CPU.
func New(slots int, slice, window time.Duration) *Scheduler {
	slots = max(slots, 1)
	s := &Scheduler{slots: slots, free: slots, slice: int64(slice), window: int64(window), now: monotonic}
	s.mixedAt.Store(math.MinInt64 / 2)
	return s
}

// limit is the number of slots that may be held at now; s.mu is held.
func (s *Scheduler) limit(now int64) int {
	if s.window == 0 || s.slots == 1 || s.alone(now) {
		return s.slots
	}
	return s.slots - 1
}

// alone reports whether one group has been alone for the window (see New);
// s.mu is held.
func (s *Scheduler) alone(now int64) bool {
	if s.active > 1 || now-s.mixedAt.Load() < s.window {
		return false
	}
	if s.active == 0 {
		return true
	}
	// The one active group must be the one that started calls last.
	last := s.last.Load()
	return last != nil && last.active > 0
}

// started notes that a call of g starts.
func (g *Group) started() {
	s := g.s
	if s.window == 0 {
		return
	}
	prev := s.last.Load()
	if prev == g {
		return
	}
	s.last.Store(g)
	if prev != nil {
		s.mixedAt.Store(s.now())
	}
}

// start is the origin of monotonic.
var start = time.Now()

// monotonic is the scheduler's clock: nanoseconds since start.
func monotonic() int64 { return int64(time.Since(start)) }

// LowerPriority makes every call run on a thread of the lowest priority
// while it holds a slot (a long call), when the process may raise it back
// (threadprio.Restorable), so that the kernel runs other threads first:
// the host's own work, short calls, other processes. The thread is
// raised again whenever the call gives its slot up, so at most Slots
// threads are ever lowered (a lowered goroutine is locked to its thread:
// a call waiting for its turn must not hold one). It reports whether long
// calls will be lowered. Call it before any call.
func (s *Scheduler) LowerPriority() bool {
	s.lower = threadprio.Restorable()
	return s.lower
}

// Slots is the number of run slots.
func (s *Scheduler) Slots() int { return s.slots }

// Waiting is the number of calls waiting for a slot.
func (s *Scheduler) Waiting() int { return int(s.waiting.Load()) }

// Group is one tenant's line of waiters.
type Group struct {
	s      *Scheduler
	queue  []*waiter // first come, first served; guarded by s.mu
	inRing bool      // guarded by s.mu
	active int       // calls holding or waiting for a slot; guarded by s.mu
}

// activate and deactivate count a call of g that starts or stops holding
// or waiting for a slot; s.mu is held.
func (g *Group) activate() {
	if g.active++; g.active == 1 {
		g.s.active++
	}
}

func (g *Group) deactivate() {
	if g.active--; g.active == 0 {
		g.s.active--
	}
}

// Group returns a new group of s.
func (s *Scheduler) Group() *Group { return &Group{s: s} }

// waiter is one call waiting for a slot. ready is closed when the slot is
// granted; granted says so under the scheduler's lock.
type waiter struct {
	g       *Group
	ready   chan struct{}
	granted bool
}

// enqueue puts a new waiter for g at the end of g's line; s.mu is held.
func (s *Scheduler) enqueue(g *Group) *waiter {
	w := &waiter{g: g, ready: make(chan struct{})}
	g.activate()
	g.queue = append(g.queue, w)
	if !g.inRing {
		g.inRing = true
		s.ring = append(s.ring, g)
	}
	s.waiting.Add(1)
	return w
}

// grantNext gives a slot to the first waiter of the next group in the
// ring; s.mu is held and the ring is not empty. The group goes to the end
// of the ring if more of its calls wait.
func (s *Scheduler) grantNext() {
	g := s.ring[0]
	s.ring[0] = nil
	s.ring = s.ring[1:]
	w := g.queue[0]
	g.queue[0] = nil
	g.queue = g.queue[1:]
	if len(g.queue) > 0 {
		s.ring = append(s.ring, g)
	} else {
		g.inRing = false
	}
	s.waiting.Add(-1)
	w.granted = true
	close(w.ready)
}

// take marks one free slot held; s.mu is held.
func (s *Scheduler) take() {
	s.free--
	s.busy.Add(1)
}

// dispatch grants free slots to waiters, in turn, as the limit allows;
// s.mu is held.
func (s *Scheduler) dispatch(now int64) {
	for s.free > 0 && len(s.ring) > 0 && s.slots-s.free < s.limit(now) {
		s.take()
		s.grantNext()
	}
}

// put returns a slot a call of g held and passes free slots on; s.mu is
// held.
func (s *Scheduler) put(g *Group, now int64) {
	s.free++
	s.busy.Add(-1)
	g.deactivate()
	s.dispatch(now)
}

// remove takes a waiter that gave up out of its group's line; s.mu is held
// and w was not granted.
func (s *Scheduler) remove(w *waiter) {
	g := w.g
	for i, x := range g.queue {
		if x == w {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			break
		}
	}
	s.waiting.Add(-1)
	g.deactivate()
	if len(g.queue) == 0 && g.inRing {
		g.inRing = false
		for i, x := range s.ring {
			if x == g {
				s.ring = append(s.ring[:i], s.ring[i+1:]...)
				break
			}
		}
	}
}

// wait blocks until w is granted or ctx is done. On ctx's end it leaves
// the line, or, if the slot was granted meanwhile, passes it on.
func (s *Scheduler) wait(ctx context.Context, w *waiter) error {
	select {
	case <-w.ready:
		return nil
	default:
	}
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if w.granted {
		s.put(w.g, s.now())
	} else {
		s.remove(w)
	}
	s.mu.Unlock()
	return ctx.Err()
}

// Ticket is one guest call's claim on its group's share. The zero Ticket
// (no group) never waits.
type Ticket struct {
	g     *Group
	held  bool
	since int64              // when the slot was taken, in nanoseconds of the scheduler's clock
	low   threadprio.Lowered // the call's thread, lowered while it holds a slot
}

// NewTicket returns a ticket of g that holds no slot, for a call of g that
// starts now.
func NewTicket(g *Group) Ticket {
	if g != nil {
		g.started()
	}
	return Ticket{g: g}
}

// Scheduled reports whether the ticket has a group (is not the zero Ticket).
func (t *Ticket) Scheduled() bool { return t.g != nil }

// Held reports whether the ticket holds a slot.
func (t *Ticket) Held() bool { return t.held }

// Acquire takes a slot, waiting in g's line if none is free or others
// wait already. It returns ctx's error if ctx ends first.
func (t *Ticket) Acquire(ctx context.Context) error {
	if t.g == nil || t.held {
		return nil
	}
	s := t.g.s
	now := s.now()
	s.mu.Lock()
	if s.free > 0 && len(s.ring) == 0 && s.slots-s.free < s.limit(now) {
		s.take()
		t.g.activate()
		s.mu.Unlock()
		t.took()
		return nil
	}
	w := s.enqueue(t.g)
	s.mu.Unlock()
	if err := s.wait(ctx, w); err != nil {
		return err
	}
	t.took()
	return nil
}

// Release gives the slot back, if the ticket holds one: the call has
// ended. It must run on the goroutine of the call.
func (t *Ticket) Release() { t.release() }

// release gives the slot back, if the ticket holds one, and the call's
// thread its priority.
func (t *Ticket) release() {
	if !t.held {
		return
	}
	t.raise()
	t.held = false
	s := t.g.s
	now := s.now()
	s.mu.Lock()
	s.put(t.g, now)
	s.mu.Unlock()
}

// Preempt is the preemption point of a running call: a call without a slot
// takes one (it has run one ration of fuel for free), and a call that has
// held one for its slice gives it up if anyone waits or the slots held are
// over the limit (see New), and waits for its next turn at the end of its
// group's line.
func (t *Ticket) Preempt(ctx context.Context) error {
	if t.g == nil {
		return nil
	}
	if !t.held {
		return t.Acquire(ctx)
	}
	s := t.g.s
	if s.waiting.Load() == 0 && (s.window == 0 || int(s.busy.Load()) < s.slots) {
		return nil // nobody waits, and no slot need be left free
	}
	now := s.now()
	if now-t.since < s.slice {
		return nil
	}
	s.mu.Lock()
	if len(s.ring) == 0 && s.slots-s.free <= s.limit(now) {
		s.mu.Unlock()
		t.since = now // look again after another slice
		return nil
	}
	t.raise() // before the slot goes to the next: never more lowered threads than slots
	s.free++
	s.busy.Add(-1)
	t.g.deactivate()
	w := s.enqueue(t.g)
	s.dispatch(now)
	s.mu.Unlock()
	t.held = false
	if err := s.wait(ctx, w); err != nil {
		return err
	}
	t.took()
	return nil
}

// took records that the ticket holds a slot from now on, and lowers the
// call's thread if the scheduler lowers long calls.
func (t *Ticket) took() {
	t.held = true
	t.since = t.g.s.now()
	if t.g.s.lower {
		t.low = threadprio.Lower()
	}
}

// raise gives the call's thread back its priority, if took lowered it.
func (t *Ticket) raise() {
	t.low.Restore()
	t.low = threadprio.Lowered{}
}

// Suspend gives the slot back while the call waits outside guest code (a
// database statement, a body read) and reports whether it held one, for
// Resume.
func (t *Ticket) Suspend() bool {
	held := t.held
	t.release()
	return held
}

// Resume takes a slot again after Suspend, if the call held one then. An
// error (ctx ended while waiting) leaves the ticket without a slot; the
// call's next Preempt reports it.
func (t *Ticket) Resume(ctx context.Context, held bool) {
	if held {
		_ = t.Acquire(ctx)
	}
}
