package qjswasm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPinned: the embedded wasm is the pinned build and names.json was
// derived from it.
func TestPinned(t *testing.T) {
	sum := sha256.Sum256(Wasm)
	got := hex.EncodeToString(sum[:])
	if got != BuildSHA256 {
		t.Errorf("embedded wasm sha256 %s, want %s (BuildSHA256)", got, BuildSHA256)
	}
	n, err := LoadNames()
	if err != nil {
		t.Fatal(err)
	}
	if n.WasmSHA256 != BuildSHA256 || n.NPMWasmSHA256 != PinnedSHA256 || n.WasmOpt == "" {
		t.Errorf("names.json is for wasm %s made from %s by wasm-opt %q, want %s from %s (rerun go generate ./pages/...)",
			n.WasmSHA256, n.NPMWasmSHA256, n.WasmOpt, BuildSHA256, PinnedSHA256)
	}
	if len(n.Imports) != 19 || n.Memory.Name == "" || len(n.Exports) < 70 {
		t.Errorf("names.json: %d function imports, memory %q, %d exports", len(n.Imports), n.Memory.Name, len(n.Exports))
	}
}

// TestGenerateReproducible reruns the generator (npm ci of the pinned
// package; Node and the npm registry are required) and wants the files
// checked in, byte for byte.
func TestGenerateReproducible(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("node", filepath.Join("gen", "gen.mjs"))
	cmd.Env = append(os.Environ(), "QJSWASM_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node gen/gen.mjs: %v\n%s", err, b)
	}
	for _, f := range []string{"emscripten-module.wasm", "names.json", "LICENSE", "ffi.d.ts"} {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: regenerated file differs from the one checked in", f)
		}
	}
}
