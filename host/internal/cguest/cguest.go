// Package cguest builds C route handlers (and the C test fixtures) into
// WebAssembly with Debian's clang, wasm-ld and wasi-libc, without a shell.
//
// The command line is the one documented in guest-sdk/c/README.md, and the
// build.sh scripts next to the C sources run the same one, so the wasm files
// checked in can be verified by rebuilding them:
//
//	err := cguest.Build(ctx, []string{"guest-sdk/c/sandkit.c", "routes/c/handler.c"},
//		"routes/c/handler.wasm", true)
//
// The output carries no debug information and no file paths, so the same
// sources and compiler give the same bytes wherever they are built.
package cguest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// flags are the compiler flags every build uses, before the per-build ones.
var flags = []string{"--target=wasm32-wasi", "-std=c11", "-O2", "-Wall", "-Wl,--strip-debug"}

// Args returns clang's arguments for compiling srcs into out. A reactor
// (-mexec-model=reactor) exports _initialize and whatever the sources mark
// with export_name; otherwise the module is a WASI command with _start. Each
// source's directory is on the include path, in order, so listing
// guest-sdk/c/sandkit.c makes sandkit.h visible. defines are passed as -D.
func Args(srcs []string, out string, reactor bool, defines ...string) []string {
	args := append([]string(nil), flags...)
	if reactor {
		args = append(args, "-mexec-model=reactor")
	}
	seen := map[string]bool{}
	for _, s := range srcs {
		if d := filepath.Dir(s); !seen[d] {
			seen[d] = true
			args = append(args, "-I"+d)
		}
	}
	for _, d := range defines {
		args = append(args, "-D"+d)
	}
	args = append(args, "-o", out)
	return append(args, srcs...)
}

// Build compiles and links srcs into the wasm module out (see Args).
func Build(ctx context.Context, srcs []string, out string, reactor bool) error {
	return BuildDefines(ctx, srcs, out, reactor)
}

// BuildDefines is Build with preprocessor definitions ("VERSION=2").
func BuildDefines(ctx context.Context, srcs []string, out string, reactor bool, defines ...string) error {
	if len(srcs) == 0 {
		return fmt.Errorf("cguest: build %s: no sources", out)
	}
	clang, err := exec.LookPath("clang")
	if err != nil {
		return fmt.Errorf("cguest: build %s: %w (install clang, lld, wasi-libc and libclang-rt-14-dev-wasm32)", out, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("cguest: build %s: %w", out, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, clang, Args(srcs, out, reactor, defines...)...)
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("cguest: build %s from %s: %w\n%s", out, strings.Join(srcs, " "), err, stderr.Bytes())
	}
	return nil
}
