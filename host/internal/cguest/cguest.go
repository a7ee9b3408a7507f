// Package cguest builds C route handlers (and the C test fixtures) into
// WebAssembly with Debian's clang, wasm-ld and wasi-libc, without a shell.
//
// The command lines (compile each source, then link) are the ones documented
// in guest-sdk/c/README.md, and the build.sh scripts next to the C sources
// run the same ones, so the wasm files checked in can be verified by
// rebuilding them:
//
//	err := cguest.Build(ctx, []string{"guest-sdk/c/sandkit.c", "routes/c/handler.c"},
//		"routes/c/handler.wasm", true)
//
// The output carries no debug information and no file paths, and the link
// step never runs binaryen's wasm-opt, so the same sources and compiler give
// the same bytes wherever they are built.
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

// compileFlags are the flags every compile step uses, before the per-build
// ones; linkFlags those of the link step. The link step has no -O level on
// purpose: given one, clang runs binaryen's wasm-opt after wasm-ld whenever a
// wasm-opt is on PATH, so the bytes would depend on whether binaryen happens
// to be installed (clang 14 has no flag to turn that off).
var (
	compileFlags = []string{"--target=wasm32-wasi", "-std=c11", "-O2", "-Wall"}
	linkFlags    = []string{"--target=wasm32-wasi", "-Wl,--strip-debug"}
)

// Steps returns clang's command lines (arguments, without "clang") for
// building srcs into out: one compile step per source into objDir, then one
// link step. A reactor (-mexec-model=reactor) exports _initialize and
// whatever the sources mark with export_name; otherwise the module is a WASI
// command with _start. Each source's directory is on the include path, in
// order, so listing guest-sdk/c/sandkit.c makes sandkit.h visible. defines
// are passed as -D.
func Steps(srcs []string, out, objDir string, reactor bool, defines ...string) [][]string {
	var common []string
	seen := map[string]bool{}
	for _, s := range srcs {
		if d := filepath.Dir(s); !seen[d] {
			seen[d] = true
			common = append(common, "-I"+d)
		}
	}
	for _, d := range defines {
		common = append(common, "-D"+d)
	}
	link := append([]string(nil), linkFlags...)
	if reactor {
		link = append(link, "-mexec-model=reactor")
	}
	link = append(link, "-o", out)
	var steps [][]string
	for i, s := range srcs {
		obj := filepath.Join(objDir, fmt.Sprintf("%d-%s.o", i, strings.TrimSuffix(filepath.Base(s), ".c")))
		step := append(append([]string(nil), compileFlags...), common...)
		steps = append(steps, append(step, "-c", "-o", obj, s))
		link = append(link, obj)
	}
	return append(steps, link)
}

// Build compiles and links srcs into the wasm module out (see Steps).
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
	objDir, err := os.MkdirTemp("", "cguest-")
	if err != nil {
		return fmt.Errorf("cguest: build %s: %w", out, err)
	}
	defer os.RemoveAll(objDir)
	for _, args := range Steps(srcs, out, objDir, reactor, defines...) {
		var output bytes.Buffer
		cmd := exec.CommandContext(ctx, clang, args...)
		cmd.Stdout = &output
		cmd.Stderr = &output
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("cguest: build %s from %s: %w\n%s", out, strings.Join(srcs, " "), err, output.Bytes())
		}
	}
	return nil
}
