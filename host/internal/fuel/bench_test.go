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
