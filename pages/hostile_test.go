package pages

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hostileBundle renders "<p>ok</p>" for route "ok" and misbehaves in the
// way its route names otherwise.
const hostileBundle = `
globalThis.__sandkit_render = function (input) {
  var p = JSON.parse(input);
  switch (p.route) {
  case "ok": return "<p>ok</p>";
  case "throw": throw new Error("page failed");
  case "spin": for (;;) {}
  case "spin-catch": for (;;) { try { for (;;) {} } catch (e) {} }
  case "alloc": var a = []; for (;;) a.push(new Array(100000).fill(a.length));
  case "string-alloc": var s = "x"; for (;;) s = s + s;
  case "regex": return String(/^(a+)+$/.test("a".repeat(40) + "b"));
  case "regex-long": return String(/(x+x+)+y/.test("x".repeat(5000)));
  case "repeat": return "x".repeat(1 << 29);
  case "repeat-fit": return String("x".repeat(40 << 20).length);
  case "sort": var arr = []; for (var i = 0; i < 200000; i++) arr.push((i * 7919) % 200000);
    arr.sort(function (a, b) { for (var j = 0; j < 1000; j++) {} return a - b; }); return "sorted";
  case "sort-bad": var arr2 = []; for (var k = 0; k < 200000; k++) arr2.push(k);
    for (;;) arr2.sort(function () { return Math.random() - 0.5; });
  case "recurse": var f = function (n) { return f(n + 1) + 1; }; return String(f(0));
  case "recurse-catch": var g = function (n) { try { return g(n + 1) + 1; } catch (e) { return g(n + 1); } }; return String(g(0));
  case "json-deep": return JSON.stringify(JSON.parse("[".repeat(1e6) + "]".repeat(1e6)));
  case "bigint": var b = 3n; for (;;) b = b * b;
  }
  throw new Error("unknown route " + p.route);
};`

func route(r string) []byte { return []byte(`{"route":"` + r + `"}`) }

// TestHostilePages: each hostile page is stopped at its limit (deadline or
// memory), its instance is replaced, and the next render works.
// The engine here has no fuel counter: this is what QuickJS's interrupt
// handler and the memory limit contain alone.
func TestHostilePages(t *testing.T) {
	ctx := context.Background()
	e := testEngine(t)
	const timeout = 300 * time.Millisecond
	r, err := e.Load(ctx, "hostile.js", []byte(hostileBundle), WithTimeout(timeout), WithInstances(1))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)

	// A garbage collection loop runs throughout: a guest that never
	// reached a safepoint would stall it, and the test would time out.
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

	tests := []struct {
		route string
		want  error // nil: a *JSError (or success for "ok"-like results)
		// or: a second error the route may end with, on a machine slow
		// enough that the other limit comes first.
		or error
	}{
		{route: "throw", want: nil},
		{route: "spin", want: ErrDeadline},
		{route: "spin-catch", want: ErrDeadline},
		{route: "alloc", want: ErrMemoryLimit, or: ErrDeadline},
		{route: "string-alloc", want: nil}, // QuickJS: "string too long"
		{route: "regex", want: ErrDeadline},
		{route: "regex-long", want: ErrDeadline},
		{route: "repeat", want: ErrMemoryLimit},
		{route: "repeat-fit", want: nil},
		{route: "sort", want: ErrDeadline},
		{route: "sort-bad", want: ErrDeadline},
		{route: "recurse", want: nil},
		// "recurse-catch" (runaway recursion with catch) is not here: the
		// interrupt handler alone does not stop it near the deadline in
		// this build: 300 ms became 4.4 s. (Likely cause: each caught stack
		// overflow builds a backtrace of the whole stack in C, where the
		// handler is never called; this build has no Error.stackTraceLimit,
		// QuickJS-NG stopped at 10 frames.) The host's fuel counter stops
		// it at the deadline: host/internal/fuel's TestHostileRendersWithFuel.
		{route: "json-deep", want: nil},
		{route: "bigint", want: nil}, // QuickJS: "BigInt is too large to allocate"
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			start := time.Now()
			gc0 := gcs.Load()
			out, err := r.Render(ctx, route(tt.route))
			took := time.Since(start)
			t.Logf("%s: %v after %v (%d GCs meanwhile) out=%.40q", tt.route, firstLineOr(err), took, gcs.Load()-gc0, out)
			var js *JSError
			switch {
			case tt.or != nil && errors.Is(err, tt.or):
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Errorf("got %v, want %v", err, tt.want)
			case tt.want == nil && err != nil && !errors.As(err, &js):
				t.Errorf("got %v, want a JavaScript exception or success", err)
			}
			// Generous: CI machines are slow and shared; the measured
			// figures are in docs/benchmarks.md.
			if took > timeout+3*time.Second {
				t.Errorf("stopped after %v, want within 3s of the %v deadline", took, timeout)
			}
			out, err = r.Render(ctx, route("ok"))
			if err != nil || string(out) != "<p>ok</p>" {
				t.Fatalf("next render: %q, %v", out, err)
			}
		})
	}
	t.Logf("stats: %+v", r.Stats())
}

func firstLineOr(err error) string {
	if err == nil {
		return "ok"
	}
	return firstLine(err)
}
