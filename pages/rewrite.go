// Load-time rewrite of the QuickJS module: its imported memory becomes a
// defined one, and its mutable globals are exported so a snapshot can save
// and restore them.

package pages

import (
	"errors"
	"fmt"

	"sandkit.dev/sandkit/internal/snapwasm"
	"sandkit.dev/sandkit/internal/wasmbin"
)

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
	secs, err := wasmbin.Sections(wasm)
	if err != nil {
		return nil, nil, err
	}
	info := &rewriteInfo{}
	var memLimits []byte
	importedGlobals := 0
	out := append([]byte(nil), wasm[:wasmbin.HeaderSize]...)
	memEmitted := false
	var globalMut []bool
	for _, s := range secs {
		if !memEmitted && s.ID > wasmbin.SecTable {
			if memLimits == nil {
				return nil, nil, fmt.Errorf("no memory import %s.%s", modName, memName)
			}
			out = wasmbin.AppendSection(out, wasmbin.SecMemory, 0, append([]byte{1}, memLimits...))
			memEmitted = true
		}
		body := s.Payload
		r := wasmbin.NewReader(s.Payload, s.Off)
		var err error
		switch s.ID {
		case wasmbin.SecImport:
			body, memLimits, importedGlobals, err = dropMemoryImport(r, modName, memName)
			if err == nil {
				err = memoryLimits(memLimits, s.Off, info)
			}
		case wasmbin.SecMemory:
			err = errors.New("module defines a memory as well as importing one")
		case wasmbin.SecGlobal:
			globalMut, err = snapwasm.GlobalMutability(r)
		case wasmbin.SecData:
			info.data, err = dataRanges(r)
		case wasmbin.SecExport:
			body, _, info.mutableGlobals, err = snapwasm.AppendGlobalExports(r, globalMut, importedGlobals)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s section: %w", wasmbin.SectionName(s.ID), err)
		}
		out = wasmbin.AppendSection(out, s.ID, 0, body)
	}
	if !memEmitted {
		return nil, nil, errors.New("module has no section after its imports to place the memory before")
	}
	return out, info, nil
}

// memoryLimits records the imported memory's limits (in pages) in info;
// 64-bit and shared memories are refused.
func memoryLimits(limits []byte, off int, info *rewriteInfo) error {
	flags, min, max, err := wasmbin.NewReader(limits, off).Limits()
	if err != nil {
		return err
	}
	if flags&^1 != 0 || min > 1<<16 || max > 1<<16 {
		return fmt.Errorf("memory import: unsupported limits %x", limits)
	}
	info.memMin, info.memMax, info.hasMax = uint32(min), uint32(max), flags&1 != 0
	return nil
}

// dropMemoryImport removes the memory import and returns the new section
// body, the memory's limits encoding and the number of imported globals.
func dropMemoryImport(r *wasmbin.Reader, modName, memName string) (body, limits []byte, globals int, err error) {
	n, _, err := r.Count(4)
	if err != nil {
		return nil, nil, 0, err
	}
	var kept [][]byte
	for i := uint32(0); i < n; i++ {
		start := r.Pos()
		mod, err := r.Name()
		if err != nil {
			return nil, nil, 0, err
		}
		field, err := r.Name()
		if err != nil {
			return nil, nil, 0, err
		}
		kind, err := r.Byte()
		if err != nil {
			return nil, nil, 0, err
		}
		switch kind {
		case 0: // func: a type index
			_, _, err = r.U32()
		case 1: // table: a reference type and limits
			if _, err = r.Byte(); err == nil {
				_, _, _, err = r.Limits()
			}
		case 2: // memory
			if limits != nil || string(mod) != modName || string(field) != memName {
				return nil, nil, 0, fmt.Errorf("second memory import %s.%s", mod, field)
			}
			ls := r.Pos()
			if _, _, _, err = r.Limits(); err != nil {
				return nil, nil, 0, err
			}
			limits = append([]byte(nil), r.Since(ls)...)
			continue
		case 3: // global: a value type and mutability
			if _, err = r.Byte(); err == nil {
				_, err = r.Byte()
			}
			globals++
		default:
			return nil, nil, 0, fmt.Errorf("import %s.%s: unsupported kind %d", mod, field, kind)
		}
		if err != nil {
			return nil, nil, 0, err
		}
		kept = append(kept, r.Since(start))
	}
	if limits == nil {
		return nil, nil, 0, fmt.Errorf("no memory import %s.%s", modName, memName)
	}
	body = wasmbin.AppendU32(nil, uint32(len(kept)), 0)
	for _, k := range kept {
		body = append(body, k...)
	}
	return body, limits, globals, nil
}

// dataRanges lists the active data segments; their offsets must be
// constants for a snapshot to know what instantiation overwrites.
func dataRanges(r *wasmbin.Reader) ([]dataRange, error) {
	n, _, err := r.Count(2)
	if err != nil {
		return nil, err
	}
	var out []dataRange
	for i := uint32(0); i < n; i++ {
		seg, active, err := snapwasm.ReadDataSegment(r, i)
		if err != nil {
			return nil, err
		}
		if active {
			out = append(out, dataRange{seg.Offset, uint32(len(seg.Bytes))})
		}
	}
	return out, nil
}
