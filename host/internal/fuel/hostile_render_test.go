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
	}{
		{"spin", []error{pages.ErrDeadline}},
		{"spin-catch", []error{pages.ErrDeadline}},
		// The memory limit comes at ~250 ms on a quiet machine, after the
		// 300 ms deadline on a loaded one.
		{"alloc", []error{pages.ErrMemoryLimit, pages.ErrDeadline}},
		{"string-alloc", []error{nil}},
		{"regex", []error{pages.ErrDeadline}},
		{"regex-long", []error{pages.ErrDeadline}},
		{"repeat", []error{pages.ErrMemoryLimit}},
		{"sort", []error{pages.ErrDeadline}},
		{"sort-bad", []error{pages.ErrDeadline}},
		{"recurse", []error{nil}},
		{"recurse-catch", []error{pages.ErrDeadline}},
		{"json-deep", []error{nil, pages.ErrDeadline}},
		{"bigint", []error{nil, pages.ErrDeadline}},
		{"bigint-pow", []error{pages.ErrDeadline}},
		{"repeat-big", []error{pages.ErrDeadline}},
		{"join", []error{pages.ErrDeadline}},
		{"stringify", []error{pages.ErrDeadline}},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			start := time.Now()
			gc0 := gc.Cycles()
			_, err := r.Render(ctx, []byte(`{"route":"`+tt.route+`"}`))
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
