package pages

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"sandkit.dev/sandkit/pages/internal/qjswasm"
)

// TestExportSignaturesFollowFFI: the package's ffi.d.ts is the truth for
// the QTS_ functions; every one sandkit calls takes as many arguments as it
// declares (each a wasm i32 unless a number that ffi.d.ts makes a double).
func TestExportSignaturesFollowFFI(t *testing.T) {
	src, err := os.ReadFile("internal/qjswasm/ffi.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^\s+(QTS_\w+): \((.*)\) => (.*);$`)
	found := map[string][2]string{}
	for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
		found[m[1]] = [2]string{m[2], m[3]}
	}
	for name, s := range exportSignatures {
		if !strings.HasPrefix(name, "QTS_") {
			continue
		}
		d, ok := found[name]
		if !ok {
			t.Errorf("%s is not declared in ffi.d.ts", name)
			continue
		}
		params := 0
		if strings.TrimSpace(d[0]) != "" {
			params = len(strings.Split(d[0], ","))
		}
		if params != len(s.params) {
			t.Errorf("%s: ffi.d.ts declares %d parameters (%s), sandkit passes %d", name, params, d[0], len(s.params))
		}
		if results := map[bool]int{true: 0, false: 1}[d[1] == "void"]; results != len(s.results) {
			t.Errorf("%s: ffi.d.ts returns %s, sandkit expects %d results", name, d[1], len(s.results))
		}
	}
}

// TestSignatureMismatchIsClear: a name map that points at the wrong
// functions is refused with a message naming each function and both types.
func TestSignatureMismatchIsClear(t *testing.T) {
	ctx := context.Background()
	names, err := qjswasm.LoadNames()
	if err != nil {
		t.Fatal(err)
	}
	wasm, _, err := rewriteModule(qjswasm.Wasm, names.Memory.Module, names.Memory.Name)
	if err != nil {
		t.Fatal(err)
	}
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSignatures(compiled.ImportedFunctions(), compiled.ExportedFunctions(), names.Memory.Module, names.Imports, names.Exports); err != nil {
		t.Fatalf("the real map: %v", err)
	}
	imports := map[string]string{}
	for k, v := range names.Imports {
		imports[k] = v
	}
	exports := map[string]string{}
	for k, v := range names.Exports {
		exports[k] = v
	}
	// Swap two imports and two exports.
	var fdWrite, interrupt string
	for k, v := range imports {
		switch v {
		case "fd_write":
			fdWrite = k
		case "qts_host_interrupt_handler":
			interrupt = k
		}
	}
	imports[fdWrite], imports[interrupt] = "qts_host_interrupt_handler", "fd_write"
	exports["QTS_Eval"], exports["QTS_NewRuntime"] = exports["QTS_NewRuntime"], exports["QTS_Eval"]
	err = checkSignatures(compiled.ImportedFunctions(), compiled.ExportedFunctions(), names.Memory.Module, imports, exports)
	if err == nil {
		t.Fatal("swapped names accepted")
	}
	for _, want := range []string{
		"import fd_write (a." + interrupt + ") has type (i32) -> (i32), sandkit implements (i32, i32, i32, i32) -> (i32)",
		"import qts_host_interrupt_handler (a." + fdWrite + ")",
		"export QTS_Eval",
		"export QTS_NewRuntime",
		"regenerated",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestRewriteKeepsModuleValid: the rewritten module defines its memory with
// the imported limits, exports its mutable globals, and imports no memory.
func TestRewriteKeepsModuleValid(t *testing.T) {
	names, _ := qjswasm.LoadNames()
	wasm, info, err := rewriteModule(qjswasm.Wasm, names.Memory.Module, names.Memory.Name)
	if err != nil {
		t.Fatal(err)
	}
	if info.memMin != 256 || !info.hasMax || info.memMax != 32768 {
		t.Errorf("memory limits %d..%d (max %v), want 256..32768", info.memMin, info.memMax, info.hasMax)
	}
	if len(info.mutableGlobals) == 0 || len(info.data) == 0 {
		t.Errorf("mutable globals %v, data segments %v", info.mutableGlobals, info.data)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	c, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ImportedMemories()) != 0 || len(c.ImportedFunctions()) != 19 {
		t.Errorf("%d memory imports, %d function imports", len(c.ImportedMemories()), len(c.ImportedFunctions()))
	}
	// Malformed input is an error, never a panic.
	for n := 0; n < len(qjswasm.Wasm); n += 9973 {
		_, _, _ = rewriteModule(qjswasm.Wasm[:n], names.Memory.Module, names.Memory.Name)
	}
	if _, _, err := rewriteModule(qjswasm.Wasm, "a", "nope"); err == nil {
		t.Error("rewrite without the named memory import succeeded")
	}
}
