// Instrument: the module-level rewrite that adds the fuel global, the yield
// import, and fuel checks at loop headers and function entries (see plan.go).

package fuel

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"sandkit.dev/sandkit/internal/wasmbin"
)

const (
	// ImportModule and ImportName name the host function an instrumented
	// module imports, of type () -> i32. Register provides it.
	ImportModule = "sandkit_fuel"
	ImportName   = "yield"

	// DefaultBudget is the fuel an instrumented module starts with and that
	// Register's yield hands back: at most this many function entries and
	// loop iterations run between two calls to the host (the checks take
	// in advance the entries of the functions that have none).
	DefaultBudget = 10000
)

// maxLocals bounds the locals of one function, as browsers' engines do (the
// JS API's limit). wazero v1.12 allows 2^32 and allocates a slice of that
// size while decoding: refusing here keeps a hostile module from taking the
// host's memory before it is even compiled.
const maxLocals = 50000

// ErrInstrumented is returned by Instrument for a module that already
// imports sandkit_fuel.yield.
var ErrInstrumented = errors.New("fuel: module is already instrumented")

// sectionRank is the position a non-custom section must take in a module.
func sectionRank(id byte) int {
	switch id {
	case wasmbin.SecTag:
		return 6
	case wasmbin.SecGlobal:
		return 7
	case wasmbin.SecExport, wasmbin.SecStart, wasmbin.SecElement:
		return int(id) + 1
	case wasmbin.SecDataCount:
		return 11
	case wasmbin.SecCode, wasmbin.SecData:
		return int(id) + 2
	}
	return int(id) // type, import, function, table, memory
}

// Instrument returns a copy of the wasm binary module that counts down a
// fuel global at every loop header and at the entry of every function that
// may recurse or be entered from outside, and calls the host
// import sandkit_fuel.yield when the fuel runs out. See the package
// documentation for what the host must provide.
//
// wasm is read as untrusted input: a malformed module yields an error, never
// a panic. Modules that use the exception-handling or GC proposals are
// refused.
func Instrument(wasm []byte) ([]byte, error) {
	out, err := rewrite(wasm, true)
	if err != nil {
		if errors.Is(err, ErrInstrumented) {
			return nil, err
		}
		return nil, fmt.Errorf("fuel: %w", err)
	}
	return out, nil
}

// rewriter holds what one rewrite learns about the module. With instrument
// false it re-encodes the module unchanged (the round-trip tests use this to
// prove the walker copies every instruction faithfully).
type rewriter struct {
	instrument bool

	types           uint32
	yieldType       uint32 // index of a () -> i32 type
	newType         bool   // yieldType must be appended
	importedFuncs   uint32
	importedGlobals uint32
	definedFuncs    uint32
	definedGlobals  uint32
	has             [wasmbin.SecTag + 1]bool // non-custom sections present
	added           [wasmbin.SecTag + 1]bool // sections created by the rewrite

	stateOp string // the first instruction that changes a table or drops a segment (StateOp)

	// everyEntry keeps the first rule: a check taking one unit of fuel at
	// every function entry and loop header (benchmarks compare it).
	everyEntry bool
	maxUnit    uint64 // 0: defaultMaxUnit (benchmarks try others)
	// noBack: a loop check's yield falls through into the loop's body
	// instead of branching back to its header (benchmarks).
	noBack bool
	// loopParams: the loop being rewritten takes parameters, so its
	// check cannot branch back to it (the values are out of reach).
	loopParams bool
	col        *collector // the analysis pass records here
	plan       *plan      // where the checks go and what they take
	def        int        // the defined function being rewritten

	typeParams []uint32 // parameters of each type (blockParams)

	fuel    uint32 // index of the fuel global
	loops   int    // loop headers instrumented
	entries int    // function entries instrumented
	scratch []byte // reused body buffer
}

func rewrite(wasm []byte, instrument bool) ([]byte, error) {
	return rewriteWith(wasm, &rewriter{instrument: instrument})
}

