package host

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// TestWASIDescriptorsFixed: a guest cannot close, renumber or reflag a
// descriptor (host/wasi.go), so the descriptor table is no state a reset
// must restore.
func TestWASIDescriptorsFixed(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	e.sharedMu.Lock()
	rt, err := e.runtimeFor(ctx, 16)
	e.sharedMu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	sec := func(id byte, p ...byte) []byte {
		return append(append([]byte{id}, wasmbin.AppendU32(nil, uint32(len(p)), 0)...), p...)
	}
	name := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	// Imports fd_close (i32)->i32, fd_renumber and fd_fdstat_set_flags
	// (i32 i32)->i32, and re-exports each under its own name.
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, sec(wasmbin.SecType, 2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7f)...)
	var imp, exp []byte
	for i, f := range []struct {
		name string
		typ  byte
	}{{"fd_close", 0}, {"fd_renumber", 1}, {"fd_fdstat_set_flags", 1}} {
		imp = append(imp, name("wasi_snapshot_preview1")...)
		imp = append(imp, name(f.name)...)
		imp = append(imp, 0, f.typ)
		exp = append(exp, name(f.name)...)
		exp = append(exp, 0, byte(i))
	}
	m = append(m, sec(wasmbin.SecImport, append([]byte{3}, imp...)...)...)
	m = append(m, sec(wasmbin.SecExport, append([]byte{3}, exp...)...)...)
	mod, err := rt.rt.InstantiateWithConfig(ctx, m, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close(ctx)
	for _, c := range []struct {
		fn   string
		args []uint64
		want uint64
	}{
		{"fd_close", []uint64{1}, errnoNotsup},
		{"fd_close", []uint64{0}, errnoNotsup},
		{"fd_close", []uint64{3}, errnoBadf},
		{"fd_renumber", []uint64{2, 1}, errnoNotsup},
		{"fd_renumber", []uint64{9, 1}, errnoBadf},
		{"fd_fdstat_set_flags", []uint64{0, 4}, errnoNotsup},
	} {
		res, err := mod.ExportedFunction(c.fn).Call(ctx, c.args...)
		if err != nil || res[0] != c.want {
			t.Errorf("%s%v = %v, %v; want %d", c.fn, c.args, res, err, c.want)
		}
	}
}
