// Hostile guests against the check plan: recursion the plan must see
// (direct, mutual, through a table, tail calls) and call trees it must not
// let grow behind a single check.

package fuel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/wasmbin"
)

const (
	tVoid = 0 // () -> ()
	tI32  = 1 // (i32) -> ()
)

// planModule assembles a module whose function 0 is exported as "spin" and
// takes an i32; table, if non-nil, is a funcref table holding those
// functions from slot 0.
func planModule(types []uint32, table []uint32, bodies ...[]byte) []byte {
	var funcs, elems [][]byte
	for _, t := range types {
		funcs = append(funcs, u32(t))
	}
	for _, f := range table {
		elems = append(elems, u32(f))
	}
	secs := [][]byte{
		sec(wasmbin.SecType, vec(functype(nil, nil), functype(op(i32), nil))),
		sec(wasmbin.SecFunction, vec(funcs...)),
	}
	if table != nil {
		secs = append(secs, sec(wasmbin.SecTable, vec(op(0x70, 0, byte(len(table))))))
	}
	secs = append(secs, sec(wasmbin.SecExport, vec(cat(str("spin"), op(0), u32(0)))))
	if table != nil {
		secs = append(secs, sec(wasmbin.SecElement, vec(cat(op(0, opI32Const, 0, opEnd), vec(elems...)))))
	}
	var bs [][]byte
	for _, b := range bodies {
		bs = append(bs, body(b))
	}
	secs = append(secs, sec(wasmbin.SecCode, vec(bs...)))
	return module(secs...)
}

// twice is the body of f(n): if n > 0 { callee(n-1); callee(n-1) }, with
// callee called by call (or by call_indirect through table slot callee).
func twice(callee uint32, indirect bool) []byte {
	c := cat(op(opCall), u32(callee))
	if indirect {
		c = cat(op(opI32Const), s32(int32(callee)), op(opCallIndirect), u32(tI32), u32(0))
	}
	dec := op(0x20, 0, opI32Const, 1, opI32Sub) // local.get 0; i32.const 1; i32.sub
	return cat(op(0x20, 0, opIf, blockTypeEmpty), dec, c, dec, c, op(opEnd, opEnd))
}

// hostile is every guest that runs for ever (or for 2^40 calls) unless
// something stops it, with the entry checks the plan must keep.
func hostile() map[string]struct {
	wasm    []byte
	entries int // at least
} {
	type guest = struct {
		wasm    []byte
		entries int
	}
	m := map[string]guest{}
	// Tail calls: f0 -> f1 -> f2 -> f1 -> ... with a constant stack.
	m["mutual tail recursion"] = guest{planModule([]uint32{tI32, tVoid, tVoid}, nil,
		cat(op(opReturnCall), u32(1), op(opEnd)),
		cat(op(opReturnCall), u32(2), op(opEnd)),
		cat(op(opReturnCall), u32(1), op(opEnd))), 3}
	m["tail recursion through a table"] = guest{planModule([]uint32{tI32, tVoid}, []uint32{1},
		cat(op(opReturnCall), u32(1), op(opEnd)),
		cat(op(opI32Const, 0, opReturnCallIndirect), u32(tVoid), u32(0), op(opEnd))), 2}
	// Call trees of depth 40 and 2^40 leaves.
	m["mutual recursion"] = guest{planModule([]uint32{tI32, tI32, tI32}, nil,
		cat(op(0x20, 0, opCall), u32(1), op(opEnd)),
		twice(2, false), twice(1, false)), 3}
	m["recursion through call_indirect"] = guest{planModule([]uint32{tI32, tI32}, []uint32{1},
		cat(op(0x20, 0, opCall), u32(1), op(opEnd)),
		twice(0, true)), 2}
	// No cycle at all: f0 -> f1 (twice) -> f2 (twice) ... -> f40.
	types := make([]uint32, 42)
	bodies := make([][]byte, 42)
	for i := range bodies {
		types[i] = tI32
		bodies[i] = twice(uint32(i+1), false)
	}
	bodies[41] = op(opEnd)
	m["exponential call tree"] = guest{planModule(types, nil, bodies...), 5}
	// A loop in a function whose entry needs no check.
	m["loop in an unchecked leaf"] = guest{planModule([]uint32{tI32, tVoid}, nil,
		cat(op(opCall), u32(1), op(opEnd)),
		op(opLoop, blockTypeEmpty, opBr, 0, opEnd, opEnd)), 1}
	// A loop whose body calls a checked function (one the table holds):
	// its iterations are counted in a local.
	m["loop calling a checked function"] = guest{planModule([]uint32{tI32, tVoid}, []uint32{1},
		cat(op(opLoop, blockTypeEmpty, opCall), u32(1), op(opBr, 0, opEnd, opEnd)),
		op(opEnd)), 2}
	// A loop with a parameter: its check cannot branch back to it.
	m["loop with a parameter"] = guest{planModule([]uint32{tI32}, nil,
		op(opI32Const, 0, opLoop, tI32, opBr, 0, opEnd, opEnd)), 1}
	return m
}

