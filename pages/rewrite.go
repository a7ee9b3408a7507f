// Load-time rewrite of the QuickJS module: its imported memory becomes a
// defined one, and its mutable globals are exported so a snapshot can save
// and restore them.

package pages

import (
	"errors"
	"fmt"
	"strconv"
)

// snapshotGlobalPrefix names the exports added for the module's mutable
// globals (the emscripten stack pointer among them).
const snapshotGlobalPrefix = "sandkit_global_"

// rewriteInfo says what rewriteModule found.
type rewriteInfo struct {
	memMin, memMax uint32 // in pages; memMax is 0 when the import had none
	hasMax         bool
	mutableGlobals []string // export names added, in global index order
	data           []dataRange
}

// dataRange is where an active data segment lands in memory.
type dataRange struct{ offset, length uint32 }

// rewriteModule turns the memory import modName.memName into a defined
// memory with the same limits and exports every mutable global defined in
// the module. Only the import, memory and export sections change; function,
// table and global indexes do not move, as the memory was the only memory
// and imports of other kinds stay where they were.
func rewriteModule(wasm []byte, modName, memName string) ([]byte, *rewriteInfo, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || wasm[4] != 1 {
		return nil, nil, errors.New("not a wasm binary module (version 1)")
	}
	type section struct {
		id   byte
		body []byte
	}
	var secs []section
	r := &wreader{b: wasm, off: 8}
	for r.off < len(r.b) {
		id := r.byte()
		n := r.u32()
		body := r.bytes(int(n))
		if r.err != nil {
			return nil, nil, fmt.Errorf("section at byte %d: %w", r.off, r.err)
		}
		secs = append(secs, section{id, body})
	}

	info := &rewriteInfo{}
	var memLimits []byte
	importedGlobals := 0
	out := append([]byte(nil), wasm[:8]...)
	emit := func(id byte, body []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	memEmitted := false
	var globalMut []bool
	for _, s := range secs {
		if !memEmitted && s.id != 0 && s.id > 4 {
			if memLimits == nil {
				return nil, nil, fmt.Errorf("no memory import %s.%s", modName, memName)
			}
			emit(5, append([]byte{1}, memLimits...))
			memEmitted = true
		}
		switch {
		case s.id == 2: // import
			body, limits, ng, err := dropMemoryImport(s.body, modName, memName)
			if err != nil {
				return nil, nil, fmt.Errorf("import section: %w", err)
			}
			memLimits, importedGlobals = limits, ng
			lr := &wreader{b: limits}
			flag := lr.byte()
			info.memMin = lr.u32()
			if flag&1 != 0 {
				info.hasMax = true
				info.memMax = lr.u32()
			}
			if lr.err != nil || flag&2 != 0 {
				return nil, nil, fmt.Errorf("memory import %s.%s: unsupported limits %x", modName, memName, limits)
			}
			emit(2, body)
			continue
		case s.id == 5:
			return nil, nil, errors.New("module defines a memory as well as importing one")
		case s.id == 6:
			muts, err := globalMutability(s.body)
			if err != nil {
				return nil, nil, fmt.Errorf("global section: %w", err)
			}
			globalMut = muts
		case s.id == 11:
			ranges, err := dataRanges(s.body)
			if err != nil {
				return nil, nil, fmt.Errorf("data section: %w", err)
			}
			info.data = ranges
		case s.id == 7:
			body, err := appendGlobalExports(s.body, globalMut, importedGlobals, info)
			if err != nil {
				return nil, nil, fmt.Errorf("export section: %w", err)
			}
			emit(7, body)
			continue
		}
		emit(s.id, s.body)
	}
	if !memEmitted {
		return nil, nil, errors.New("module has no section after its imports to place the memory before")
	}
	return out, info, nil
}

// dropMemoryImport removes the memory import and returns the new section
// body, the memory's limits encoding and the number of imported globals.
func dropMemoryImport(body []byte, modName, memName string) ([]byte, []byte, int, error) {
	r := &wreader{b: body}
	n := r.u32()
	var kept [][]byte
	var limits []byte
	globals := 0
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		mod := r.name()
		field := r.name()
		kind := r.byte()
		switch kind {
		case 0: // func
			r.u32()
		case 1: // table
			r.byte()
			r.limits()
		case 2: // memory
			ls := r.off
			r.limits()
			if mod == modName && field == memName {
				limits = append([]byte(nil), r.b[ls:r.off]...)
				continue
			}
			return nil, nil, 0, fmt.Errorf("second memory import %s.%s", mod, field)
		case 3: // global
			r.byte()
			r.byte()
			globals++
		default:
			return nil, nil, 0, fmt.Errorf("import %s.%s: unsupported kind %d", mod, field, kind)
		}
		kept = append(kept, r.b[start:r.off])
	}
	if r.err != nil {
		return nil, nil, 0, r.err
	}
	if limits == nil {
		return nil, nil, 0, fmt.Errorf("no memory import %s.%s", modName, memName)
	}
	out := appendU32(nil, uint32(len(kept)))
	for _, k := range kept {
		out = append(out, k...)
	}
	return out, limits, globals, nil
}

