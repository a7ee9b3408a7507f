package sched

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"sandkit.dev/sandkit/host/internal/threadprio"
)

// TestLongCallsLowered: with LowerPriority, a call runs at the lowest
// thread priority from when it takes a slot until it is released, a
// Suspend keeps it lowered, and a call that never takes a slot (a short
// one) is never lowered.
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
	long.Resume(context.Background(), long.Suspend())
	if n := niceOf(t); n != threadprio.Lowest {
		t.Fatalf("after Suspend and Resume the call runs at nice %d, want %d", n, threadprio.Lowest)
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