// TestPlanStopsHostileGuests runs each hostile guest with a 20 ms deadline:
// it must stop with ErrDeadline, and the plan must keep the entry checks
// its recursion needs.
func TestPlanStopsHostileGuests(t *testing.T) {
	r := testRuntime(t)
	for name, g := range hostile() {
		t.Run(name, func(t *testing.T) {
			w := &rewriter{instrument: true}
			wasm, err := rewriteWith(g.wasm, w)
			if err != nil {
				t.Fatal(err)
			}
			if w.entries < g.entries {
				t.Errorf("%d entry checks, want at least %d", w.entries, g.entries)
			}
			m := instantiate(t, r, wasm)
			defer m.Close(context.Background())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err = m.ExportedFunction("spin").Call(ctx, 40)
			if !errors.Is(err, ErrDeadline) {
				t.Fatalf("err = %v after %v, want ErrDeadline", err, time.Since(start))
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("stopped after %v, want about 20ms", d)
			}
		})
	}
}

// TestPlanCharges checks the fuel the plan charges against the first
// rule's: a non-recursive helper called from a loop loses its entry check
// and the loop's check takes its share instead, unless that would make the
// loop's check take more than maxUnit.
func TestPlanCharges(t *testing.T) {
	// f0(n): loop { f1() (calls times); br_if 0 (n) }; f1: f2(); f2 (leaves).
	for _, tc := range []struct {
		calls int
		want  *plan
	}{
		{1, &plan{entry: []uint32{1, 0, 0}, loops: [][]uint32{{1 + 2}, nil, nil}}},
		{2, &plan{entry: []uint32{1, 2, 0}, loops: [][]uint32{{1}, nil, nil}}},
	} {
		var calls []byte
		for range tc.calls {
			calls = cat(calls, op(opCall), u32(1))
		}
		wasm := planModule([]uint32{tI32, tVoid, tVoid}, nil,
			cat(op(opLoop, blockTypeEmpty), calls, op(0x20, 0, opBrIf, 0, opEnd, opEnd)),
			cat(op(opCall), u32(2), op(opEnd)),
			op(opEnd))
		w := &rewriter{instrument: true}
		if _, err := rewriteWith(wasm, w); err != nil {
			t.Fatal(err)
		}
		if got := w.plan; !equalPlans(got, tc.want) {
			t.Errorf("%d calls: plan entry %v loops %v, want %v %v", tc.calls, got.entry, got.loops, tc.want.entry, tc.want.loops)
		}
	}
}

func equalPlans(a, b *plan) bool {
	if len(a.entry) != len(b.entry) || len(a.loops) != len(b.loops) {
		return false
	}
	for i := range a.entry {
		if a.entry[i] != b.entry[i] || len(a.loops[i]) != len(b.loops[i]) {
			return false
		}
		for j := range a.loops[i] {
			if a.loops[i][j] != b.loops[i][j] {
				return false
			}
		}
	}
	return true
}

// countYields counts the yields of the calls whose context carries it, as
// host.Scheduler sees them.
type countYields struct{ n atomic.Int64 }

func (c *countYields) Preempt(context.Context) error {
	c.n.Add(1)
	return nil
}

// TestLoopYields runs loops of n iterations through Instrument and counts
// the yields: the first rule's fuel (one unit per iteration and per entry)
// divided by DefaultBudget, give or take two. A counter that never charged
// the global would not yield at all; one that over-charged each refill
// would yield too often.
func TestLoopYields(t *testing.T) {
	const n = 1_000_000
	dec := op(0x20, 0, opI32Const, 1, opI32Sub, opLocalTee, 0) // n -= 1, leaving n
	for _, tc := range []struct {
		name  string
		wasm  []byte
		units int // the first rule's fuel
	}{
		// f0(n): loop { n -= 1; br_if 0 (n) }
		{"tight loop", planModule([]uint32{tI32}, nil,
			cat(op(opLoop, blockTypeEmpty), dec, op(opBrIf, 0, opEnd, opEnd))), 1 + n},
		// f0(n): loop { f1(); n -= 1; br_if 0 (n) }, f1 checked (in the table)
		{"loop calling a checked function", planModule([]uint32{tI32, tVoid}, []uint32{1},
			cat(op(opLoop, blockTypeEmpty, opCall), u32(1), dec, op(opBrIf, 0, opEnd, opEnd)),
			op(opEnd)), 1 + 2*n},
		// f0(n): n; loop (param i32) { drop; n -= 1; n; br_if 0 (n) }; drop
		{"loop with a parameter", planModule([]uint32{tI32}, nil,
			cat(op(0x20, 0, opLoop, tI32, 0x1a), dec, op(0x20, 0, opBrIf, 0, 0x1a, opEnd, opEnd))), 1 + n},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasm, err := Instrument(tc.wasm)
			if err != nil {
				t.Fatal(err)
			}
			m := instantiate(t, testRuntime(t), wasm)
			var c countYields
			ctx := context.WithValue(context.Background(), PreemptKey{}, &c)
			if _, err := m.ExportedFunction("spin").Call(ctx, n); err != nil {
				t.Fatal(err)
			}
			want := tc.units / DefaultBudget
			if got := int(c.n.Load()); got < want-2 || got > want+2 {
				t.Errorf("%d yields for %d units of the first rule, want %d ± 2", got, tc.units, want)
			}
		})
	}
}
