package sched

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// queue puts a waiter of g in line, as a blocked Acquire would.
func queue(s *Scheduler, g *Group) *waiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enqueue(g)
}

// giveBack returns the slot w was granted, as its call does when it ends.
func giveBack(s *Scheduler, w *waiter) {
	s.mu.Lock()
	s.put(w.g, s.now())
	s.mu.Unlock()
}

// granted reports whether w holds a slot.
func granted(w *waiter) bool {
	select {
	case <-w.ready:
		return true
	default:
		return false
	}
}

// grantOrder releases the holders' slots, then each granted waiter's in
// turn, as each call ends, and returns the waiters in the order they were
// granted.
func grantOrder(s *Scheduler, holders []*Ticket, ws []*waiter) []*waiter {
	var order []*waiter
	done := map[*waiter]bool{}
	look := func() {
		for _, w := range ws {
			if granted(w) && !done[w] {
				done[w] = true
				order = append(order, w)
			}
		}
	}
	for _, h := range holders {
		h.Release()
		look()
	}
	for i := 0; i < len(order); i++ {
		giveBack(s, order[i])
		look()
	}
	return order
}

// hold makes a ticket of g that holds a slot.
func hold(t *testing.T, g *Group) *Ticket {
	t.Helper()
	tk := NewTicket(g)
	if err := tk.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &tk
}

func TestRoundRobinAcrossGroups(t *testing.T) {
	s := New(1, 0, 0)
	a, b, c := s.Group(), s.Group(), s.Group()
	h := hold(t, a)
	var ws []*waiter
	name := map[*waiter]string{}
	add := func(g *Group, n string) {
		w := queue(s, g)
		ws = append(ws, w)
		name[w] = n
	}
	for _, n := range []string{"a1", "a2", "a3", "a4"} {
		add(a, n)
	}
	add(b, "b1")
	add(c, "c1")
	add(c, "c2")
	var got []string
	for _, w := range grantOrder(s, []*Ticket{h}, ws) {
		got = append(got, name[w])
	}
	want := []string{"a1", "b1", "c1", "a2", "c2", "a3", "a4"}
	if len(got) != len(want) {
		t.Fatalf("granted %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("granted %v, want %v", got, want)
		}
	}
	if s.Waiting() != 0 {
		t.Errorf("%d still waiting", s.Waiting())
	}
}

// TestFewWaitersNotStarved: however many calls one group queues, another
// group's one waiter is granted within one grant per group in line.
func TestFewWaitersNotStarved(t *testing.T) {
	for _, many := range []int{1, 10, 1000} {
		s := New(2, 0, 0)
		busy, quiet := s.Group(), s.Group()
		h1, h2 := hold(t, busy), hold(t, busy)
		var ws []*waiter
		for range many {
			ws = append(ws, queue(s, busy))
		}
		mine := queue(s, quiet)
		ws = append(ws, mine)
		order := grantOrder(s, []*Ticket{h1, h2}, ws)
		at := -1
		for i, w := range order {
			if w == mine {
				at = i
			}
		}
		// Two groups in line: the quiet one's waiter is the first or
		// second grant.
		if len(order) != len(ws) || at < 0 || at > 1 {
			t.Errorf("%d busy waiters: the quiet group's waiter was grant %d, want 0 or 1", many, at)
		}
	}
}

// TestPreemptHandsOver: a call holding the only slot hands it to the other
// group's waiter at its next preemption point and gets it back after.
func TestPreemptHandsOver(t *testing.T) {
	s := New(1, 0, 0)
	spin, other := s.Group(), s.Group()
	h := hold(t, spin)
	if err := h.Preempt(context.Background()); err != nil || !h.Held() {
		t.Fatalf("Preempt with nobody waiting: %v, held %v; want nil, true", err, h.Held())
	}
	w := queue(s, other)
	back := make(chan error)
	go func() { back <- h.Preempt(context.Background()) }()
	<-w.ready // the holder passed its slot on
	if s.Waiting() != 1 {
		t.Fatalf("%d waiting after the hand-over, want 1 (the preempted call)", s.Waiting())
	}
	giveBack(s, w) // the other call ends
	if err := <-back; err != nil || !h.Held() {
		t.Fatalf("Preempt after its turn: %v, held %v; want nil, true", err, h.Held())
	}
	h.Release()
	if s.free != 1 || s.Waiting() != 0 {
		t.Fatalf("free %d, waiting %d after every release; want 1, 0", s.free, s.Waiting())
	}
}