// rewriteWith rewrites wasm as w says (instrument, everyEntry), leaving in w
// what it learnt.
func rewriteWith(wasm []byte, w *rewriter) ([]byte, error) {
	secs, err := splitSections(wasm)
	if err != nil {
		return nil, err
	}
	instrument, everyEntry := w.instrument, w.everyEntry
	for _, s := range secs {
		if err := w.scan(s); err != nil {
			return nil, fmt.Errorf("%s section: %w", wasmbin.SectionName(s.ID), err)
		}
	}
	if w.importedFuncs+w.definedFuncs == math.MaxUint32 {
		return nil, errors.New("too many functions to add an import")
	}
	w.fuel = w.importedGlobals + w.definedGlobals
	if instrument && !everyEntry {
		if w.plan, err = analyze(secs, w); err != nil {
			return nil, err
		}
	}

	out := make([]byte, 0, len(wasm)+len(wasm)/8+64)
	out = append(out, wasm[:8]...)
	for _, s := range secs {
		if s.ID != wasmbin.SecCustom {
			out = w.addMissing(out, sectionRank(s.ID))
		}
		out, err = w.section(out, s)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", wasmbin.SectionName(s.ID), err)
		}
	}
	return w.addMissing(out, math.MaxInt), nil
}

// splitSections splits the module and refuses sections fuel does not know
// or that are out of order.
func splitSections(wasm []byte) ([]wasmbin.Section, error) {
	secs, err := wasmbin.Sections(wasm)
	if err != nil {
		return nil, err
	}
	last := 0
	for _, s := range secs {
		switch {
		case s.ID == wasmbin.SecTag:
			return nil, unsupportedf("tag section: the exception-handling proposal is not supported")
		case s.ID > wasmbin.SecTag:
			return nil, fmt.Errorf("offset %#x: %w", s.Off, unsupportedf("unknown section id %d", s.ID))
		case s.ID != wasmbin.SecCustom:
			if sectionRank(s.ID) <= last {
				return nil, fmt.Errorf("offset %#x: %s section is duplicated or out of order", s.Off, wasmbin.SectionName(s.ID))
			}
			last = sectionRank(s.ID)
		}
	}
	return secs, nil
}

// scan collects the counts the rewrite needs before it writes anything.
func (w *rewriter) scan(s wasmbin.Section) error {
	if s.ID == wasmbin.SecCustom {
		return nil
	}
	w.has[s.ID] = true
	r := wasmbin.NewReader(s.Payload, s.Off)
	switch s.ID {
	case wasmbin.SecType, wasmbin.SecImport:
		scan := w.scanTypes
		if s.ID == wasmbin.SecImport {
			scan = w.scanImports
		}
		if err := scan(r); err != nil {
			return err
		}
		if !r.Done() {
			return r.Errorf("%d bytes after the last entry", r.Remaining())
		}
		return nil
	case wasmbin.SecFunction:
		n, _, err := r.Count(1)
		if err != nil {
			return err
		}
		w.definedFuncs = n
		return nil
	case wasmbin.SecGlobal:
		n, _, err := r.Count(3)
		w.definedGlobals = n
		return err
	}
	return nil
}

func (w *rewriter) scanTypes(r *wasmbin.Reader) error {
	n, _, err := r.Count(3)
	if err != nil {
		return err
	}
	w.types = n
	found := false
	for i := uint32(0); i < n; i++ {
		form, err := r.Byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return r.Errorf("type %d: %w", i, unsupportedf("form %#x is not a function type (GC proposal?)", form))
		}
		var params, results []byte
		for _, list := range []*[]byte{&params, &results} {
			m, _, err := r.Count(1)
			if err != nil {
				return err
			}
			if list == &params {
				w.typeParams = append(w.typeParams, m)
			}
			start := r.Pos()
			for j := uint32(0); j < m; j++ {
				if err := valType(r); err != nil {
					return r.Errorf("type %d: %w", i, err)
				}
			}
			*list = r.Since(start)
		}
		if !found && len(params) == 0 && string(results) == "\x7f" {
			w.yieldType, found = i, true
		}
	}
	if !found {
		w.yieldType, w.newType = n, true
	}
	return nil
}

