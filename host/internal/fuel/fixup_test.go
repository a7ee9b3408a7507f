// Golden and behavioural tests of the index fixups, on hand-assembled
// modules.

package fuel

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// bodyWith is a code-section entry with locals (already encoded as a vector).
func bodyWith(locals []byte, code ...[]byte) []byte {
	b := cat(locals, cat(code...))
	return cat(u32(uint32(len(b))), b)
}

// fixupsModule exercises every place a function index appears: it imports
// env.base (function 0), so its defined functions 1..15 all move when the
// yield import is added. Functions 1..8 return their own index.
func fixupsModule() []byte {
	var funcs, bodies [][]byte
	for k := byte(1); k <= 8; k++ {
		funcs = append(funcs, u32(0))
		bodies = append(bodies, body(op(opI32Const, k, opEnd)))
	}
	funcs = append(funcs, u32(2), u32(1), u32(2), u32(0), u32(0), u32(1), u32(0))
	bodies = append(bodies,
		// 9 start: global 0 = base() + f2()
		body(op(opCall, 0, opCall, 2, 0x6a, opGlobalSet, 0, opEnd)),
		// 10 call_indirect_at(i): table 0
		body(op(0x20, 0, 0x11, 0, 0, opEnd)),
		// 11 init_passive: table.init segments 1 and 5 into table 0 at 1 and 5
		body(op(opI32Const, 1, opI32Const, 0, opI32Const, 1, prefixMisc, 12, 1, 0,
			opI32Const, 5, opI32Const, 0, opI32Const, 1, prefixMisc, 12, 5, 0, opEnd)),
		// 12 via_ref_func: table 1[0] = ref.func 7, then call it
		body(op(opI32Const, 0, opRefFunc, 7, 0x26, 1, opI32Const, 0, 0x11, 0, 1, opEnd)),
		// 13 tail: return_call 8
		body(op(opReturnCall, 8, opEnd)),
		// 14 loop_sum(n): a loop with a parameter (block type = type 1)
		bodyWith(vec(op(1, i32)), op(opI32Const, 0, opLoop, 1,
			0x20, 1, 0x6a, 0x20, 1, opI32Const, 1, 0x6a, 0x22, 1, 0x20, 0, 0x48, 0x0d, 0,
			opEnd, opEnd)),
		// 15 global_ref: table 1[0] = global 1 (ref.func 6), then call it
		body(op(opI32Const, 0, opGlobalGet, 1, 0x26, 1, opI32Const, 0, 0x11, 0, 1, opEnd)),
	)
	export := func(name string, kind byte, idx uint32) []byte { return cat(str(name), op(kind), u32(idx)) }
	constI32 := func(v byte) []byte { return op(opI32Const, v, opEnd) }
	refFunc := func(f byte) []byte { return op(opRefFunc, f, opEnd) }
	names := cat(
		op(0), u32(7), str("fixups"),
		op(1), func() []byte {
			p := vec(cat(u32(1), str("f1")), cat(u32(14), str("loop_sum_fn")))
			return cat(u32(uint32(len(p))), p)
		}(),
		op(2), func() []byte {
			p := vec(cat(u32(14), vec(cat(u32(0), str("n")), cat(u32(1), str("i")))))
			return cat(u32(uint32(len(p))), p)
		}(),
	)
	return module(
		sec(wasmbin.SecType, vec(functype(nil, op(i32)), functype(op(i32), op(i32)),
			functype(nil, nil), functype(op(i32, i32), op(i32)))),
		sec(wasmbin.SecImport, vec(cat(str("env"), str("base"), op(0), u32(0)))),
		sec(wasmbin.SecFunction, vec(funcs...)),
		sec(wasmbin.SecTable, vec(op(funcref, 0, 16), op(funcref, 0, 1))),
		sec(wasmbin.SecMemory, vec(op(0, 1))),
		sec(wasmbin.SecGlobal, vec(cat(op(i32, 1), constI32(0)), cat(op(funcref, 0), refFunc(6)))),
		sec(wasmbin.SecExport, vec(
			export("started", 3, 0), export("table", 1, 0), export("base", 0, 0),
			export("one", 0, 1), export("call_indirect_at", 0, 10),
			export("init_passive", 0, 11), export("via_ref_func", 0, 12),
			export("tail", 0, 13), export("loop_sum", 0, 14), export("global_ref", 0, 15))),
		sec(wasmbin.SecStart, u32(9)),
		sec(wasmbin.SecElement, vec(
			cat(op(0), constI32(0), vec(u32(1))),
			cat(op(1, 0), vec(u32(2))),
			cat(op(2, 0), constI32(2), op(0), vec(u32(3))),
			cat(op(3, 0), vec(u32(7))),
			cat(op(4), constI32(4), vec(refFunc(4))),
			cat(op(5, funcref), vec(refFunc(5))),
			cat(op(6, 0), constI32(6), op(funcref), vec(refFunc(8), op(opRefNull, funcref, opEnd))),
			cat(op(7, funcref), vec(refFunc(6))),
		)),
		sec(wasmbin.SecCode, vec(bodies...)),
		sec(wasmbin.SecData, vec(
			cat(op(0), constI32(0), str("hi")),
			cat(op(1), str("x")),
			cat(op(2, 0), constI32(8), str("yo")),
		)),
		sec(wasmbin.SecCustom, str("name"), names),
	)
}