// TestPreemptKeepsSlice: a holder keeps its slot while others wait until
// its slice is over.
func TestPreemptKeepsSlice(t *testing.T) {
	s := New(1, 100, 0)
	var clock atomic.Int64
	s.now = clock.Load
	spin, other := s.Group(), s.Group()
	h := hold(t, spin)
	w := queue(s, other)
	clock.Store(99)
	if err := h.Preempt(context.Background()); err != nil || !h.Held() || granted(w) {
		t.Fatalf("Preempt within the slice: %v, held %v, waiter granted %v; want nil, true, false", err, h.Held(), granted(w))
	}
	clock.Store(100)
	back := make(chan error)
	go func() { back <- h.Preempt(context.Background()) }()
	<-w.ready
	giveBack(s, w)
	if err := <-back; err != nil {
		t.Fatal(err)
	}
}

// TestFirstPreemptTakesSlot: a call runs its first ration without a slot
// and takes one at its first preemption point.
func TestFirstPreemptTakesSlot(t *testing.T) {
	s := New(1, 0, 0)
	g := s.Group()
	tk := NewTicket(g)
	if err := tk.Preempt(context.Background()); err != nil || !tk.Held() || s.free != 0 {
		t.Fatalf("first Preempt: %v, held %v, free %d; want nil, true, 0", err, tk.Held(), s.free)
	}
	tk.Release()
	tk.Release() // twice is once
	if s.free != 1 {
		t.Fatalf("free %d after Release, want 1", s.free)
	}
}

func TestZeroTicketNeverWaits(t *testing.T) {
	var tk Ticket
	if tk.Scheduled() {
		t.Fatal("the zero Ticket says it is scheduled")
	}
	if err := tk.Acquire(context.Background()); err != nil || tk.Held() {
		t.Fatalf("Acquire: %v, held %v", err, tk.Held())
	}
	if err := tk.Preempt(context.Background()); err != nil {
		t.Fatal(err)
	}
	tk.Resume(context.Background(), tk.Suspend())
	tk.Release()
}

// TestCancelledWaiterLeaves: a waiter whose context ends leaves the line,
// and the slot goes to the next one.
func TestCancelledWaiterLeaves(t *testing.T) {
	s := New(1, 0, 0)
	a, b := s.Group(), s.Group()
	h := hold(t, a)
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error)
	tk := NewTicket(a)
	go func() { gaveUp <- tk.Acquire(ctx) }()
	for s.Waiting() != 1 {
		waitABit()
	}
	next := queue(s, b)
	cancel()
	if err := <-gaveUp; err != context.Canceled || tk.Held() {
		t.Fatalf("cancelled Acquire: %v, held %v; want context.Canceled, false", err, tk.Held())
	}
	if s.Waiting() != 1 {
		t.Fatalf("%d waiting after the cancelled one left, want 1", s.Waiting())
	}
	h.Release()
	if !granted(next) {
		t.Fatal("the slot did not go to the waiter after the cancelled one")
	}
}

// TestSuspendResume: a call that waits outside guest code gives its slot
// to a waiter and takes one again after.
func TestSuspendResume(t *testing.T) {
	s := New(1, 0, 0)
	a, b := s.Group(), s.Group()
	h := hold(t, a)
	w := queue(s, b)
	held := h.Suspend()
	if !held || h.Held() || !granted(w) {
		t.Fatalf("Suspend: held before %v, holds now %v, waiter granted %v; want true, false, true", held, h.Held(), granted(w))
	}
	done := make(chan struct{})
	go func() { h.Resume(context.Background(), held); close(done) }()
	for s.Waiting() != 1 {
		waitABit()
	}
	giveBack(s, w)
	<-done
	if !h.Held() {
		t.Fatal("Resume did not take a slot")
	}
	h.Release()
	var none Ticket
	none.Resume(context.Background(), none.Suspend())
}