func (w *rewriter) scanImports(r *wasmbin.Reader) error {
	n, _, err := r.Count(4)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		mod, err := r.Name()
		if err != nil {
			return err
		}
		name, err := r.Name()
		if err != nil {
			return err
		}
		kind, err := r.Byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0: // func
			if _, _, err := r.U32(); err != nil {
				return err
			}
			if string(mod) == ImportModule && string(name) == ImportName && w.instrument {
				return ErrInstrumented
			}
			w.importedFuncs++
		case 1: // table
			if _, err := r.Byte(); err != nil {
				return err
			}
			err = limits(r)
		case 2: // memory
			err = limits(r)
		case 3: // global
			if err := valType(r); err != nil {
				return err
			}
			_, err = r.Byte()
			w.importedGlobals++
		case 4:
			return r.Errorf("import %d: %w", i, unsupportedf("tag imports (exception handling) are not supported"))
		default:
			return r.Errorf("import %d: %w", i, unsupportedf("unknown import kind %#x", kind))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func limits(r *wasmbin.Reader) error {
	if flags, ok := r.Peek(); ok && flags > 7 {
		return r.Errorf("%w", unsupportedf("unknown limits flags %#x", flags))
	}
	_, _, _, err := r.Limits()
	return err
}

// funcIndex maps a function index of the input to the output: the yield
// import goes after the existing function imports, so defined functions move
// up by one.
func (w *rewriter) funcIndex(i uint32) (uint32, error) {
	if !w.instrument || i < w.importedFuncs {
		return i, nil
	}
	if i == math.MaxUint32 {
		return 0, errors.New("function index overflows")
	}
	return i + 1, nil
}

// addMissing appends the type, import and global sections the rewrite needs
// but the module lacks, when the next section has rank next.
func (w *rewriter) addMissing(out []byte, next int) []byte {
	if !w.instrument {
		return out
	}
	for _, id := range []byte{wasmbin.SecType, wasmbin.SecImport, wasmbin.SecGlobal} {
		if w.has[id] || w.added[id] || sectionRank(id) >= next {
			continue
		}
		w.added[id] = true
		var p []byte
		switch id {
		case wasmbin.SecType:
			w.yieldType, w.newType = 0, true
			p = w.appendYieldType(wasmbin.AppendU32(p, 1, 0))
		case wasmbin.SecImport:
			p = w.appendYieldImport(wasmbin.AppendU32(p, 1, 0))
		case wasmbin.SecGlobal:
			p = w.appendFuelGlobal(wasmbin.AppendU32(p, 1, 0))
		}
		out = wasmbin.AppendSection(out, id, 0, p)
	}
	return out
}

func (w *rewriter) appendYieldType(p []byte) []byte {
	return append(p, 0x60, 0, 1, 0x7f)
}

func (w *rewriter) appendYieldImport(p []byte) []byte {
	p = wasmbin.AppendU32(p, uint32(len(ImportModule)), 0)
	p = append(p, ImportModule...)
	p = wasmbin.AppendU32(p, uint32(len(ImportName)), 0)
	p = append(p, ImportName...)
	p = append(p, 0) // func
	return wasmbin.AppendU32(p, w.yieldType, 0)
}

func (w *rewriter) appendFuelGlobal(p []byte) []byte {
	p = append(p, 0x7f, 1, opI32Const) // mutable i32
	p = wasmbin.AppendS32(p, DefaultBudget)
	return append(p, opEnd)
}

// section appends the rewritten section s to out.
func (w *rewriter) section(out []byte, s wasmbin.Section) ([]byte, error) {
	r := wasmbin.NewReader(s.Payload, s.Off)
	var p []byte
	var err error
	switch s.ID {
	case wasmbin.SecCustom:
		return w.custom(out, s), nil
	case wasmbin.SecType:
		if !w.instrument || !w.newType {
			return wasmbin.AppendSection(out, s.ID, s.Width, s.Payload), nil
		}
		p, err = appendOneMore(r, w.appendYieldType)
	case wasmbin.SecImport:
		if !w.instrument {
			return wasmbin.AppendSection(out, s.ID, s.Width, s.Payload), nil
		}
		p, err = appendOneMore(r, w.appendYieldImport)
	case wasmbin.SecGlobal:
		p, err = w.globals(r)
	case wasmbin.SecExport:
		p, err = w.exports(r)
	case wasmbin.SecStart:
		p, err = w.start(r)
	case wasmbin.SecElement:
		p, err = w.elements(r)
	case wasmbin.SecCode:
		p, err = w.code(r)
	case wasmbin.SecData:
		p, err = w.data(r)
	default: // function, table, memory, data count: nothing to change
		return wasmbin.AppendSection(out, s.ID, s.Width, s.Payload), nil
	}
	if err != nil {
		return nil, err
	}
	if !r.Done() {
		return nil, r.Errorf("%d bytes after the last entry", r.Remaining())
	}
	return wasmbin.AppendSection(out, s.ID, s.Width, p), nil
}

// appendOneMore copies a vector section with its count raised by one and the
// new element appended at the end.
func appendOneMore(r *wasmbin.Reader, add func([]byte) []byte) ([]byte, error) {
	n, width, err := r.U32()
	if err != nil {
		return nil, err
	}
	if n == math.MaxUint32 {
		return nil, errors.New("vector is full")
	}
	p := wasmbin.AppendU32(nil, n+1, width)
	p = append(p, r.Rest()...)
	return add(p), nil
}

func (w *rewriter) custom(out []byte, s wasmbin.Section) []byte {
	r := wasmbin.NewReader(s.Payload, s.Off)
	name, err := r.Name()
	if err != nil {
		return wasmbin.AppendSection(out, s.ID, s.Width, s.Payload) // wazero decides
	}
	switch {
	case string(name) == "name":
		head := s.Payload[:r.Pos():r.Pos()]
		p, ok := w.names(r)
		switch {
		case ok:
			return wasmbin.AppendSection(out, s.ID, s.Width, append(head, p...))
		case w.instrument:
			// The name section is debug information only: if it does not
			// parse it cannot be re-indexed, so drop it rather than fail.
			return out
		}
	case w.instrument && strings.HasPrefix(string(name), ".debug_"):
		// DWARF addresses code by byte offset, and every inserted check
		// moves the code after it: stale line tables would be worse than
		// none, so DWARF is dropped.
		return out
	}
	return wasmbin.AppendSection(out, s.ID, s.Width, s.Payload)
}

func (w *rewriter) globals(r *wasmbin.Reader) ([]byte, error) {
	n, width, err := r.U32()
	if err != nil {
		return nil, err
	}
	count := n
	if w.instrument {
		count++
	}
	p := wasmbin.AppendU32(nil, count, width)
	for i := uint32(0); i < n; i++ {
		start := r.Pos()
		if err := valType(r); err != nil {
			return nil, err
		}
		if _, err := r.Byte(); err != nil { // mutability
			return nil, err
		}
		p = append(p, r.Since(start)...)
		if p, err = w.expr(p, r, -1, false); err != nil {
			return nil, fmt.Errorf("global %d: %w", w.importedGlobals+i, err)
		}
	}
	if w.instrument {
		p = w.appendFuelGlobal(p)
	}
	return p, nil
}

func (w *rewriter) exports(r *wasmbin.Reader) ([]byte, error) {
	n, width, err := r.Count(3)
	if err != nil {
		return nil, err
	}
	p := wasmbin.AppendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		start := r.Pos()
		if _, err := r.Name(); err != nil {
			return nil, err
		}
		kind, err := r.Byte()
		if err != nil {
			return nil, err
		}
		p = append(p, r.Since(start)...)
		idx, iw, err := r.U32()
		if err != nil {
			return nil, err
		}
		if kind == 0 { // func
			w.col.escape(idx)
			if idx, err = w.funcIndex(idx); err != nil {
				return nil, err
			}
		}
		p = wasmbin.AppendU32(p, idx, iw)
	}
	return p, nil
}

