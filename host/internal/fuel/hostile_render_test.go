// Hostile server renders against the pages engine as the host runs it: the
// QuickJS module instrumented with Instrument and Register. The interrupt
// handler QuickJS calls between bytecodes misses long native operations
// (a BigInt power, a huge join or JSON.stringify, the backtraces of runaway
// recursion with catch); the fuel checks inside those C loops must stop
// them at the deadline, with the Go garbage collector still cycling.

package fuel

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/gcloop"
	"sandkit.dev/sandkit/pages"
)

// hostileRenderBundle is pages' hostile test bundle: "<p>ok</p>" for route
// "ok", and misbehaving in the way its route names otherwise.
func hostileRenderBundle(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "pages", "testdata", "hostile.js"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHostileRendersWithFuel: each hostile page stops at its limit, near
// the deadline, with the garbage collector cycling meanwhile, and the next
// render works.
func TestHostileRendersWithFuel(t *testing.T) {
	ctx := context.Background()
	e, err := pages.NewEngine(ctx, pages.WithModuleRewrite(Instrument), pages.WithRuntimeSetup(Register))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	const timeout = 300 * time.Millisecond
	r, err := e.Load(ctx, "hostile.js", hostileRenderBundle(t), pages.WithTimeout(timeout), pages.WithInstances(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)

	gc := gcloop.Start(time.Millisecond)
	defer gc.Stop()

	// want: the errors a route may end with; nil stands for a JavaScript
	// exception. Some end either way, depending on which limit comes first.
	tests := []struct {
		route string
		want  []error
		// deadline, if set, is the render's context deadline, shorter
		// than the renderer's timeout.
		deadline time.Duration
	}{
		{"spin", []error{pages.ErrDeadline}, 0},
		{"spin-catch", []error{pages.ErrDeadline}, 0},
		// The memory limit comes at ~250 ms on a quiet machine, after the
		// 300 ms deadline on a loaded one.
		{"alloc", []error{pages.ErrMemoryLimit, pages.ErrDeadline}, 0},
		{"string-alloc", []error{nil}, 0},
		{"regex", []error{pages.ErrDeadline}, 0},
		{"regex-long", []error{pages.ErrDeadline}, 0},
		{"repeat", []error{pages.ErrMemoryLimit}, 0},
		{"sort", []error{pages.ErrDeadline}, 0},
		{"sort-bad", []error{pages.ErrDeadline}, 0},
		{"recurse", []error{nil}, 0},
		{"recurse-catch", []error{pages.ErrDeadline}, 0},
		{"json-deep", []error{nil, pages.ErrDeadline}, 0},
		{"bigint", []error{nil, pages.ErrDeadline}, 0},
		// The power ends in a RangeError when it reaches QuickJS's BigInt
		// size limit, after ~240 ms of native code on a quiet machine, too
		// close to the 300 ms timeout: a 60 ms deadline must stop it.
		{"bigint-pow", []error{pages.ErrDeadline}, 60 * time.Millisecond},
		{"repeat-big", []error{pages.ErrDeadline}, 0},
		{"join", []error{pages.ErrDeadline}, 0},
		{"stringify", []error{pages.ErrDeadline}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			rctx := ctx
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				rctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			start := time.Now()
			gc0 := gc.Cycles()
			_, err := r.Render(rctx, []byte(`{"route":"`+tt.route+`"}`))
			took := time.Since(start)
			cycles := gc.Cycles() - gc0
			t.Logf("%s: %v after %v (%d GCs meanwhile)", tt.route, err, took, cycles)
			var js *pages.JSError
			ok := false
			for _, w := range tt.want {
				if w == nil && errors.As(err, &js) || w != nil && errors.Is(err, w) {
					ok = true
				}
			}
			if !ok {
				t.Errorf("got %v, want one of %v (nil: a JavaScript exception)", err, tt.want)
			}
			// Generous: CI machines are slow and shared; the measured
			// figures are in docs/benchmarks.md.
			if took > timeout+3*time.Second {
				t.Errorf("stopped after %v, want within 3s of the %v deadline", took, timeout)
			}
			if errors.Is(err, pages.ErrDeadline) && cycles == 0 {
				t.Errorf("no garbage collection completed during the %v render: the guest held the collector back", took)
			}
			out, err := r.Render(ctx, []byte(`{"route":"ok"}`))
			if err != nil || string(out) != "<p>ok</p>" {
				t.Fatalf("next render: %q, %v", out, err)
			}
		})
	}
}
