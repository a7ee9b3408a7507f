package host

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
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

// TestResetRestoresState serves requests under isolation = "request" with a
// C guest and checks, byte for byte, that the instance put back in the pool
// has the restore point's memory and globals.
func TestResetRestoresState(t *testing.T) {
	dir := t.TempDir()
	wasm, err := os.ReadFile(filepath.Join("testdata", "guests", "body.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "routes", "echo"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "routes", "echo", "handler.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("isolation = \"request\"\n"), 0o644)
	ctx := context.Background()
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	app, err := OpenApp(ctx, e, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	m := app.current.Load().modules["routes/echo/handler.wasm"]
	if m == nil || m.iso == nil || m.iso.point == nil {
		t.Fatalf("module %+v: not under request isolation with a restore point", m)
	}
	p := m.iso.point
	for i := range 5 {
		body := strings.Repeat("request body that the guest copies into its memory ", 50*(i+1))
		w := httptest.NewRecorder()
		app.ServeHTTP(w, httptest.NewRequest("POST", "/echo", strings.NewReader(body)))
		if w.Code != 200 {
			t.Fatalf("request %d: %d %s", i, w.Code, w.Body)
		}
		m.pool.mu.Lock()
		idle := slices.Clone(m.pool.idle)
		m.pool.mu.Unlock()
		if len(idle) != 1 {
			t.Fatalf("request %d: %d idle instances, want the one reset", i, len(idle))
		}
		mem := idle[0].mod.Memory()
		got, _ := mem.Read(0, mem.Size())
		if !bytes.Equal(got, p.img.View()) {
			t.Fatalf("request %d: the reset instance's memory differs from the restore point", i)
		}
		for j, name := range m.iso.globals {
			if v := idle[0].mod.ExportedGlobal(name).Get(); v != p.values[j] {
				t.Fatalf("request %d: global %s = %d, restore point %d", i, name, v, p.values[j])
			}
		}
	}
}
