package cguest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

const (
	sdk    = "../../../guest-sdk/c/sandkit.c"
	guests = "../../testdata/guests"
	hello  = "../../../examples/hello-c"
)

// module is one checked-in wasm file and how it is built; the list mirrors
// host/testdata/guests/build.sh and examples/hello-c/build.sh.
type module struct {
	wasm    string
	srcs    []string
	reactor bool
	defines []string
	exports []string // functions it must export
	absent  []string // functions it must not export
}

func fixture(name, src string, defines ...string) module {
	return module{
		wasm: filepath.Join(guests, name+".wasm"), reactor: true, defines: defines,
		srcs:    []string{sdk, filepath.Join(guests, src+".c")},
		exports: []string{"_initialize", "sandkit_abi_version", "sandkit_alloc", "sandkit_handle"},
		absent:  []string{"_start"},
	}
}

func modules() []module {
	ms := []module{
		{
			wasm: filepath.Join(hello, "routes/c/handler.wasm"), reactor: true,
			srcs:    []string{sdk, filepath.Join(hello, "routes/c/handler.c")},
			exports: []string{"_initialize", "sandkit_abi_version", "sandkit_alloc", "sandkit_handle"},
			absent:  []string{"_start"},
		},
		fixture("ok", "ok"),
		fixture("ok_v1", "ok", "VERSION=1"),
		fixture("ok_v2", "ok", "VERSION=2"),
	}
	for _, g := range []string{"trap", "spin", "membomb", "badptr", "huge", "headers", "send", "env", "log", "body", "work"} {
		ms = append(ms, fixture(g, g))
	}
	return append(ms,
		module{
			wasm: filepath.Join(guests, "badversion.wasm"), reactor: true,
			srcs:    []string{filepath.Join(guests, "badversion.c")},
			exports: []string{"sandkit_abi_version", "sandkit_handle"},
			absent:  []string{"_start"},
		},
		module{
			wasm: filepath.Join(guests, "noexports.wasm"), reactor: true,
			srcs:    []string{filepath.Join(guests, "noexports.c")},
			exports: []string{"_initialize", "add"},
			absent:  []string{"_start", "sandkit_handle", "sandkit_abi_version", "sandkit_alloc"},
		},
		module{
			wasm:    filepath.Join(guests, "cgi.wasm"),
			srcs:    []string{filepath.Join(guests, "cgi.c")},
			exports: []string{"_start"},
			absent:  []string{"sandkit_handle", "_initialize"},
		},
	)
}

// TestReproducible rebuilds every checked-in C module and compares bytes.
func TestReproducible(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed:", err)
	}
	tmp := t.TempDir()
	for _, m := range modules() {
		name := filepath.Base(m.wasm)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(tmp, name)
			if err := BuildDefines(context.Background(), m.srcs, out, m.reactor, m.defines...); err != nil {
				t.Fatal(err)
			}
			expectSameFile(t, out, m.wasm)
		})
	}
}

func expectSameFile(t *testing.T, built, checkedIn string) {
	t.Helper()
	got, err := os.ReadFile(built)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(checkedIn)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from a rebuild (%d vs %d bytes): run its build.sh and review the diff, or check `clang --version` (built with Debian clang 14.0.6)",
			checkedIn, len(want), len(got))
	}
}

// TestShape checks each module's kind and imports as spec/abi.md §1 and §2
// describe them, without clang.
func TestShape(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	for _, m := range modules() {
		t.Run(filepath.Base(m.wasm), func(t *testing.T) {
			bin, err := os.ReadFile(m.wasm)
			if err != nil {
				t.Fatal(err)
			}
			cm, err := rt.CompileModule(ctx, bin)
			if err != nil {
				t.Fatal(err)
			}
			defer cm.Close(ctx)
			exp := cm.ExportedFunctions()
			for _, name := range m.exports {
				if _, ok := exp[name]; !ok {
					t.Errorf("export %q missing", name)
				}
			}
			for _, name := range m.absent {
				if _, ok := exp[name]; ok {
					t.Errorf("export %q present, want absent", name)
				}
			}
			if _, ok := cm.ExportedMemories()["memory"]; !ok {
				t.Error(`memory not exported as "memory"`)
			}
			for _, f := range cm.ImportedFunctions() {
				mod, name, _ := f.Import()
				if mod != "sandkit" && mod != "wasi_snapshot_preview1" {
					t.Errorf("import %s.%s from a module the host refuses", mod, name)
				}
			}
		})
	}
}

