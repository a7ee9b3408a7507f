// Benchmarks of what fuel costs a guest, against no bounding at all and
// against wazero's own WithCloseOnContextDone.

package fuel

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/host/internal/sched"
)

var closeOnDone struct {
	once sync.Once
	g    *goRuntime
}

// BenchmarkFuel runs the spin guest's fib(27), sum(10M) (a three-instruction
// loop) and fib(1) (the cost of a call) in three set-ups: plain (nothing
// stops a spinning guest), instrumented (fuel), and plain on a runtime with
// WithCloseOnContextDone(true). Read the ratios within one run:
//
//	go test -run '^$' -bench BenchmarkFuel -count=5 ./host/internal/fuel/
func BenchmarkFuel(b *testing.B) {
	plain, inst := spinRuntimes(b)
	closeOnDone.once.Do(func() {
		closeOnDone.g = newGoRuntime(b, spinGuest(b), wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	})
	setups := []struct {
		name string
		g    *goRuntime
	}{{"plain", plain}, {"fuel", inst}, {"closeOnContextDone", closeOnDone.g}}
	for _, work := range []struct {
		name string
		fn   string
		arg  int32
	}{{"fib27", "fib", 27}, {"sum10M", "sum", 10_000_000}, {"call", "fib", 1}} {
		for _, s := range setups {
			b.Run(work.name+"/"+s.name, func(b *testing.B) {
				m := s.g.instance(b)
				defer m.Close(context.Background())
				fn := m.ExportedFunction(work.fn)
				// A deadline, as a request has: each set-up may watch it.
				ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
				defer cancel()
				arg := api.EncodeI32(work.arg)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := fn.Call(ctx, arg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkPreempt is what a CPU scheduler costs a loop that yields 1,000
// times a call (sum(10M)): the context carries no Preempter, or one that
// holds a run slot nobody else waits for (host.Scheduler's common case:
// an atomic load and a clock read at each yield).
//
//	go test -run '^$' -bench BenchmarkPreempt -count=5 ./host/internal/fuel/
func BenchmarkPreempt(b *testing.B) {
	_, inst := spinRuntimes(b)
	for _, preempt := range []bool{false, true} {
		name := "none"
		if preempt {
			name = "ticket"
		}
		b.Run(name, func(b *testing.B) {
			m := inst.instance(b)
			defer m.Close(context.Background())
			fn := m.ExportedFunction("sum")
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			if preempt {
				t := sched.NewTicket(sched.New(1, time.Millisecond, 0).Group())
				if err := t.Acquire(ctx); err != nil {
					b.Fatal(err)
				}
				ctx = context.WithValue(ctx, PreemptKey{}, &t)
			}
			arg := api.EncodeI32(10_000_000)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fn.Call(ctx, arg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