// TestFixups runs the fixups module before and after instrumenting and
// after a no-change round trip: every function reached through a call, a
// start section, an export, an element segment of each of the eight
// encodings, a global initialiser and ref.func must still be the right one.
func TestFixups(t *testing.T) {
	orig := fixupsModule()
	inst, err := Instrument(orig)
	if err != nil {
		t.Fatal(err)
	}
	same, err := rewrite(orig, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		wasm []byte
	}{{"original", orig}, {"round trip", same}, {"instrumented", inst}} {
		t.Run(tc.name, func(t *testing.T) {
			m := instantiate(t, testRuntime(t), tc.wasm)
			if g := m.ExportedGlobal("started").Get(); g != 102 {
				t.Errorf("start function: global = %d, want 102", g)
			}
			expectCall(t, m, "one", nil, 1)
			expectCall(t, m, "base", nil, 100)
			for slot, want := range map[uint64]uint64{0: 1, 2: 3, 4: 4, 6: 8} {
				expectCall(t, m, "call_indirect_at", []uint64{slot}, want)
			}
			for _, slot := range []uint64{1, 3, 7} {
				if _, err := m.ExportedFunction("call_indirect_at").Call(context.Background(), slot); err == nil {
					t.Errorf("call_indirect_at(%d): want a trap on a null entry", slot)
				}
			}
			call(t, m, "init_passive")
			expectCall(t, m, "call_indirect_at", []uint64{1}, 2)
			expectCall(t, m, "call_indirect_at", []uint64{5}, 5)
			expectCall(t, m, "via_ref_func", nil, 7)
			expectCall(t, m, "global_ref", nil, 6)
			expectCall(t, m, "tail", nil, 8)
			expectCall(t, m, "loop_sum", []uint64{10}, 45)
			expectCall(t, m, "loop_sum", []uint64{100000}, 4999950000&0xffffffff)
		})
	}
}

// expectCall calls an export that returns an i32 and compares it with want.
func expectCall(t *testing.T, m api.Module, name string, args []uint64, want uint64) {
	t.Helper()
	if got := call(t, m, name, args...); got != want {
		t.Errorf("%s%v = %d, want %d", name, args, got, want)
	}
}