func (w *rewriter) start(r *wasmbin.Reader) ([]byte, error) {
	idx, iw, err := r.U32()
	if err != nil {
		return nil, err
	}
	w.col.escape(idx)
	if idx, err = w.funcIndex(idx); err != nil {
		return nil, err
	}
	return wasmbin.AppendU32(nil, idx, iw), nil
}

// elements rewrites the element section, all eight segment encodings:
//
//	0: offset-expr vec(funcidx)             4: offset-expr vec(expr)
//	1: elemkind vec(funcidx)   (passive)    5: reftype vec(expr)   (passive)
//	2: table offset-expr elemkind vec(funcidx)
//	                                        6: table offset-expr reftype vec(expr)
//	3: elemkind vec(funcidx)   (declared)   7: reftype vec(expr)   (declared)
func (w *rewriter) elements(r *wasmbin.Reader) ([]byte, error) {
	n, width, err := r.Count(1)
	if err != nil {
		return nil, err
	}
	p := wasmbin.AppendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		if p, err = w.element(p, r); err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
	}
	return p, nil
}

func (w *rewriter) element(p []byte, r *wasmbin.Reader) ([]byte, error) {
	flags, fw, err := r.U32()
	if err != nil {
		return nil, err
	}
	if flags > 7 {
		return nil, r.Errorf("%w", unsupportedf("unknown element segment flags %d", flags))
	}
	p = wasmbin.AppendU32(p, flags, fw)
	if flags == 2 || flags == 6 { // explicit table index
		start := r.Pos()
		if _, _, err := r.U32(); err != nil {
			return nil, err
		}
		p = append(p, r.Since(start)...)
	}
	if flags&1 == 0 { // active: offset expression
		if p, err = w.expr(p, r, -1, false); err != nil {
			return nil, err
		}
	}
	if flags != 0 && flags != 4 { // elemkind or reftype byte
		c, err := r.Byte()
		if err != nil {
			return nil, err
		}
		p = append(p, c)
	}
	m, mw, err := r.Count(1)
	if err != nil {
		return nil, err
	}
	p = wasmbin.AppendU32(p, m, mw)
	for j := uint32(0); j < m; j++ {
		if flags&4 != 0 {
			if p, err = w.expr(p, r, -1, false); err != nil {
				return nil, err
			}
			continue
		}
		idx, iw, err := r.U32()
		if err != nil {
			return nil, err
		}
		w.col.escape(idx)
		if idx, err = w.funcIndex(idx); err != nil {
			return nil, err
		}
		p = wasmbin.AppendU32(p, idx, iw)
	}
	return p, nil
}

