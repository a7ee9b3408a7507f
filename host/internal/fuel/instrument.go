// Instrument: the module-level rewrite that adds the fuel global, the yield
// import, and a fuel check at every function entry and loop header.

package fuel

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
)

const (
	// ImportModule and ImportName name the host function an instrumented
	// module imports, of type () -> i32. Register provides it.
	ImportModule = "sandkit_fuel"
	ImportName   = "yield"

	// DefaultBudget is the fuel an instrumented module starts with and that
	// Register's yield hands back: the number of function entries and loop
	// iterations between two calls to the host.
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

// Section ids.
const (
	secCustom    = 0
	secType      = 1
	secImport    = 2
	secFunction  = 3
	secTable     = 4
	secMemory    = 5
	secGlobal    = 6
	secExport    = 7
	secStart     = 8
	secElement   = 9
	secCode      = 10
	secData      = 11
	secDataCount = 12
	secTag       = 13
)

// sectionRank is the position a non-custom section must take in a module.
func sectionRank(id byte) int {
	switch id {
	case secTag:
		return 6
	case secGlobal:
		return 7
	case secExport, secStart, secElement:
		return int(id) + 1
	case secDataCount:
		return 11
	case secCode, secData:
		return int(id) + 2
	}
	return int(id) // type, import, function, table, memory
}

// Instrument returns a copy of the wasm binary module that counts down a
// fuel global at every function entry and loop header and calls the host
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

// section is one section of the input, payload excluded of its header.
type section struct {
	id      byte
	width   int // bytes the size LEB128 took, kept on output
	payload []byte
	off     int // module offset of payload[0]
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
	has             [secTag + 1]bool // non-custom sections present
	added           [secTag + 1]bool // sections created by the rewrite

	check   []byte // the fuel check, see fuelCheck
	loops   int    // loop headers instrumented
	entries int    // function entries instrumented
	scratch []byte // reused body buffer
}

func rewrite(wasm []byte, instrument bool) ([]byte, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, errors.New("not a wasm binary module (bad magic)")
	}
	if v := wasm[4:8]; !bytes.Equal(v, []byte{1, 0, 0, 0}) {
		return nil, fmt.Errorf("wasm binary version % x is not supported (a component?)", v)
	}
	secs, err := splitSections(wasm)
	if err != nil {
		return nil, err
	}
	w := &rewriter{instrument: instrument}
	for _, s := range secs {
		if err := w.scan(s); err != nil {
			return nil, fmt.Errorf("%s section: %w", sectionName(s.id), err)
		}
	}
	if w.importedFuncs+w.definedFuncs == math.MaxUint32 {
		return nil, errors.New("too many functions to add an import")
	}
	w.check = fuelCheck(w.importedGlobals+w.definedGlobals, w.importedFuncs)

	out := make([]byte, 0, len(wasm)+len(wasm)/8+64)
	out = append(out, wasm[:8]...)
	for _, s := range secs {
		if s.id != secCustom {
			out = w.addMissing(out, sectionRank(s.id))
		}
		out, err = w.section(out, s)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", sectionName(s.id), err)
		}
	}
	return w.addMissing(out, math.MaxInt), nil
}

func splitSections(wasm []byte) ([]section, error) {
	r := newReader(wasm, 0)
	r.pos = 8
	var secs []section
	last := 0
	for !r.done() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, width, err := r.u32()
		if err != nil {
			return nil, err
		}
		off := r.off()
		payload, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", sectionName(id), err)
		}
		switch {
		case id == secTag:
			return nil, unsupportedf("tag section: the exception-handling proposal is not supported")
		case id > secTag:
			return nil, fmt.Errorf("offset %#x: %w", off, unsupportedf("unknown section id %d", id))
		case id != secCustom:
			if sectionRank(id) <= last {
				return nil, fmt.Errorf("offset %#x: %s section is duplicated or out of order", off, sectionName(id))
			}
			last = sectionRank(id)
		}
		secs = append(secs, section{id: id, width: width, payload: payload, off: off})
	}
	return secs, nil
}

func sectionName(id byte) string {
	names := [...]string{"custom", "type", "import", "function", "table", "memory",
		"global", "export", "start", "element", "code", "data", "data count", "tag"}
	if int(id) < len(names) {
		return names[id]
	}
	return fmt.Sprintf("unknown (%d)", id)
}

