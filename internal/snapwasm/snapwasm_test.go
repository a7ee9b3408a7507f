package snapwasm_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"sandkit.dev/sandkit/internal/snapwasm"
	"sandkit.dev/sandkit/internal/wasmbin"
)

func u32(v uint32) []byte { return wasmbin.AppendU32(nil, v, 0) }

func sec(id byte, p ...byte) []byte { return append(append([]byte{id}, u32(uint32(len(p)))...), p...) }

// tiny is a module with a memory, one mutable and one immutable global,
// an export named export, two active data segments and, with count, a
// data count section.
func tiny(export string, count bool) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, sec(wasmbin.SecMemory, 1, 0, 1)...)
	m = append(m, sec(wasmbin.SecGlobal, 2, 0x7f, 1, 0x41, 5, 0x0b, 0x7f, 0, 0x41, 6, 0x0b)...)
	exp := append(append(u32(1), u32(uint32(len(export)))...), export...)
	m = append(m, sec(wasmbin.SecExport, append(exp, 2, 0)...)...) // the memory
	if count {
		m = append(m, sec(wasmbin.SecDataCount, 2)...)
	}
	m = append(m, sec(wasmbin.SecData,
		2,
		0, 0x41, 16, 0x0b, 3, 'a', 'b', 'c',
		0, 0x41, 0x80, 0x02, 0x0b, 1, 'z')...)
	return m
}

func TestPrepare(t *testing.T) {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	for _, count := range []bool{false, true} {
		out, info, err := snapwasm.Prepare(tiny("memory", count))
		if err != nil {
			t.Fatal(err)
		}
		if len(info.Globals) != 1 || info.Globals[0] != snapwasm.GlobalPrefix+"0" || len(info.Exports) != 1 {
			t.Errorf("globals %q, exports %q", info.Globals, info.Exports)
		}
		if len(info.Data) != 2 || info.Data[0].Offset != 16 || string(info.Data[0].Bytes) != "abc" || info.Data[1].Offset != 256 || string(info.Data[1].Bytes) != "z" {
			t.Errorf("data %+v", info.Data)
		}
		mod, err := r.InstantiateWithConfig(ctx, out, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			t.Fatalf("data count %v: %v", count, err)
		}
		if g := mod.ExportedGlobal(info.Globals[0]); g == nil || g.Get() != 5 {
			t.Errorf("the mutable global is not exported with its value")
		}
		if b, _ := mod.Memory().Read(0, 512); !bytes.Equal(b, make([]byte, 512)) {
			t.Errorf("data count %v: instantiation still wrote the data", count)
		}
		mod.Close(ctx)
	}
}

func TestPrepareRefuses(t *testing.T) {
	for name, wasm := range map[string][]byte{
		"reserved export": tiny(snapwasm.GlobalPrefix+"9", false),
		"truncated":       tiny("memory", false)[:20],
		"not wasm":        []byte("hello"),
	} {
		if _, _, err := snapwasm.Prepare(wasm); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "reserved export" && !strings.Contains(err.Error(), "are the host's") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A real guest: the C fixture ok.wasm compiles after the rewrite.
func TestPrepareGuest(t *testing.T) {
	wasm, err := os.ReadFile("../../host/testdata/guests/ok.wasm")
	if err != nil {
		t.Fatal(err)
	}
	out, info, err := snapwasm.Prepare(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Globals) == 0 {
		t.Error("no mutable global found (the C stack pointer is one)")
	}
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	if _, err := r.CompileModule(ctx, out); err != nil {
		t.Fatal(err)
	}
}

func FuzzPrepare(f *testing.F) {
	f.Add(tiny("memory", false))
	f.Add(tiny("memory", true))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		snapwasm.Prepare(wasm) // must not panic
	})
}