func (w *rewriter) data(r *wasmbin.Reader) ([]byte, error) {
	n, width, err := r.Count(1)
	if err != nil {
		return nil, err
	}
	p := wasmbin.AppendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		flags, fw, err := r.U32()
		if err != nil {
			return nil, err
		}
		p = wasmbin.AppendU32(p, flags, fw)
		switch flags {
		case 0, 2:
			if flags == 2 { // memory index
				start := r.Pos()
				if _, _, err := r.U32(); err != nil {
					return nil, err
				}
				p = append(p, r.Since(start)...)
			}
			if p, err = w.expr(p, r, -1, false); err != nil {
				return nil, fmt.Errorf("segment %d: %w", i, err)
			}
		case 1: // passive
		default:
			return nil, r.Errorf("segment %d: %w", i, unsupportedf("unknown data segment flags %d", flags))
		}
		start := r.Pos()
		if _, err := r.Name(); err != nil { // the bytes
			return nil, err
		}
		p = append(p, r.Since(start)...)
	}
	return p, nil
}

func (w *rewriter) code(r *wasmbin.Reader) ([]byte, error) {
	n, width, err := r.Count(2)
	if err != nil {
		return nil, err
	}
	if n != w.definedFuncs {
		return nil, fmt.Errorf("%d bodies for %d declared functions", n, w.definedFuncs)
	}
	p := make([]byte, 0, r.Len()+r.Len()/8+16)
	p = wasmbin.AppendU32(p, n, width)
	for i := uint32(0); i < n; i++ {
		fn := int64(w.importedFuncs) + int64(i)
		size, sw, err := r.U32()
		if err != nil {
			return nil, err
		}
		bodyOff := r.Off()
		body, err := r.Bytes(size)
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", fn, err)
		}
		b, err := w.body(w.scratch[:0], wasmbin.NewReader(body, bodyOff), fn)
		if err != nil {
			return nil, err
		}
		w.scratch = b
		if uint64(len(b)) > math.MaxUint32 {
			return nil, fmt.Errorf("function %d: body too large", fn)
		}
		p = wasmbin.AppendU32(p, uint32(len(b)), sw)
		p = append(p, b...)
	}
	return p, nil
}

func (w *rewriter) body(dst []byte, r *wasmbin.Reader, fn int64) ([]byte, error) {
	groups, _, err := r.Count(2)
	if err != nil {
		return nil, fmt.Errorf("function %d: locals: %w", fn, err)
	}
	var locals uint64
	for i := uint32(0); i < groups; i++ {
		n, _, err := r.U32()
		if err != nil {
			return nil, fmt.Errorf("function %d: locals: %w", fn, err)
		}
		if locals += uint64(n); locals > maxLocals {
			return nil, fmt.Errorf("function %d: more than %d locals", fn, maxLocals)
		}
		if err := valType(r); err != nil {
			return nil, fmt.Errorf("function %d: locals: %w", fn, r.Errorf("%w", err))
		}
	}
	w.def = int(fn - int64(w.importedFuncs))
	if w.col != nil {
		w.col.cur = int32(w.def)
	}
	dst = append(dst, r.Since(0)...)
	if w.instrument {
		if charge := w.entryCharge(); charge > 0 {
			dst = append(dst, w.entryCheck(charge)...)
			w.entries++
		}
	}
	dst, err = w.expr(dst, r, fn, w.instrument)
	if err != nil {
		return nil, err
	}
	if !r.Done() {
		return nil, fmt.Errorf("function %d: %d bytes after the final end", fn, r.Remaining())
	}
	return dst, nil
}