// TestSlotKeptFreeForOthers: one group alone may hold every slot; once
// another group's call starts, a holder gives one back at its next
// preemption point and it stays free for the others' short calls; once the
// group is alone again for the window, its waiters get every slot.
func TestSlotKeptFreeForOthers(t *testing.T) {
	s := New(2, 0, 100)
	var clock atomic.Int64
	s.now = clock.Load
	a, b := s.Group(), s.Group()
	clock.Store(1000)
	ta1, ta2 := NewTicket(a), NewTicket(a)
	for _, tk := range []*Ticket{&ta1, &ta2} {
		if err := tk.Acquire(context.Background()); err != nil || !tk.Held() {
			t.Fatalf("a alone: Acquire %v, held %v; want both slots", err, tk.Held())
		}
	}
	if err := ta1.Preempt(context.Background()); err != nil || !ta1.Held() {
		t.Fatalf("a alone, Preempt: %v, held %v; want it to keep its slot", err, ta1.Held())
	}

	tb := NewTicket(b) // another tenant's call starts
	back := make(chan error, 2)
	go func() { back <- ta1.Preempt(context.Background()) }()
	for s.Waiting() != 1 {
		waitABit()
	}
	if n := s.busy.Load(); n != 1 {
		t.Fatalf("%d slots held after a's holder gave way, want 1 (one kept free)", n)
	}
	gotB := make(chan error, 1)
	go func() { gotB <- tb.Acquire(context.Background()) }()
	for s.Waiting() != 2 {
		waitABit() // b's long call waits too: the free slot is not for long calls
	}

	ta2.Release() // a's slot goes to the next in turn: a's waiter, then b's
	if err := <-back; err != nil || !ta1.Held() {
		t.Fatalf("ta1 after ta2 ended: %v, held %v", err, ta1.Held())
	}
	ta1.Release()
	if err := <-gotB; err != nil || !tb.Held() {
		t.Fatalf("tb after ta1 ended: %v, held %v", err, tb.Held())
	}
	tb.Release()

	// a alone again: once its calls have been the only ones for the
	// window, its waiters get every slot at the next preemption point.
	clock.Store(1100)
	tc, td := NewTicket(a), NewTicket(a) // after b's: the window starts again
	if err := tc.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	go func() { back <- td.Acquire(context.Background()) }()
	for s.Waiting() != 1 {
		waitABit() // within the window, one slot stays free
	}
	clock.Store(1200)
	go func() { back <- tc.Preempt(context.Background()) }()
	for range 2 {
		if err := <-back; err != nil {
			t.Fatal(err)
		}
	}
	if !tc.Held() || !td.Held() || s.busy.Load() != 2 {
		t.Fatalf("a alone for the window: held %v %v, busy %d; want both slots", tc.Held(), td.Held(), s.busy.Load())
	}
	tc.Release()
	td.Release()
	if s.free != 2 || s.active != 0 || s.Waiting() != 0 {
		t.Fatalf("at the end: free %d, active groups %d, waiting %d", s.free, s.active, s.Waiting())
	}
}

// waitABit lets the goroutine under test reach its wait; the tests loop on
// an observable state (Waiting), not on time.
func waitABit() { runtime.Gosched() }

// TestHammer: many calls of three groups acquiring, preempting and
// releasing at once never hold more slots than there are, and leave every
// slot free at the end (run with -race).
func TestHammer(t *testing.T) {
	for _, window := range []time.Duration{0, time.Millisecond} {
		hammer(t, window)
	}
}

func hammer(t *testing.T, window time.Duration) {
	const slots = 2
	s := New(slots, 0, window)
	var holding, most atomic.Int32
	note := func(d int32) {
		n := holding.Add(d)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
	}
	groups := []*Group{s.Group(), s.Group(), s.Group()}
	var wg sync.WaitGroup
	for i := range 30 {
		g := groups[i%len(groups)]
		wg.Go(func() {
			for j := range 200 {
				ctx, cancel := context.WithCancel(context.Background())
				tk := NewTicket(g)
				if i%7 == 0 && j%10 == 9 {
					cancel() // some calls reach their deadline while waiting
				}
				if err := tk.Preempt(ctx); err == nil {
					note(1)
					for range 3 {
						note(-1) // before a hand-over, which the count cannot see
						if err := tk.Preempt(ctx); err != nil {
							break
						}
						note(1)
					}
					if tk.Held() {
						note(-1)
					}
				}
				tk.Release()
				cancel()
			}
		})
	}
	wg.Wait()
	if m := most.Load(); m > slots {
		t.Errorf("%d calls held a slot at once, over %d slots", m, slots)
	}
	if s.free != slots || s.Waiting() != 0 || len(s.ring) != 0 || s.active != 0 || s.busy.Load() != 0 {
		t.Errorf("at the end: free %d, waiting %d, groups in line %d, active %d, busy %d; want %d, 0, 0, 0, 0", s.free, s.Waiting(), len(s.ring), s.active, s.busy.Load(), slots)
	}
}
