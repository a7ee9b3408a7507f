package fuel

import (
	"testing"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// tableModule is a module with a funcref table, a memory, one passive data segment
// and function 0 whose body is code.
func tableModule(code ...[]byte) []byte {
	return module(
		sec(wasmbin.SecType, vec(functype(nil, nil))),
		sec(wasmbin.SecFunction, vec(u32(0))),
		sec(wasmbin.SecTable, vec(cat(op(funcref, 0), u32(1)))),
		sec(wasmbin.SecMemory, vec(cat(op(0), u32(1)))),
		sec(wasmbin.SecDataCount, u32(1)),
		sec(wasmbin.SecCode, vec(body(code...))),
		sec(wasmbin.SecData, vec(cat(u32(1), str("x")))),
	)
}

func TestStateOp(t *testing.T) {
	const misc = prefixMisc
	for _, c := range []struct {
		name string
		code [][]byte
		want string
	}{
		{"none", [][]byte{op(opEnd)}, ""},
		{"memory only", [][]byte{op(opI32Const, 0, opI32Const, 0, opI32Const, 1, misc), u32(8), op(0, 0), op(opEnd)}, ""}, // memory.init reads a segment
		{"table.set", [][]byte{op(opI32Const, 0, opRefNull, funcref, opTableSet, 0, opEnd)}, "table.set in function 0"},
		{"table.grow", [][]byte{op(opRefNull, funcref, opI32Const, 1, misc), u32(15), op(0, 0x1a, opEnd)}, "table.grow in function 0"},
		{"table.fill", [][]byte{op(opI32Const, 0, opRefNull, funcref, opI32Const, 1, misc), u32(17), op(0, opEnd)}, "table.fill in function 0"},
		{"data.drop", [][]byte{op(misc), u32(9), op(0, opEnd)}, "data.drop in function 0"},
		{"table.size reads", [][]byte{op(misc), u32(16), op(0, 0x1a, opEnd)}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			wasm := tableModule(c.code...)
			// The module is valid: wazero compiles it.
			instantiate(t, testRuntime(t), wasm)
			got, err := StateOp(wasm)
			if err != nil || got != c.want {
				t.Errorf("StateOp = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := StateOp([]byte("\x00asm\x01\x00\x00\x00\x0a\x05")); err == nil {
		t.Error("no error for a truncated module")
	}
}
