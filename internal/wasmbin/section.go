// Sections: the module header check and the split of a module into its
// sections.

package wasmbin

import (
	"bytes"
	"errors"
	"fmt"
)

// Section ids of the core specification (and the exception-handling
// proposal's tag section).
const (
	SecCustom    = 0
	SecType      = 1
	SecImport    = 2
	SecFunction  = 3
	SecTable     = 4
	SecMemory    = 5
	SecGlobal    = 6
	SecExport    = 7
	SecStart     = 8
	SecElement   = 9
	SecCode      = 10
	SecData      = 11
	SecDataCount = 12
	SecTag       = 13
)

// HeaderSize is the size of the magic number and version a module opens with.
const HeaderSize = 8

// Section is one section of a module.
type Section struct {
	ID      byte
	Width   int    // bytes the size LEB128 took, to keep on output
	Payload []byte // a sub-slice of the module
	Off     int    // module offset of Payload[0]
}

// Sections checks the module header (binary format version 1) and splits
// the module into its sections, in order. It does not check their order or
// ids: each rewriter refuses what it does not understand.
func Sections(wasm []byte) ([]Section, error) {
	if len(wasm) < HeaderSize || string(wasm[:4]) != "\x00asm" {
		return nil, errors.New("not a wasm binary module (bad magic)")
	}
	if v := wasm[4:8]; !bytes.Equal(v, []byte{1, 0, 0, 0}) {
		return nil, fmt.Errorf("wasm binary version % x is not supported (a component?)", v)
	}
	r := NewReader(wasm[HeaderSize:], HeaderSize)
	var secs []Section
	for !r.Done() {
		id, err := r.Byte()
		if err != nil {
			return nil, err
		}
		size, width, err := r.U32()
		if err != nil {
			return nil, err
		}
		off := r.Off()
		payload, err := r.Bytes(size)
		if err != nil {
			return nil, fmt.Errorf("%s section: %w", SectionName(id), err)
		}
		secs = append(secs, Section{ID: id, Width: width, Payload: payload, Off: off})
	}
	return secs, nil
}

// SectionName is the specification's name of a section id.
func SectionName(id byte) string {
	names := [...]string{"custom", "type", "import", "function", "table", "memory",
		"global", "export", "start", "element", "code", "data", "data count", "tag"}
	if int(id) < len(names) {
		return names[id]
	}
	return fmt.Sprintf("unknown (%d)", id)
}