// scan collects the counts the rewrite needs before it writes anything.
func (w *rewriter) scan(s section) error {
	if s.id == secCustom {
		return nil
	}
	w.has[s.id] = true
	r := newReader(s.payload, s.off)
	switch s.id {
	case secType, secImport:
		scan := w.scanTypes
		if s.id == secImport {
			scan = w.scanImports
		}
		if err := scan(r); err != nil {
			return err
		}
		if !r.done() {
			return r.errorf("%d bytes after the last entry", r.remaining())
		}
		return nil
	case secFunction:
		n, _, err := r.count(1)
		w.definedFuncs = n
		return err
	case secGlobal:
		n, _, err := r.count(3)
		w.definedGlobals = n
		return err
	}
	return nil
}

func (w *rewriter) scanTypes(r *reader) error {
	n, _, err := r.count(3)
	if err != nil {
		return err
	}
	w.types = n
	found := false
	for i := uint32(0); i < n; i++ {
		form, err := r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return r.errorf("type %d: %w", i, unsupportedf("form %#x is not a function type (GC proposal?)", form))
		}
		var params, results []byte
		for _, list := range []*[]byte{&params, &results} {
			m, _, err := r.count(1)
			if err != nil {
				return err
			}
			start := r.pos
			for j := uint32(0); j < m; j++ {
				if err := valType(r); err != nil {
					return r.errorf("type %d: %w", i, err)
				}
			}
			*list = r.b[start:r.pos]
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

func (w *rewriter) scanImports(r *reader) error {
	n, _, err := r.count(4)
	if err != nil {
		return err
	}
	for i := uint32(0); i < n; i++ {
		mod, err := r.name()
		if err != nil {
			return err
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0: // func
			if _, _, err := r.u32(); err != nil {
				return err
			}
			if string(mod) == ImportModule && string(name) == ImportName && w.instrument {
				return ErrInstrumented
			}
			w.importedFuncs++
		case 1: // table
			if _, err := r.byte(); err != nil {
				return err
			}
			err = limits(r)
		case 2: // memory
			err = limits(r)
		case 3: // global
			if err := valType(r); err != nil {
				return err
			}
			_, err = r.byte()
			w.importedGlobals++
		case 4:
			return r.errorf("import %d: %w", i, unsupportedf("tag imports (exception handling) are not supported"))
		default:
			return r.errorf("import %d: %w", i, unsupportedf("unknown import kind %#x", kind))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func limits(r *reader) error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if flags > 7 {
		return r.errorf("%w", unsupportedf("unknown limits flags %#x", flags))
	}
	if _, err := r.skipLEB(10); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = r.skipLEB(10)
	}
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
	for _, id := range []byte{secType, secImport, secGlobal} {
		if w.has[id] || w.added[id] || sectionRank(id) >= next {
			continue
		}
		w.added[id] = true
		var p []byte
		switch id {
		case secType:
			w.yieldType, w.newType = 0, true
			p = w.appendYieldType(appendU32(p, 1, 0))
		case secImport:
			p = w.appendYieldImport(appendU32(p, 1, 0))
		case secGlobal:
			p = w.appendFuelGlobal(appendU32(p, 1, 0))
		}
		out = appendSection(out, id, 0, p)
	}
	return out
}

func appendSection(out []byte, id byte, width int, payload []byte) []byte {
	out = append(out, id)
	out = appendU32(out, uint32(len(payload)), width)
	return append(out, payload...)
}

func (w *rewriter) appendYieldType(p []byte) []byte {
	return append(p, 0x60, 0, 1, 0x7f)
}

func (w *rewriter) appendYieldImport(p []byte) []byte {
	p = appendU32(p, uint32(len(ImportModule)), 0)
	p = append(p, ImportModule...)
	p = appendU32(p, uint32(len(ImportName)), 0)
	p = append(p, ImportName...)
	p = append(p, 0) // func
	return appendU32(p, w.yieldType, 0)
}

func (w *rewriter) appendFuelGlobal(p []byte) []byte {
	p = append(p, 0x7f, 1, opI32Const) // mutable i32
	p = appendS32(p, DefaultBudget)
	return append(p, opEnd)
}

// section appends the rewritten section s to out.
func (w *rewriter) section(out []byte, s section) ([]byte, error) {
	r := newReader(s.payload, s.off)
	var p []byte
	var err error
	switch s.id {
	case secCustom:
		return w.custom(out, s), nil
	case secType:
		if !w.instrument || !w.newType {
			return appendSection(out, s.id, s.width, s.payload), nil
		}
		p, err = appendOneMore(r, w.appendYieldType)
	case secImport:
		if !w.instrument {
			return appendSection(out, s.id, s.width, s.payload), nil
		}
		p, err = appendOneMore(r, w.appendYieldImport)
	case secGlobal:
		p, err = w.globals(r)
	case secExport:
		p, err = w.exports(r)
	case secStart:
		p, err = w.start(r)
	case secElement:
		p, err = w.elements(r)
	case secCode:
		p, err = w.code(r)
	case secData:
		p, err = w.data(r)
	default: // function, table, memory, data count: nothing to change
		return appendSection(out, s.id, s.width, s.payload), nil
	}
	if err != nil {
		return nil, err
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the last entry", r.remaining())
	}
	return appendSection(out, s.id, s.width, p), nil
}

// appendOneMore copies a vector section with its count raised by one and the
// new element appended at the end.
func appendOneMore(r *reader, add func([]byte) []byte) ([]byte, error) {
	n, width, err := r.u32()
	if err != nil {
		return nil, err
	}
	if n == math.MaxUint32 {
		return nil, errors.New("vector is full")
	}
	p := appendU32(nil, n+1, width)
	p = append(p, r.b[r.pos:]...)
	r.pos = len(r.b)
	return add(p), nil
}

func (w *rewriter) custom(out []byte, s section) []byte {
	r := newReader(s.payload, s.off)
	name, err := r.name()
	if err != nil {
		return appendSection(out, s.id, s.width, s.payload) // wazero decides
	}
	switch {
	case string(name) == "name":
		head := s.payload[:r.pos:r.pos]
		p, ok := w.names(r)
		switch {
		case ok:
			return appendSection(out, s.id, s.width, append(head, p...))
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
	return appendSection(out, s.id, s.width, s.payload)
}

func (w *rewriter) globals(r *reader) ([]byte, error) {
	n, width, err := r.u32()
	if err != nil {
		return nil, err
	}
	count := n
	if w.instrument {
		count++
	}
	p := appendU32(nil, count, width)
	for i := uint32(0); i < n; i++ {
		start := r.pos
		if err := valType(r); err != nil {
			return nil, err
		}
		if _, err := r.byte(); err != nil { // mutability
			return nil, err
		}
		p = append(p, r.b[start:r.pos]...)
		if p, err = w.expr(p, r, -1, nil); err != nil {
			return nil, fmt.Errorf("global %d: %w", w.importedGlobals+i, err)
		}
	}
	if w.instrument {
		p = w.appendFuelGlobal(p)
	}
	return p, nil
}

func (w *rewriter) exports(r *reader) ([]byte, error) {
	n, width, err := r.count(3)
	if err != nil {
		return nil, err
	}
	p := appendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		start := r.pos
		if _, err := r.name(); err != nil {
			return nil, err
		}
		kind, err := r.byte()
		if err != nil {
			return nil, err
		}
		p = append(p, r.b[start:r.pos]...)
		idx, iw, err := r.u32()
		if err != nil {
			return nil, err
		}
		if kind == 0 { // func
			if idx, err = w.funcIndex(idx); err != nil {
				return nil, err
			}
		}
		p = appendU32(p, idx, iw)
	}
	return p, nil
}

func (w *rewriter) start(r *reader) ([]byte, error) {
	idx, iw, err := r.u32()
	if err != nil {
		return nil, err
	}
	if idx, err = w.funcIndex(idx); err != nil {
		return nil, err
	}
	return appendU32(nil, idx, iw), nil
}

// elements rewrites the element section, all eight segment encodings:
//
//	0: offset-expr vec(funcidx)             4: offset-expr vec(expr)
//	1: elemkind vec(funcidx)   (passive)    5: reftype vec(expr)   (passive)
//	2: table offset-expr elemkind vec(funcidx)
//	                                        6: table offset-expr reftype vec(expr)
//	3: elemkind vec(funcidx)   (declared)   7: reftype vec(expr)   (declared)
func (w *rewriter) elements(r *reader) ([]byte, error) {
	n, width, err := r.count(1)
	if err != nil {
		return nil, err
	}
	p := appendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		if p, err = w.element(p, r); err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
	}
	return p, nil
}

func (w *rewriter) element(p []byte, r *reader) ([]byte, error) {
	flags, fw, err := r.u32()
	if err != nil {
		return nil, err
	}
	if flags > 7 {
		return nil, r.errorf("%w", unsupportedf("unknown element segment flags %d", flags))
	}
	p = appendU32(p, flags, fw)
	if flags == 2 || flags == 6 { // explicit table index
		start := r.pos
		if _, _, err := r.u32(); err != nil {
			return nil, err
		}
		p = append(p, r.b[start:r.pos]...)
	}
	if flags&1 == 0 { // active: offset expression
		if p, err = w.expr(p, r, -1, nil); err != nil {
			return nil, err
		}
	}
	if flags != 0 && flags != 4 { // elemkind or reftype byte
		c, err := r.byte()
		if err != nil {
			return nil, err
		}
		p = append(p, c)
	}
	m, mw, err := r.count(1)
	if err != nil {
		return nil, err
	}
	p = appendU32(p, m, mw)
	for j := uint32(0); j < m; j++ {
		if flags&4 != 0 {
			if p, err = w.expr(p, r, -1, nil); err != nil {
				return nil, err
			}
			continue
		}
		idx, iw, err := r.u32()
		if err != nil {
			return nil, err
		}
		if idx, err = w.funcIndex(idx); err != nil {
			return nil, err
		}
		p = appendU32(p, idx, iw)
	}
	return p, nil
}

func (w *rewriter) data(r *reader) ([]byte, error) {
	n, width, err := r.count(1)
	if err != nil {
		return nil, err
	}
	p := appendU32(nil, n, width)
	for i := uint32(0); i < n; i++ {
		flags, fw, err := r.u32()
		if err != nil {
			return nil, err
		}
		p = appendU32(p, flags, fw)
		switch flags {
		case 0, 2:
			if flags == 2 { // memory index
				start := r.pos
				if _, _, err := r.u32(); err != nil {
					return nil, err
				}
				p = append(p, r.b[start:r.pos]...)
			}
			if p, err = w.expr(p, r, -1, nil); err != nil {
				return nil, fmt.Errorf("segment %d: %w", i, err)
			}
		case 1: // passive
		default:
			return nil, r.errorf("segment %d: %w", i, unsupportedf("unknown data segment flags %d", flags))
		}
		start := r.pos
		if _, err := r.name(); err != nil { // the bytes
			return nil, err
		}
		p = append(p, r.b[start:r.pos]...)
	}
	return p, nil
}

func (w *rewriter) code(r *reader) ([]byte, error) {
	n, width, err := r.count(2)
	if err != nil {
		return nil, err
	}
	if n != w.definedFuncs {
		return nil, fmt.Errorf("%d bodies for %d declared functions", n, w.definedFuncs)
	}
	p := make([]byte, 0, len(r.b)+len(r.b)/8+16)
	p = appendU32(p, n, width)
	for i := uint32(0); i < n; i++ {
		fn := int64(w.importedFuncs) + int64(i)
		size, sw, err := r.u32()
		if err != nil {
			return nil, err
		}
		bodyOff := r.off()
		body, err := r.bytes(size)
		if err != nil {
			return nil, fmt.Errorf("function %d: %w", fn, err)
		}
		b, err := w.body(w.scratch[:0], newReader(body, bodyOff), fn)
		if err != nil {
			return nil, err
		}
		w.scratch = b
		if uint64(len(b)) > math.MaxUint32 {
			return nil, fmt.Errorf("function %d: body too large", fn)
		}
		p = appendU32(p, uint32(len(b)), sw)
		p = append(p, b...)
	}
	return p, nil
}

func (w *rewriter) body(dst []byte, r *reader, fn int64) ([]byte, error) {
	groups, _, err := r.count(2)
	if err != nil {
		return nil, fmt.Errorf("function %d: locals: %w", fn, err)
	}
	var locals uint64
	for i := uint32(0); i < groups; i++ {
		n, _, err := r.u32()
		if err != nil {
			return nil, fmt.Errorf("function %d: locals: %w", fn, err)
		}
		if locals += uint64(n); locals > maxLocals {
			return nil, fmt.Errorf("function %d: more than %d locals", fn, maxLocals)
		}
		if err := valType(r); err != nil {
			return nil, fmt.Errorf("function %d: locals: %w", fn, r.errorf("%w", err))
		}
	}
	dst = append(dst, r.b[:r.pos]...)
	var check []byte
	if w.instrument {
		check = w.check
		dst = append(dst, check...)
		w.entries++
	}
	dst, err = w.expr(dst, r, fn, check)
	if err != nil {
		return nil, err
	}
	if !r.done() {
		return nil, fmt.Errorf("function %d: %d bytes after the final end", fn, r.remaining())
	}
	return dst, nil
}
