// Scheduler: a fair share of the CPU between the apps (tenants) of one
// host, so that one tenant's spinning guests cannot starve the others.

package host

import (
	"context"
	"runtime"
	"sync"
	"time"

	"sandkit.dev/sandkit/host/internal/fuel"
	"sandkit.dev/sandkit/host/internal/sched"
	"sandkit.dev/sandkit/host/internal/threadprio"
)

// Scheduler shares the CPU between groups of apps. A guest call runs its
// first ration of fuel (about 15 µs of guest code) freely; a call that runs
// longer needs one of the scheduler's run slots from then on, and while
// others wait it passes its slot on at a fuel yield once it has held it
// for a slice (1 ms). Slots are granted round-robin across groups and
// first come, first served within one, so a group with many long calls and
// a group with one get a slot in turn. While more than one group is
// active, one slot is kept free, so that short requests and the network
// always find a CPU; a group alone (for 100 ms) may use them all. A call
// gives its slot back while it waits for the database or the request
// body; a password hash the guest asks the host for (password.go) runs
// holding one, as the app's own CPU time.
//
// With LowerLongCalls, a long call also runs on a thread of the lowest
// priority (nice 19) while it holds a slot, so that the kernel runs the
// host's own work and other tenants' short calls first. Double GOMAXPROCS
// before making such a scheduler (sandkit serve --apps does): a lowered
// call still holds one of the Go runtime's Ps, and with no more Ps than
// CPUs the runtime's work waits for threads the kernel runs last.
// spec/RATIONALE.md ("A fair CPU share") has the design and numbers.
//
// Share one Scheduler between every app of a host; it is safe for
// concurrent use.
type Scheduler struct {
	s *sched.Scheduler

	mu     sync.Mutex
	groups map[string]*sched.Group
}

// NewScheduler returns a scheduler with slots run slots; slots < 1 means
// DefaultSlots().
func NewScheduler(slots int) *Scheduler {
	if slots < 1 {
		slots = DefaultSlots()
	}
	return &Scheduler{s: sched.New(slots, slice, alone), groups: map[string]*sched.Group{}}
}

// LowerLongCalls makes every long call run at the lowest thread priority
// while it holds a slot, if the process may (see CanLowerThreads), and
// reports whether it will. Call it before the
// scheduler runs any call.
func (s *Scheduler) LowerLongCalls() bool { return s.s.LowerPriority() }

// CanLowerThreads reports whether this process may run a call's thread at
// the lowest priority and raise it back after: on Linux, with
// CAP_SYS_NICE or an RLIMIT_NICE of at least 20 (systemd: LimitNICE=20).
func CanLowerThreads() bool { return threadprio.Restorable() }

// slice is how long a long-running call keeps its slot while others wait
// for one: handing it over costs goroutine switches, and doing it at every
// fuel yield (~15 µs of guest code) cost a CPU-bound app a third to a half
// of its throughput (docs/benchmarks.md).
const slice = time.Millisecond

// alone is how long one group must have been the only one active before
// its long calls may take the slot otherwise kept free.
const alone = 100 * time.Millisecond

// DefaultSlots is one run slot per P of the Go runtime (GOMAXPROCS).
func DefaultSlots() int { return runtime.GOMAXPROCS(0) }

// Slots is the number of run slots.
func (s *Scheduler) Slots() int { return s.s.Slots() }

// Waiting is the number of guest calls waiting for a slot now.
func (s *Scheduler) Waiting() int { return s.s.Waiting() }

// group returns the group called name, made on first use.
func (s *Scheduler) group(name string) *sched.Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.groups[name]
	if !ok {
		g = s.s.Group()
		s.groups[name] = g
	}
	return g
}

// WithScheduler runs the app's guest calls (handlers and page renders) under
// s, in the group called group: apps of one group (a tenant's) share one
// turn. Without it an app's guests run unscheduled.
func WithScheduler(s *Scheduler, group string) AppOption {
	return func(o *appOptions) { o.group = s.group(group) }
}

// renderScope gives a page render a ticket of g: renders are guest code too.
func renderScope(g *sched.Group) func(context.Context) (context.Context, func()) {
	if g == nil {
		return nil
	}
	return func(ctx context.Context) (context.Context, func()) {
		t := sched.NewTicket(g)
		return context.WithValue(ctx, fuel.PreemptKey{}, &t), t.Release
	}
}
