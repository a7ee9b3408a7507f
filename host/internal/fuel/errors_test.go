// Tests that malformed and unsupported modules are refused with an error
// that says where, and never a panic.

package fuel

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// oneFunc is a module with one () -> () function whose body is code (which
// must end with 0x0b) and the given extra type.
func oneFunc(code ...byte) []byte {
	return module(
		sec(wasmbin.SecType, vec(functype(nil, nil))),
		sec(wasmbin.SecFunction, vec(u32(0))),
		sec(wasmbin.SecCode, vec(body(code))),
	)
}

// expectError checks that Instrument refuses wasm with an error containing
// every fragment.
func expectError(t *testing.T, name string, wasm []byte, fragments ...string) {
	t.Helper()
	out, err := Instrument(wasm)
	if err == nil {
		t.Errorf("%s: no error; output % x", name, out)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("%s: error %q does not contain %q", name, err, f)
		}
	}
}

func TestRefused(t *testing.T) {
	spin, _ := Instrument(spinModule())
	for _, tc := range []struct {
		name      string
		wasm      []byte
		fragments []string
	}{
		{"not wasm", []byte("hello, world"), []string{"bad magic"}},
		{"empty", nil, []string{"bad magic"}},
		{"component", []byte("\x00asm\x0d\x00\x01\x00"), []string{"version 0d 00 01 00"}},
		{"truncated section", append(module(), wasmbin.SecType, 10, 1), []string{"type section", "unexpected end"}},
		{"unknown opcode", oneFunc(0x01, 0x17, 0x0b), []string{"function 0", "offset 0x18", "unknown opcode 0x17"}},
		{"unknown 0xfc", oneFunc(0xfc, 0x20, 0x0b), []string{"function 0", "unknown opcode 0xfc 0x20"}},
		{"unassigned simd", oneFunc(0xfd, 0x9a, 0x01, 0x0b), []string{"unknown opcode 0xfd 0x9a"}},
		{"relaxed simd", oneFunc(0xfd, 0x80, 0x02, 0x0b), []string{"relaxed SIMD"}},
		{"try", oneFunc(0x06, 0x40, 0x0b, 0x0b), []string{"exception-handling"}},
		{"try_table", oneFunc(0x1f, 0x40, 0x00, 0x0b, 0x0b), []string{"exception-handling"}},
		{"call_ref", oneFunc(0x14, 0x00, 0x0b), []string{"GC or function-references"}},
		{"gc prefix", oneFunc(0xfb, 0x00, 0x0b), []string{"GC or function-references"}},
		{"ref.null of a GC type", oneFunc(0xd0, 0x6e, 0x1a, 0x0b), []string{"heap type 0x6e"}},
		{"GC block type", oneFunc(0x02, 0x63, 0x6e, 0x0b, 0x0b), []string{"heap type 0x6e"}},
		{"tag section", module(sec(wasmbin.SecTag, vec())), []string{"exception-handling"}},
		{"struct type", module(sec(wasmbin.SecType, vec(op(0x5f, 1, 0x7f, 0)))), []string{"type 0", "not a function type"}},
		{"huge type count", module(sec(wasmbin.SecType, u32(0xffffffff))), []string{"count 4294967295 exceeds"}},
		{"huge br_table", oneFunc(0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b), []string{"exceeds"}},
		{"overlong LEB", oneFunc(0x0c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b), []string{"LEB128"}},
		{"out of order", module(sec(wasmbin.SecFunction, vec()), sec(wasmbin.SecType, vec())), []string{"out of order"}},
		{"duplicate", module(sec(wasmbin.SecType, vec()), sec(wasmbin.SecType, vec())), []string{"duplicated"}},
		{"unknown section", module(sec(14, nil)), []string{"unknown section id 14"}},
		{"missing body", module(sec(wasmbin.SecType, vec(functype(nil, nil))), sec(wasmbin.SecFunction, vec(u32(0))),
			sec(wasmbin.SecCode, vec())), []string{"0 bodies for 1 declared functions"}},
		{"bytes after end", oneFunc(0x0b, 0x01), []string{"function 0", "1 bytes after the final end"}},
		{"no end", oneFunc(0x01), []string{"function 0", "unexpected end"}},
		{"too many locals", module(sec(wasmbin.SecType, vec(functype(nil, nil))), sec(wasmbin.SecFunction, vec(u32(0))),
			sec(wasmbin.SecCode, vec(bodyWith(vec(cat(u32(0xffffffff), op(i32))), op(0x0b))))),
			[]string{"function 0", "more than 50000 locals"}},
		{"bad element flags", module(sec(wasmbin.SecElement, vec(op(8)))), []string{"element section", "flags 8"}},
		{"bad data flags", module(sec(wasmbin.SecData, vec(op(3)))), []string{"data section", "flags 3"}},
	} {
		expectError(t, tc.name, tc.wasm, tc.fragments...)
	}

	if _, err := Instrument(spin); !errors.Is(err, ErrInstrumented) {
		t.Errorf("instrumenting twice: err = %v, want ErrInstrumented", err)
	}
}

// TestDecodesAtomicsAndTailCalls checks that the walker steps over the
// threads proposal's 0xfe opcodes and the tail-call opcodes (no runtime is
// set up for them here, so it is a round trip only).
func TestDecodesAtomicsAndTailCalls(t *testing.T) {
	wasm := oneFunc(
		0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a, // i32.atomic.load
		0x41, 0x00, 0x41, 0x01, 0xfe, 0x00, 0x02, 0x00, 0x1a, // memory.atomic.notify
		0xfe, 0x03, 0x00, // atomic.fence
		0x41, 0x00, 0x13, 0x00, 0x00, // return_call_indirect
		0x12, 0x00, // return_call 0
		0x0b)
	got, err := rewrite(wasm, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, wasm) {
		t.Errorf("round trip changed the module")
	}
	inst, err := Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	// return_call 0 now targets function 1: the defined function moved.
	if !bytes.Contains(inst, []byte{0x12, 0x01, 0x0b}) {
		t.Errorf("return_call was not re-indexed: % x", inst)
	}
}