// globalMutability reads the global section: one bool per defined global.
func globalMutability(body []byte) ([]bool, error) {
	r := &wreader{b: body}
	n := r.u32()
	var muts []bool
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.byte() // value type
		muts = append(muts, r.byte() == 1)
		r.constExpr()
	}
	return muts, r.err
}

// dataRanges lists the active data segments; their offsets must be
// constants for a snapshot to know what instantiation overwrites.
func dataRanges(body []byte) ([]dataRange, error) {
	r := &wreader{b: body}
	n := r.u32()
	var out []dataRange
	for i := uint32(0); i < n && r.err == nil; i++ {
		flag := r.u32()
		if flag == 1 { // passive
			r.bytes(int(r.u32()))
			continue
		}
		if flag == 2 && r.u32() != 0 {
			return nil, fmt.Errorf("segment %d targets a memory other than 0", i)
		}
		if flag > 2 {
			return nil, fmt.Errorf("segment %d: unknown flags %d", i, flag)
		}
		if r.byte() != 0x41 {
			return nil, fmt.Errorf("segment %d: offset is not an i32.const", i)
		}
		off := r.s32()
		if r.byte() != 0x0b {
			return nil, fmt.Errorf("segment %d: offset is not a constant", i)
		}
		l := r.u32()
		r.bytes(int(l))
		out = append(out, dataRange{uint32(off), l})
	}
	return out, r.err
}

// appendGlobalExports adds an export for each mutable defined global.
func appendGlobalExports(body []byte, muts []bool, imported int, info *rewriteInfo) ([]byte, error) {
	r := &wreader{b: body}
	n := r.u32()
	if r.err != nil {
		return nil, r.err
	}
	rest := r.b[r.off:]
	var extra []byte
	added := uint32(0)
	for i, m := range muts {
		if !m {
			continue
		}
		name := snapshotGlobalPrefix + strconv.Itoa(i)
		extra = appendU32(extra, uint32(len(name)))
		extra = append(extra, name...)
		extra = append(extra, 3)
		extra = appendU32(extra, uint32(imported+i))
		info.mutableGlobals = append(info.mutableGlobals, name)
		added++
	}
	out := appendU32(nil, n+added)
	out = append(out, rest...)
	return append(out, extra...), nil
}

// wreader reads the wasm binary encoding; the first error sticks.
type wreader struct {
	b   []byte
	off int
	err error
}

func (r *wreader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("truncated or malformed %s at byte %d", what, r.off)
	}
	r.off = len(r.b)
}

func (r *wreader) byte() byte {
	if r.off >= len(r.b) {
		r.fail("byte")
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *wreader) u32() uint32 {
	var v uint64
	for shift := 0; shift < 35; shift += 7 {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			if v > 1<<32-1 {
				r.fail("u32")
				return 0
			}
			return uint32(v)
		}
	}
	r.fail("u32")
	return 0
}

// sleb skips a signed LEB128 of at most 10 bytes.
func (r *wreader) sleb() {
	for i := 0; i < 10; i++ {
		if r.byte()&0x80 == 0 {
			return
		}
	}
	r.fail("signed integer")
}

func (r *wreader) s32() int32 {
	var v int64
	shift := 0
	for i := 0; i < 5; i++ {
		c := r.byte()
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return int32(v)
		}
	}
	r.fail("signed integer")
	return 0
}

func (r *wreader) bytes(n int) []byte {
	if n < 0 || n > len(r.b)-r.off {
		r.fail("section")
		return nil
	}
	b := r.b[r.off : r.off+n]
	r.off += n
	return b
}

func (r *wreader) name() string { return string(r.bytes(int(r.u32()))) }

func (r *wreader) limits() {
	flag := r.byte()
	r.u32()
	if flag&1 != 0 {
		r.u32()
	}
}

// constExpr skips a constant expression up to its end opcode.
func (r *wreader) constExpr() {
	for r.err == nil {
		switch op := r.byte(); op {
		case 0x0b:
			return
		case 0x41, 0x42: // i32.const, i64.const
			r.sleb()
		case 0x43:
			r.bytes(4)
		case 0x44:
			r.bytes(8)
		case 0x23, 0xd2: // global.get, ref.func
			r.u32()
		case 0xd0: // ref.null
			r.byte()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant expressions
		default:
			r.fail(fmt.Sprintf("constant expression (opcode 0x%02x)", op))
		}
	}
}

func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}
