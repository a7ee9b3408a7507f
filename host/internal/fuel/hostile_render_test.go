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
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/pages"
)

// hostileRenderBundle renders "<p>ok</p>" for route "ok" and misbehaves in
// the way its route names otherwise (pages' TestHostilePages has the same
// routes up to "bigint"; the rest are long native operations).
const hostileRenderBundle = `
globalThis.__sandkit_render = function (input) {
  var p = JSON.parse(input);
  switch (p.route) {
  case "ok": return "<p>ok</p>";
  case "spin": for (;;) {}
  case "spin-catch": for (;;) { try { for (;;) {} } catch (e) {} }
  case "alloc": var a = []; for (;;) a.push(new Array(100000).fill(a.length));
  case "string-alloc": var s = "x"; for (;;) s = s + s;
  case "regex": return String(/^(a+)+$/.test("a".repeat(40) + "b"));
  case "regex-long": return String(/(x+x+)+y/.test("x".repeat(5000)));
  case "repeat": return "x".repeat(1 << 29);
  case "sort": var arr = []; for (var i = 0; i < 200000; i++) arr.push((i * 7919) % 200000);
    arr.sort(function (a, b) { for (var j = 0; j < 1000; j++) {} return a - b; }); return "sorted";
  case "sort-bad": var arr2 = []; for (var k = 0; k < 200000; k++) arr2.push(k);
    for (;;) arr2.sort(function () { return Math.random() - 0.5; });
  case "recurse": var f = function (n) { return f(n + 1) + 1; }; return String(f(0));
  case "recurse-catch": var g = function (n) { try { return g(n + 1) + 1; } catch (e) { return g(n + 1); } }; return String(g(0));
  case "json-deep": return JSON.stringify(JSON.parse("[".repeat(1e6) + "]".repeat(1e6)));
  case "bigint": var b = 3n; for (;;) b = b * b;
  case "bigint-pow": for (;;) (7n ** 1000000n).toString();
  case "repeat-big": for (;;) "x".repeat(40 << 20);
  case "join": for (;;) new Array(5e6).fill(1).join("");
  case "stringify": for (;;) JSON.stringify(new Array(3e6).fill("ab"));
  }
  throw new Error("unknown route " + p.route);
};`

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
	r, err := e.Load(ctx, "hostile.js", []byte(hostileRenderBundle), pages.WithTimeout(timeout), pages.WithInstances(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)

	stop := make(chan struct{})
	var gcs atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				gcs.Add(1)
				time.Sleep(time.Millisecond)
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()

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
			gc0 := gcs.Load()
			_, err := r.Render(ctx, []byte(`{"route":"`+tt.route+`"}`))
			took := time.Since(start)
			cycles := gcs.Load() - gc0
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
