// Package fuel stops guests that spin, by rewriting their wasm so that they
// call the host regularly.
//
// A guest in a tight loop never returns to Go: the host cannot stop it at a
// deadline, and, worse, a garbage collection waits for it and wedges the
// whole host. wazero's RuntimeConfig.WithCloseOnContextDone fixes both, at
// a cost of several times slower loops and ~1 µs per call. Fuel costs far
// less (see BENCH.md): Instrument rewrites a module once, before it is
// compiled, so that it counts down a mutable global (the fuel) after every
// loop header and at the entry of every function that may recurse or be
// called from outside (see "Where the checks go"), and calls the host
// import sandkit_fuel.yield when the fuel runs out:
//
//	fuel -= charge; if fuel <= 0 { fuel = yield() }
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
// # Where the checks go
//
// The rule the package started with, a check taking one unit at every
// function entry and loop header, costs a server render (QuickJS in wasm)
// about 1.2x. Instrument now places checks by a plan computed from the
// module's direct call graph, and makes each check take (charge) as much
// fuel as the checks it stands for:
//
//   - Every loop header keeps its check.
//   - A defined function keeps its entry check if it may be entered other
//     than by a direct call from the module's own code — exported, the
//     start function, named in an element segment, or referenced by
//     ref.func anywhere (code or constant expression), which covers every
//     function call_indirect, return_call_indirect or the host can reach —
//     or if it lies on a cycle of the direct call graph (call and
//     return_call edges, self-calls included), or if w(f) > 64, where
//     w(f) = 1 + the sum of w(g) over f's direct calls, outside any loop
//     of f, to defined functions g without an entry check.
//   - Every other function has no entry check; its w(f) is charged to the
//     check of the unit that calls it: the entry check of its caller if
//     the call site is outside any loop, else the header check of the
//     innermost loop around the call site.
//   - A unit that would take more than 4 for its unchecked callees (more
//     than 1 + 4 for a loop) gives those callees their entry checks back
//     (each taking its own w). A unit is charged for every call it may
//     make, taken or not: without this bound QuickJS's interpreter loop,
//     which calls a different helper for each bytecode, took 13x the
//     first rule's fuel per render, so yielded 13x as often.
//
// So an entry check takes 1 + the sum of w(g) over the unchecked callees
// called outside loops, and a loop header check 1 + the sum over those
// called in that loop (not in a nested one). On a QuickJS render the plan
// keeps 1247 of 1388 entry checks and saves little (0.3% of the
// instructions, docs/benchmarks.md): most of the cost is in loop headers.
//
// Why no guest can run longer between yields than under the first rule:
// charge every unit of the first rule's fuel (one per function entry,
// one per loop iteration) to a check of the plan that runs no later and
// that took it in advance. A loop iteration is its own header's check.
// An entry of an unchecked function g was reached by a direct call (g is
// not escaped, so nothing else can enter it) from a call site s in some
// function f. If s is inside a loop of f, the innermost such loop's
// header check ran once for this iteration (s is in no nested loop, so
// reaching s twice needs a branch back to that header or an enclosing
// one, which enters it again) and took w(g), which counts g's entry and,
// recursively, the entries of unchecked functions g calls outside its
// loops. If s is outside f's loops, it runs at most once per activation
// of f, whose entry check took w(g) if f is checked, or else w(f), which
// includes w(g), was taken by f's own caller in the same way. (A callee
// given its check back by the bound is charged by callers met before it
// got it as well: more than needed, never less.) The
// recursion ends because unchecked functions are on no cycle: w is
// computed callees first over the strongly connected components, and a
// chain of unchecked callers is a path in an acyclic graph. Loops inside
// g are not counted in w(g): they check themselves. So on every path the
// plan's checks take at least the first rule's fuel, at no later point,
// and a guest reaches yield at least as often as it did under the first
// rule. A check that branches back to its loop header after a yield
// (below) runs again for the same iteration and takes its charge again:
// the iteration is still charged no later than it runs, once more than
// needed. The bound w <= 64 keeps charges small and keeps a function that
// calls its callees many times each (a call tree of 2^40 leaves without
// a cycle) from multiplying what one check stands for.
//
// Every check works on the global. A loop header's check, when the loop
// takes no parameters (and the charge is at most 256), branches back to
// the header after a yield instead of falling through into the body:
//
//	loop
//	  fuel -= charge; if fuel <= 0 { fuel = yield(); br loop }
//	  body
//
// so the iteration starts again and its check runs a second time, taking
// its charge again: more fuel than needed, never less, and the check
// then passes (the yield handed out DefaultBudget, far above 256), so the
// guest makes progress. The point is wazero's compiler: a call that
// returns into the loop body makes its register allocator save the
// loop's values around it on every iteration, not only when the call
// runs; branching back to the header, where those values are merged
// anyway, saves 0.6–1.3% of a render's instructions and on a tight loop
// as much as the fuel in a local did. What was measured and dropped
// (docs/benchmarks.md): the fuel in a local in functions whose loops call
// nothing that touches it (written back around calls and at returns;
// with the branch back it saves nothing more), the stored value tested
// through a local (local.tee), and an iteration counter in a local
// charged to the global in blocks of 8–64 (wazero spills a local that
// lives across the calls of an interpreter loop, so it costs what the
// global costs, and the block charged at each activation made a
// recursive Go guest 1.24–1.29x slower instead of 1.05x).
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
