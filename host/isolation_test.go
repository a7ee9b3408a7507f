package host

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/wasmbin"
)

// reactorWith is a module exporting sandkit_handle as a function whose
// body is code, with a funcref table and a memory.
func reactorWith(code ...byte) []byte {
	sec := func(id byte, p ...byte) []byte {
		return append(append([]byte{id}, wasmbin.AppendU32(nil, uint32(len(p)), 0)...), p...)
	}
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, sec(wasmbin.SecType, 1, 0x60, 0, 0)...)
	m = append(m, sec(wasmbin.SecFunction, 1, 0)...)
	m = append(m, sec(wasmbin.SecTable, 1, 0x70, 0, 1)...)
	m = append(m, sec(wasmbin.SecMemory, 1, 0, 1)...)
	exp := append([]byte{1, byte(len(abi.ExportHandle))}, abi.ExportHandle...)
	m = append(m, sec(wasmbin.SecExport, append(exp, 0, 0)...)...)
	body := append([]byte{0}, code...) // no locals
	m = append(m, sec(wasmbin.SecCode, append([]byte{1, byte(len(body))}, body...)...)...)
	return m
}

func TestPrepareIsolatedRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		wasm []byte
		want string
	}{
		{"table.set", reactorWith(0x41, 0, 0xd0, 0x70, 0x26, 0, 0x0b), "the module's code has table.set in function 0"},
		{"not a module", []byte("nope"), "not a valid module"},
	} {
		_, _, err := prepareIsolated(c.wasm)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// The same module without the instruction is prepared.
	if _, iso, err := prepareIsolated(reactorWith(0x0b)); err != nil || iso == nil {
		t.Errorf("a plain reactor: %v, %v", iso, err)
	}
}
