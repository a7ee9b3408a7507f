package sched

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"sandkit.dev/sandkit/host/internal/threadprio"
	"sandkit.dev/sandkit/internal/procthreads"
)

// TestLongCallsLowered: with LowerPriority, a call runs at the lowest
// thread priority while it holds a slot: raised when it gives the slot up
// (Suspend, Release), lowered again when it takes one (Resume); a call
// that never takes a slot (a short one) is never lowered.
func TestLongCallsLowered(t *testing.T) {
	s := New(1, 0, 0)
	if !s.LowerPriority() {
		t.Skip("this process may not raise a thread's priority back (threadprio.Restorable)")
	}
	runtime.LockOSThread() // the test's own reads of its thread's priority
	defer runtime.UnlockOSThread()
	before := niceOf(t)
	g := s.Group()

	short := NewTicket(g)
	short.Release()
	if n := niceOf(t); n != before {
		t.Fatalf("a call that took no slot ran at nice %d, want %d", n, before)
	}

	long := NewTicket(g)
	if err := long.Preempt(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := niceOf(t); n != threadprio.Lowest {
		t.Fatalf("a call holding a slot runs at nice %d, want %d", n, threadprio.Lowest)
	}
	held := long.Suspend()
	if n := niceOf(t); n != before {
		t.Fatalf("a suspended call's thread is at nice %d, want %d as before", n, before)
	}
	long.Resume(context.Background(), held)
	if n := niceOf(t); n != threadprio.Lowest {
		t.Fatalf("after Resume the call runs at nice %d, want %d", n, threadprio.Lowest)
	}
	long.Release()
	if n := niceOf(t); n != before {
		t.Fatalf("after Release the thread runs at nice %d, want %d as before", n, before)
	}
	long.Release() // twice is once
}

// niceOf is the calling thread's nice value (getpriority returns 20 − nice).
func niceOf(t *testing.T) int {
	raw, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	return 20 - raw
}

// TestLoweredOnlyWhileHolding: many long calls of one slot take turns
// (slice 0: each Preempt hands over while others wait); at every turn the
// process has exactly one thread at the lowest priority, the holder's. A
// call waiting for its turn holds no lowered thread.
func TestLoweredOnlyWhileHolding(t *testing.T) {
	s := New(1, 0, 0)
	if !s.LowerPriority() {
		t.Skip("this process may not raise a thread's priority back (threadprio.Restorable)")
	}
	g := s.Group()
	ctx := context.Background()
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk := NewTicket(g)
			defer tk.Release()
			if err := tk.Acquire(ctx); err != nil {
				t.Error(err)
				return
			}
			for range 20 {
				if n := procthreads.AtNice(0, threadprio.Lowest); n != 1 {
					bad.Store(int32(n))
				}
				if err := tk.Preempt(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := bad.Load(); n != 0 {
		t.Fatalf("a turn saw %d threads at nice %d, want 1 (the holder's)", n, threadprio.Lowest)
	}
	if n := procthreads.AtNice(0, threadprio.Lowest); n != 0 {
		t.Fatalf("%d threads left at nice %d after every call ended", n, threadprio.Lowest)
	}
}