// TestListed fails when a source or module in testdata/guests is missing
// from modules() (and so from the reproducibility check).
func TestListed(t *testing.T) {
	listed := map[string]bool{}
	for _, m := range modules() {
		listed[filepath.Base(m.wasm)] = true
		for _, s := range m.srcs {
			listed[filepath.Base(s)] = true
		}
	}
	for _, pat := range []string{"*.c", "*.wasm"} {
		files, err := filepath.Glob(filepath.Join(guests, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if !listed[filepath.Base(f)] {
				t.Errorf("%s is not built by modules(); add it there and to build.sh", f)
			}
		}
	}
}

func TestSteps(t *testing.T) {
	for _, tt := range []struct {
		srcs    []string
		reactor bool
		defines []string
		want    []string
	}{
		{[]string{"sdk/sandkit.c", "r/h.c"}, true, nil, []string{
			"-Isdk -Ir -c -o o/0-sandkit.o sdk/sandkit.c",
			"-Isdk -Ir -c -o o/1-h.o r/h.c",
			"-mexec-model=reactor -o out.wasm o/0-sandkit.o o/1-h.o"}},
		{[]string{"a/x.c", "a/y.c"}, true, []string{"VERSION=2"}, []string{
			"-Ia -DVERSION=2 -c -o o/0-x.o a/x.c",
			"-Ia -DVERSION=2 -c -o o/1-y.o a/y.c",
			"-mexec-model=reactor -o out.wasm o/0-x.o o/1-y.o"}},
		{[]string{"cgi.c"}, false, nil, []string{
			"-I. -c -o o/0-cgi.o cgi.c",
			"-o out.wasm o/0-cgi.o"}},
	} {
		steps := Steps(tt.srcs, "out.wasm", "o", tt.reactor, tt.defines...)
		if len(steps) != len(tt.want) {
			t.Fatalf("Steps(%q) = %d steps, want %d: %q", tt.srcs, len(steps), len(tt.want), steps)
		}
		for i, got := range steps {
			flags := compileFlags
			if i == len(steps)-1 {
				flags = linkFlags
			}
			if !slices.Equal(got[:len(flags)], flags) {
				t.Errorf("Steps(%q)[%d] does not start with %q: %q", tt.srcs, i, flags, got)
				continue
			}
			if s := strings.Join(got[len(flags):], " "); s != tt.want[i] {
				t.Errorf("Steps(%q, %v, %q)[%d]\n got %s\nwant %s", tt.srcs, tt.reactor, tt.defines, i, s, tt.want[i])
			}
		}
	}
}

// TestNoWasmOpt puts a wasm-opt that fails on PATH: clang runs the first
// wasm-opt it finds (in its own directory, then on PATH) when the link step
// has an -O level, which would make the bytes depend on whether binaryen is
// installed. The build must neither fail nor change.
func TestNoWasmOpt(t *testing.T) {
	if _, err := exec.LookPath("clang"); err != nil {
		t.Skip("clang not installed:", err)
	}
	bin := t.TempDir()
	fake := "#!/bin/sh\necho wasm-opt was called >&2\nexit 3\n"
	if err := os.WriteFile(filepath.Join(bin, "wasm-opt"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	m := modules()[0]
	out := filepath.Join(t.TempDir(), filepath.Base(m.wasm))
	if err := BuildDefines(context.Background(), m.srcs, out, m.reactor, m.defines...); err != nil {
		t.Fatal(err)
	}
	expectSameFile(t, out, m.wasm)
}
