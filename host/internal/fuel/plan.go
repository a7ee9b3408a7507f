// The check plan: which function entries need a fuel check, and how much
// fuel each check takes. See the package documentation, "Where the checks
// go".

package fuel

import (
	"fmt"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// maxElided bounds w(f), the entry checks an unchecked function stands for
// (its own and those of the unchecked functions it calls outside loops).
// A function whose w would exceed it keeps its entry check, so that a
// chain of functions each calling the next several times cannot stand for
// an exponential amount of work behind one check, and charges stay small.
const maxElided = 64

// defaultMaxUnit bounds what one check takes for the unchecked functions its unit
// calls (a loop's check takes 1 more, for the iteration): where the plan
// would charge more, the callees keep their entry checks. Charging for
// every call a unit may make over-charges a unit whose calls sit in
// branches (QuickJS's interpreter loop calls a different helper for each
// bytecode): without this bound a render took 13x the first rule's fuel,
// so yielded 13x as often.
const defaultMaxUnit = 4

// maxCharge caps the fuel one check takes (the budget is far below it, so a
// check that would take more yields every time it runs anyway).
const maxCharge = 1 << 24

// callSite is a direct call (call or return_call) in a defined function:
// the callee's function index (in the input's index space) and the ordinal
// of the innermost loop around it within its function, or -1.
type callSite struct {
	callee uint32
	loop   int32
}

// funcInfo is what the analysis pass records of one defined function.
type funcInfo struct {
	sites []callSite
	loops int32 // loop headers in the body
}

// collector is filled by the analysis pass (a no-change rewrite).
type collector struct {
	funcs []funcInfo
	// escaped marks functions that may be entered other than by a direct
	// call from a defined function: exported, the start function, named in
	// an element segment, or referenced by ref.func anywhere.
	escaped map[uint32]bool
	cur     int32   // the defined function being walked, or -1
	blocks  []int32 // innermost loop ordinal at each open block
}

func (c *collector) escape(idx uint32) {
	if c != nil {
		c.escaped[idx] = true
	}
}

// plan is the result: per defined function, the charge of its entry check
// (0: no check) and of each of its loop headers, in order of appearance.
type plan struct {
	entry []uint32
	loops [][]uint32
}

// makePlan decides the checks. A defined function f keeps its entry check
// unless all of these hold:
//   - f cannot be entered other than by a direct call from defined code
//     (not escaped: see collector.escaped), so every entry of f is a call
//     or return_call site the analysis sees;
//   - f is in no cycle of the direct call graph (its strongly connected
//     component is f alone, without a call to itself);
//   - w(f) <= maxElided, where w(f) = 1 + the sum of w(g) over the call
//     sites of f outside any loop whose callee g is an unchecked defined
//     function.
//
// Every check then takes 1 + the sum of w(g) over the unchecked callees
// called from its unit (the function body outside loops for an entry
// check, the innermost loop body for a loop header): at least as much fuel
// as the checks of the old rule (one per entry and per loop iteration)
// would have taken on the same path.
func (c *collector) makePlan(imported uint32, maxUnit uint64) *plan {
	n := len(c.funcs)
	defined := func(idx uint32) (int, bool) {
		if idx < imported || uint64(idx-imported) >= uint64(n) {
			return 0, false
		}
		return int(idx - imported), true
	}
	comp := sccs(n, func(v int, visit func(int)) {
		for _, s := range c.funcs[v].sites {
			if d, ok := defined(s.callee); ok {
				visit(d)
			}
		}
	})
	// Component sizes and self-calls.
	size := make(map[int32]int)
	for _, k := range comp.id {
		size[k]++
	}
	p := &plan{entry: make([]uint32, n), loops: make([][]uint32, n)}
	w := make([]uint64, n) // 0: checked
	// comp.order lists functions callees first (Tarjan's order).
	for _, v := range comp.order {
		fi := &c.funcs[v]
		cyclic := size[comp.id[v]] > 1
		loops := make([]uint64, fi.loops)
		entry := uint64(1)
		unit := func(s callSite) *uint64 {
			if s.loop >= 0 && s.loop < fi.loops {
				return &loops[s.loop]
			}
			return &entry
		}
		sum := func() {
			entry = 1
			clear(loops)
			for _, s := range fi.sites {
				if d, ok := defined(s.callee); ok {
					u := unit(s)
					*u = sat(*u + w[d])
				}
			}
		}
		sum()
		// A unit that would take more than maxUnit gives its unchecked
		// callees their entry checks back. Callers met earlier keep
		// charging for them: more than needed, never less.
		over := false
		for _, s := range fi.sites {
			d, ok := defined(s.callee)
			if !ok {
				continue
			}
			if d == v {
				cyclic = true
			}
			if u := unit(s); w[d] > 0 && *u+boolInt(u != &entry) > maxUnit {
				p.entry[d] = uint32(w[d])
				w[d], over = 0, true
			}
		}
		if over {
			sum()
		}
		if c.escaped[imported+uint32(v)] || cyclic || entry > maxElided {
			p.entry[v] = uint32(entry)
		} else {
			w[v] = entry
		}
		if fi.loops > 0 {
			p.loops[v] = make([]uint32, fi.loops)
			for i, l := range loops {
				p.loops[v][i] = uint32(sat(1 + l))
			}
		}
	}
	return p
}

func sat(v uint64) uint64 { return min(v, maxCharge) }

func boolInt(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// components is the strongly connected components of a graph: id[v] names
// v's component, order lists the vertices so that every component comes
// after the components it has edges into.
type components struct {
	id    []int32
	order []int
}

// sccs is Tarjan's algorithm without recursion (a hostile module may nest
// calls a million deep).
func sccs(n int, edges func(v int, visit func(int))) components {
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = unvisited
	}
	c := components{id: make([]int32, n), order: make([]int, 0, n)}
	var stack []int
	type frame struct {
		v    int
		succ []int
		next int
	}
	var next, comps int32
	var succ []int
	collect := func(v int) []int {
		succ = succ[:0]
		edges(v, func(u int) { succ = append(succ, u) })
		return append([]int(nil), succ...)
	}
	for root := 0; root < n; root++ {
		if index[root] != unvisited {
			continue
		}
		call := []frame{{v: root, succ: collect(root)}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.next < len(f.succ) {
				u := f.succ[f.next]
				f.next++
				if index[u] == unvisited {
					index[u], low[u] = next, next
					next++
					stack = append(stack, u)
					on[u] = true
					call = append(call, frame{v: u, succ: collect(u)})
				} else if on[u] {
					low[f.v] = min(low[f.v], index[u])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				for {
					u := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[u] = false
					c.id[u] = comps
					c.order = append(c.order, u)
					if u == v {
						break
					}
				}
				comps++
			}
		}
	}
	return c
}

// analyze walks the module once without changing it, recording the call
// graph, and returns the check plan.
func analyze(secs []wasmbin.Section, w *rewriter) (*plan, error) {
	a := *w
	a.instrument, a.plan = false, nil
	a.col = &collector{
		funcs:   make([]funcInfo, w.definedFuncs),
		escaped: make(map[uint32]bool),
	}
	for _, s := range secs {
		if s.ID == wasmbin.SecCustom {
			continue
		}
		if _, err := a.section(nil, s); err != nil {
			return nil, fmt.Errorf("%s section: %w", wasmbin.SectionName(s.ID), err)
		}
	}
	maxUnit := uint64(defaultMaxUnit)
	if w.maxUnit > 0 {
		maxUnit = w.maxUnit
	}
	return a.col.makePlan(w.importedFuncs, maxUnit), nil
}

// entryCharge is the fuel the entry check of the function being rewritten
// takes, or 0 if it has none.
func (w *rewriter) entryCharge() uint32 {
	if w.plan == nil {
		return 1
	}
	return w.plan.entry[w.def]
}

// loopCheck is the check after the header of the i-th loop of the function
// being rewritten.
func (w *rewriter) loopCheck(i int32) []byte {
	charge := uint32(1)
	if w.plan != nil && int(i) < len(w.plan.loops[w.def]) {
		charge = w.plan.loops[w.def][i]
	}
	return fuelCheck(w.fuel, w.importedFuncs, charge, w.back(charge))
}

// maxBackCharge bounds the charge of a check that branches back to its
// loop header after a yield: the check runs again there, and must then
// pass on the fuel the yield handed out (DefaultBudget), or the guest
// would call yield forever without making progress.
const maxBackCharge = 256

// A compile-time check: the check run again after a yield passes on the
// fuel Register's yield hands out.
const _ = uint(DefaultBudget - maxBackCharge - 1)

// back reports whether the check of the loop header being rewritten
// branches back to the header after a yield, rather than falling through
// into the loop's body (see noBack).
func (w *rewriter) back(charge uint32) bool {
	return !w.noBack && !w.loopParams && charge <= maxBackCharge
}

// entryCheck is the check at the entry of the function being rewritten.
func (w *rewriter) entryCheck(charge uint32) []byte {
	return fuelCheck(w.fuel, w.importedFuncs, charge, false)
}
