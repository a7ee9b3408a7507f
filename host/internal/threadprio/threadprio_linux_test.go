package threadprio

import (
	"runtime"
	"testing"
)

func TestLowerRestore(t *testing.T) {
	if !Restorable() {
		t.Skip("this process may not raise a thread's priority back (no CAP_SYS_NICE, RLIMIT_NICE < 20)")
	}
	runtime.LockOSThread() // stay on one thread to read its priority before and after
	defer runtime.UnlockOSThread()
	before := mustNice(t)
	l := Lower()
	if !l.Done() {
		t.Fatal("Lower did nothing though Restorable")
	}
	if n := mustNice(t); n != Lowest {
		t.Fatalf("nice after Lower = %d, want %d", n, Lowest)
	}
	l.Restore()
	if n := mustNice(t); n != before {
		t.Fatalf("nice after Restore = %d, want %d as before", n, before)
	}
}

func TestRunLowersOnlyItsThread(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before := mustNice(t)
	var inside int
	Run(func() { inside = mustNice(t) })
	if inside != Lowest {
		t.Errorf("nice inside Run = %d, want %d", inside, Lowest)
	}
	if n := mustNice(t); n != before {
		t.Errorf("the caller's thread changed: nice %d, was %d", n, before)
	}
	// Run's thread ended with its goroutine: later goroutines run at the
	// normal priority (the runtime makes new threads from the main one's).
	done := make(chan int)
	for range 8 {
		go func() { done <- mustNice(t) }()
		if n := <-done; n != before {
			t.Fatalf("a goroutine after Run runs at nice %d, want %d", n, before)
		}
	}
}

func mustNice(t *testing.T) int {
	n, err := nice()
	if err != nil {
		t.Error(err)
	}
	return n
}
