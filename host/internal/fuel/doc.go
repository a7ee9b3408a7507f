// Package fuel stops guests that spin, by rewriting their wasm so that they
// call the host regularly.
//
// A guest in a tight loop never returns to Go: the host cannot stop it at a
// deadline, and, worse, a garbage collection waits for it and wedges the
// whole host. wazero's RuntimeConfig.WithCloseOnContextDone fixes both, at
// a cost of several times slower loops and ~1 µs per call. Fuel costs far
// less (see BENCH.md): Instrument rewrites a module once, before it is
// compiled, so that it counts down a mutable global (the fuel) at every
// function entry and after every loop header, and calls the host import
// sandkit_fuel.yield when the fuel runs out:
//
//	fuel--; if fuel <= 0 { fuel = yield() }
//
// yield, installed on a runtime by Register, is an ordinary Go function: it
// panics with ErrDeadline once the context of the guest call is done (wazero
// turns the panic into an error returned from the call), and otherwise hands
// back DefaultBudget more fuel. Being Go, each call is also a point where the
// scheduler and a pending garbage collection can stop the goroutine.
//
// Use it in three steps:
//
//	wasm, err := fuel.Instrument(wasm) // once per module, before compiling
//	...
//	r := wazero.NewRuntime(ctx) // no WithCloseOnContextDone needed
//	err = fuel.Register(ctx, r) // once per runtime
//	...
//	ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
//	_, err = mod.ExportedFunction("handle").Call(ctx)
//	if errors.Is(err, fuel.ErrDeadline) {
//		// The guest ran past its deadline: discard the instance.
//	}
//
// An instance stopped at a deadline was interrupted at an arbitrary point
// and must never be reused.
//
// A host that shares the CPU between calls puts a [Preempter] in the
// call's context (as the value of [PreemptKey]): yield calls it at each
// yield, after the deadline check, and it may block there while other
// calls run. host.Scheduler is one.
//
// # What the rewrite changes
//
// Instrument appends one function import (after the existing ones), one
// mutable i32 global (after the existing ones), and, unless the module has
// one already, a () -> i32 type. Appending the import moves every defined
// function up by one index, so it re-indexes call, return_call and ref.func
// in code and in constant expressions, all eight element-segment encodings,
// function exports, the start section, and the function, local and label
// subsections of the "name" section (a name section that does not parse is
// dropped: it is debug information only). DWARF sections (".debug_*") are
// dropped, as the inserted checks move the code they describe.
//
// The decoder walks every instruction of the MVP, the 0xFC prefix
// (saturating truncation, bulk memory, table operations), sign extension,
// multi-value block types, reference types, tail calls, fixed-width SIMD
// (0xFD) and threads (0xFE). Modules using exception handling or GC are
// refused with an error. The input is treated as hostile: a malformed module
// yields an error naming the function and byte offset, never a panic, and
// no declared count is trusted further than the bytes that remain.
//
// # What is not metered
//
// Work the guest does without a loop or a call in wasm: memory.copy,
// memory.fill and memory.grow of large sizes, and calls to host functions.
// Bound those with memory limits and in the host functions themselves.
package fuel
