// Package snapwasm rewrites a module so that an instance of it can be
// restored from a snapshot of another: every mutable global it defines is
// exported (so the host can read and set it), and its active data segments
// are emptied (so instantiation writes nothing into a memory that already
// holds the snapshot). The segments' bytes are returned: the host lays them
// out in the memory image it instantiates the first instance with.
//
// Function, global, table and segment indexes do not move; only the export
// and data sections change.
package snapwasm

import (
	"errors"
	"fmt"
	"strconv"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// GlobalPrefix names the exports added for the mutable globals: the prefix
// and the global's index.
const GlobalPrefix = "sandkit_global_"

// Segment is an active data segment: Bytes land at Offset of memory 0.
type Segment struct {
	Offset uint32
	Bytes  []byte // a sub-slice of the module given to Prepare
}

// Info is what Prepare found.
type Info struct {
	Globals []string  // export names added, in global index order
	Data    []Segment // the active data segments, emptied in the output
	Exports []string  // the module's own export names
}

// Prepare returns the rewritten module. wasm is read as untrusted input:
// a malformed module is an error, never a panic. Active segments must have
// constant offsets (i32.const) and target memory 0; a module exporting a
// name that starts with GlobalPrefix is refused.
func Prepare(wasm []byte) ([]byte, *Info, error) {
	secs, err := wasmbin.Sections(wasm)
	if err != nil {
		return nil, nil, err
	}
	info := &Info{}
	importedGlobals := 0
	var mutable []bool
	out := append([]byte(nil), wasm[:wasmbin.HeaderSize]...)
	sawExports := false
	// Without a data count section no instruction can name a segment
	// (memory.init and data.drop need one), so the emptied segments can go
	// altogether: a Go module has tens of thousands, and instantiation
	// pays for each even when it is empty.
	keepIndexes := false
	for _, s := range secs {
		keepIndexes = keepIndexes || s.ID == wasmbin.SecDataCount
	}
	for _, s := range secs {
		body := s.Payload
		r := wasmbin.NewReader(s.Payload, s.Off)
		var err error
		switch s.ID {
		case wasmbin.SecImport:
			importedGlobals, err = countImportedGlobals(r)
		case wasmbin.SecGlobal:
			mutable, err = GlobalMutability(r)
		case wasmbin.SecExport:
			body, info.Exports, info.Globals, err = AppendGlobalExports(r, mutable, importedGlobals)
			sawExports = true
		case wasmbin.SecData:
			body, err = emptyData(r, info, keepIndexes)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s section: %w", wasmbin.SectionName(s.ID), err)
		}
		out = wasmbin.AppendSection(out, s.ID, 0, body)
	}
	if !sawExports {
		return nil, nil, errors.New("module exports nothing")
	}
	return out, info, nil
}

// countImportedGlobals reads the import section.
func countImportedGlobals(r *wasmbin.Reader) (int, error) {
	n, _, err := r.Count(4)
	if err != nil {
		return 0, err
	}
	globals := 0
	for i := uint32(0); i < n; i++ {
		if _, err := r.Name(); err != nil {
			return 0, err
		}
		if _, err := r.Name(); err != nil {
			return 0, err
		}
		kind, err := r.Byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // func
			_, _, err = r.U32()
		case 1: // table
			if _, err = r.Byte(); err == nil {
				_, _, _, err = r.Limits()
			}
		case 2: // memory
			_, _, _, err = r.Limits()
		case 3: // global
			if _, err = r.Byte(); err == nil {
				_, err = r.Byte()
			}
			globals++
		default:
			return 0, fmt.Errorf("import %d: unsupported kind %d", i, kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return globals, nil
}

// GlobalMutability reads a global section: one bool per defined global,
// true for a mutable one.
func GlobalMutability(r *wasmbin.Reader) ([]bool, error) {
	n, _, err := r.Count(3)
	if err != nil {
		return nil, err
	}
	muts := make([]bool, 0, n)
	for i := uint32(0); i < n; i++ {
		if _, err := r.Byte(); err != nil { // value type
			return nil, err
		}
		m, err := r.Byte()
		if err != nil {
			return nil, err
		}
		muts = append(muts, m == 1)
		if err := skipConstExpr(r); err != nil {
			return nil, fmt.Errorf("global %d: %w", i, err)
		}
	}
	return muts, nil
}

// AppendGlobalExports copies the export section r reads and adds an
// export named GlobalPrefix+N for each mutable defined global (N its index
// among all globals, imported ones first; imported is how many there
// are). It returns the new section, the names of the exports it copied
// and the names it added, in global order. An export already named with
// GlobalPrefix is refused.
func AppendGlobalExports(r *wasmbin.Reader, mutable []bool, imported int) (section []byte, exports, added []string, err error) {
	n, _, err := r.Count(3)
	if err != nil {
		return nil, nil, nil, err
	}
	body := wasmbin.NewReader(r.Rest(), 0)
	for i := uint32(0); i < n; i++ {
		name, err := body.Name()
		if err != nil {
			return nil, nil, nil, err
		}
		if len(name) >= len(GlobalPrefix) && string(name[:len(GlobalPrefix)]) == GlobalPrefix {
			return nil, nil, nil, fmt.Errorf("export %q: names starting with %q are the host's", name, GlobalPrefix)
		}
		exports = append(exports, string(name))
		if _, err := body.Byte(); err != nil {
			return nil, nil, nil, err
		}
		if _, _, err := body.U32(); err != nil {
			return nil, nil, nil, err
		}
	}
	if !body.Done() {
		return nil, nil, nil, fmt.Errorf("%d bytes after the last export", body.Remaining())
	}
	var extra []byte
	for i, m := range mutable {
		if !m {
			continue
		}
		name := GlobalPrefix + strconv.Itoa(imported+i)
		extra = wasmbin.AppendU32(extra, uint32(len(name)), 0)
		extra = append(extra, name...)
		extra = append(extra, 3) // global
		extra = wasmbin.AppendU32(extra, uint32(imported+i), 0)
		added = append(added, name)
	}
	if uint64(n)+uint64(len(added)) > 1<<32-1 {
		return nil, nil, nil, errors.New("too many exports")
	}
	section = wasmbin.AppendU32(nil, n+uint32(len(added)), 0)
	section = append(section, body.Since(0)...)
	return append(section, extra...), exports, added, nil
}

// ReadDataSegment reads segment i of a data section: an active segment
// of memory 0 at a constant offset (active true), or a passive one (active
// false, its bytes in seg). Other segments are refused: an offset that is
// not an i32.const, or another memory.
func ReadDataSegment(r *wasmbin.Reader, i uint32) (seg Segment, active bool, err error) {
	flag, _, err := r.U32()
	if err != nil {
		return seg, false, err
	}
	switch flag {
	case 1: // passive
		seg.Bytes, err = r.Name()
		return seg, false, err
	case 2:
		mem, _, err := r.U32()
		if err != nil {
			return seg, false, err
		}
		if mem != 0 {
			return seg, false, fmt.Errorf("segment %d targets memory %d", i, mem)
		}
	case 0:
	default:
		return seg, false, fmt.Errorf("segment %d: unknown flags %d", i, flag)
	}
	if op, err := r.Byte(); err != nil || op != 0x41 {
		return seg, false, fmt.Errorf("segment %d: offset is not an i32.const", i)
	}
	off, err := r.LEB(5)
	if err != nil {
		return seg, false, err
	}
	if op, err := r.Byte(); err != nil || op != 0x0b {
		return seg, false, fmt.Errorf("segment %d: offset is not a constant", i)
	}
	seg.Offset = uint32(off)
	seg.Bytes, err = r.Name()
	return seg, true, err
}

// emptyData copies the data section with every active segment replaced by
// an empty one at the same offset (keepIndexes) or left out (passive ones
// are kept, and there are none but those), recording the segments in info.
func emptyData(r *wasmbin.Reader, info *Info, keepIndexes bool) ([]byte, error) {
	n, _, err := r.Count(2)
	if err != nil {
		return nil, err
	}
	var out []byte
	kept := uint32(0)
	for i := uint32(0); i < n; i++ {
		start := r.Pos()
		seg, active, err := ReadDataSegment(r, i)
		if err != nil {
			return nil, err
		}
		if !active { // passive: kept as it is
			out = append(out, r.Since(start)...)
			kept++
			continue
		}
		info.Data = append(info.Data, seg)
		if keepIndexes {
			out = append(out, 0, 0x41)
			out = wasmbin.AppendS32(out, int32(seg.Offset))
			out = append(out, 0x0b, 0) // end, zero bytes
			kept++
		}
	}
	if !r.Done() {
		return nil, fmt.Errorf("%d bytes after the last segment", r.Remaining())
	}
	return append(wasmbin.AppendU32(nil, kept, 0), out...), nil
}

// skipConstExpr skips a constant expression up to its end opcode.
func skipConstExpr(r *wasmbin.Reader) error {
	for {
		op, err := r.Byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x0b:
			return nil
		case 0x41, 0x42: // i32.const, i64.const
			_, err = r.LEB(10)
		case 0x43:
			_, err = r.Bytes(4)
		case 0x44:
			_, err = r.Bytes(8)
		case 0x23, 0xd2: // global.get, ref.func
			_, _, err = r.U32()
		case 0xd0: // ref.null
			_, err = r.Byte()
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant expressions
		default:
			return r.Errorf("constant expression (opcode 0x%02x)", op)
		}
		if err != nil {
			return err
		}
	}
}