// TestFixupsStructure checks what Instrument adds to the fixups module: one
// import after env.base, a global after the two existing ones, no new type
// (type 0 is already () -> i32), one check per function and one per loop,
// and function names that follow their functions.
func TestFixupsStructure(t *testing.T) {
	orig := fixupsModule()
	inst, err := Instrument(orig)
	if err != nil {
		t.Fatal(err)
	}
	before, after := inspect(t, orig), inspect(t, inst)
	if after.types != before.types {
		t.Errorf("types: %d, want %d (reuse the existing () -> i32)", after.types, before.types)
	}
	if after.importedFuncs != 2 || after.definedGlobals != 3 {
		t.Errorf("imported funcs %d, globals %d; want 2, 3", after.importedFuncs, after.definedGlobals)
	}
	// Every function is reachable from outside (exports, the start, element
	// segments, ref.func), so every entry keeps its check; loop_sum's loop
	// takes a parameter, so its check cannot branch back to its header
	// after a yield (the parameter is out of reach inside the check).
	if n := bytes.Count(inst, fuelCheck(2, 1, 1, false)); n != 16 {
		t.Errorf("%d checks that fall through, want 16 (one per function, and loop_sum's loop)", n)
	}
	if n := bytes.Count(inst, fuelCheck(2, 1, 1, true)); n != 0 {
		t.Errorf("%d checks that branch back, want none", n)
	}

	r := testRuntime(t)
	cm, err := r.CompileModule(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	fns := cm.ExportedFunctions()
	if got := fns["loop_sum"].Name(); got != "loop_sum_fn" {
		t.Errorf("name of loop_sum = %q, want loop_sum_fn", got)
	}
	if got := fns["one"].Name(); got != "f1" {
		t.Errorf("name of one = %q, want f1", got)
	}
	if got := fns["loop_sum"].ParamNames(); len(got) != 1 || got[0] != "n" {
		t.Errorf("param names of loop_sum = %q, want [n]", got)
	}
	var imports []string
	for _, f := range cm.ImportedFunctions() {
		mod, name, _ := f.Import()
		imports = append(imports, mod+"."+name)
	}
	if got := strings.Join(imports, " "); got != "env.base sandkit_fuel.yield" {
		t.Errorf("imports = %s", got)
	}
}

// inspect returns the counts the rewriter collects from wasm.
func inspect(t *testing.T, wasm []byte) *rewriter {
	t.Helper()
	secs, err := splitSections(wasm)
	if err != nil {
		t.Fatal(err)
	}
	w := &rewriter{}
	for _, s := range secs {
		if err := w.scan(s); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// TestGolden pins the exact output for the smallest spinning module, which
// lacks an import and a global section and a () -> i32 type, so all three
// are created.
func TestGolden(t *testing.T) {
	// global.get 0; i32.const 1; i32.sub; global.set 0;
	// global.get 0; i32.const 0; i32.le_s; if; call 0; global.set 0; [br 1;] end
	entry := op(0x23, 0, 0x41, 1, 0x6b, 0x24, 0, 0x23, 0, 0x41, 0, 0x4c, 0x04, 0x40, 0x10, 0, 0x24, 0, 0x0b)
	// The loop's check branches back to the loop header after a yield.
	loop := op(0x23, 0, 0x41, 1, 0x6b, 0x24, 0, 0x23, 0, 0x41, 0, 0x4c, 0x04, 0x40, 0x10, 0, 0x24, 0, 0x0c, 1, 0x0b)
	want := module(
		sec(wasmbin.SecType, vec(functype(nil, nil), functype(nil, op(i32)))),
		sec(wasmbin.SecImport, vec(cat(str("sandkit_fuel"), str("yield"), op(0), u32(1)))),
		sec(wasmbin.SecFunction, vec(u32(0))),
		sec(wasmbin.SecGlobal, vec(op(i32, 1, 0x41, 0x90, 0xce, 0x00, 0x0b))), // 10000
		sec(wasmbin.SecExport, vec(cat(str("spin"), op(0), u32(1)))),
		sec(wasmbin.SecCode, vec(cat(u32(47), op(0), entry, op(opLoop, blockTypeEmpty), loop, op(0x0c, 0, opEnd, opEnd)))),
	)
	got, err := Instrument(spinModule())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Instrument(spin):\n got % x\nwant % x", got, want)
	}
}

// TestSpinModuleStops runs the hand-assembled spinning module with a
// deadline: the call must fail with ErrDeadline soon after it, and the
// runtime must stay usable.
func TestSpinModuleStops(t *testing.T) {
	wasm, err := Instrument(spinModule())
	if err != nil {
		t.Fatal(err)
	}
	r := testRuntime(t)
	for i := 0; i < 3; i++ {
		m := instantiate(t, r, wasm)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		start := time.Now()
		_, err := m.ExportedFunction("spin").Call(ctx)
		elapsed := time.Since(start)
		cancel()
		if !errors.Is(err, ErrDeadline) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("spin: err = %v, want ErrDeadline and DeadlineExceeded", err)
		}
		if elapsed > time.Second {
			t.Errorf("spin stopped after %v, want about 20ms", elapsed)
		}
		m.Close(context.Background())
	}
}

// TestNoChangeRoundTrip re-encodes modules without instrumenting them: the
// walker must reproduce every byte, LEB128 widths included.
func TestNoChangeRoundTrip(t *testing.T) {
	for name, wasm := range map[string][]byte{
		"fixups": fixupsModule(),
		"spin":   spinModule(),
		"simd":   simdModule(),
	} {
		got, err := rewrite(wasm, false)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Equal(got, wasm) {
			t.Errorf("%s: round trip changed the module", name)
		}
	}
}

// TestSIMDAndFriends runs simdModule before and after instrumenting.
func TestSIMDAndFriends(t *testing.T) {
	inst, err := Instrument(simdModule())
	if err != nil {
		t.Fatal(err)
	}
	want := uint64(uint32(0xffffffff - 35 + 1)) // -35 as an i32 result
	for name, wasm := range map[string][]byte{"original": simdModule(), "instrumented": inst} {
		t.Run(name, func(t *testing.T) {
			expectCall(t, instantiate(t, testRuntime(t), wasm), "simd", nil, want)
		})
	}
}
