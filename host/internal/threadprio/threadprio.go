// Package threadprio runs guest work on operating-system threads of the
// lowest priority, so that the kernel, not a list of rules, keeps one
// tenant's long computations from delaying another tenant's requests.
//
// A long guest call lowers its own thread while it holds a run slot
// (Lower, then Restore), and work that belongs to one tenant but runs
// outside a call (loading its app) runs on a thread of its own that ends
// with it (Run). The kernel gives a thread of nice 19 about 1.5% of a CPU
// while threads of nice 0 want it, and all of it while they do not, so
// the host loses nothing when it is idle. spec/RATIONALE.md ("A fair CPU
// share between tenants") has the measurements.
//
// Raising a thread's priority back needs CAP_SYS_NICE or an RLIMIT_NICE
// of at least 20 (systemd: LimitNICE=20); Restorable probes for it once.
// Without it Lower does nothing, and Run, which never raises a priority,
// still works. On systems other than Linux, priorities are left alone.
package threadprio

import "sync"

// Lowest is the nice value given to low-priority threads: the kernel's
// lowest, not SCHED_IDLE, so that a thread still runs often enough to
// reach the Go runtime's safepoints (a stop-the-world waits for it).
const Lowest = 19

var restorable = sync.OnceValue(probe)

// Restorable reports whether this process may raise a thread's priority
// back after lowering it, which Lower needs. It is probed once, on a
// thread that ends after the probe.
func Restorable() bool { return restorable() }

// Lowered is what Lower did to the calling goroutine's thread, for
// Restore. The zero Lowered did nothing.
type Lowered struct {
	done bool
	was  int // the thread's nice value before
}

// Lower locks the calling goroutine to its thread and gives the thread
// the lowest priority, if Restorable. Restore undoes it, on the same
// goroutine.
func Lower() Lowered {
	if !Restorable() {
		return Lowered{}
	}
	return lower()
}

// Done reports whether Lower lowered the thread.
func (l Lowered) Done() bool { return l.done }

// Restore gives the calling goroutine's thread the priority it had before
// Lower and unlocks the goroutine from it; after the zero Lowered it does
// nothing. If the kernel refuses (the process's limits changed), the
// goroutine stays locked, so the thread ends with it instead of running
// other goroutines at the lowest priority.
func (l Lowered) Restore() {
	if l.done {
		restore(l.was)
	}
}

// Run calls f on a new thread of the lowest priority and returns when f
// has; the thread ends after f, so no privilege is needed. Compilations
// inside f that spread over goroutines of their own run at normal
// priority: give them one worker.
func Run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runLowered(f)
	}()
	<-done
}
