// Package qjswasm embeds the pinned QuickJS wasm build (Fabrice Bellard's
// QuickJS, compiled by quickjs-emscripten, then optimized by binaryen's
// wasm-opt) and the map of its minified import and export names, both
// produced by `go generate` (see gen/gen.mjs). Nothing here is written by
// hand.
package qjswasm

//go:generate node gen/gen.mjs

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// PinnedSHA256 is the sha256 of emscripten-module.wasm from
// @jitl/quickjs-wasmfile-release-sync@0.32.0. gen.mjs refuses any other
// build; change it only together with a reviewed upgrade.
const PinnedSHA256 = "105c3bed22d457e43e3d1c3c1c6959fda62a8fe06f0fc8a985303c3a2be72232"

// BuildSHA256 is the sha256 of emscripten-module.wasm here: the npm build
// after wasm-opt (gen.mjs's wasmOptFlags, binaryen as pinned in
// gen/package.json). gen.mjs refuses another output; change it only
// together with a measured change of the flags or of binaryen.
const BuildSHA256 = "e99b0b71f79061d011871425b6eaff2af7a419ca88378a0f78708e57f42b0682"

// Wasm is the QuickJS module: the npm build (PinnedSHA256) after wasm-opt
// (BuildSHA256).
//
//go:embed emscripten-module.wasm
var Wasm []byte

//go:embed names.json
var namesJSON []byte

// Names maps the build's minified names to the names of the C and
// emscripten sources.
type Names struct {
	Package string `json:"package"`
	Version string `json:"version"`
	// NPMWasmSHA256 is the npm build's sha256, WasmOpt the wasm-opt flags
	// it went through, and WasmSHA256 the result's, the embedded Wasm's.
	NPMWasmSHA256 string `json:"npm_wasm_sha256"`
	WasmOpt       string `json:"wasm_opt"`
	WasmSHA256    string `json:"wasm_sha256"`
	Memory        struct {
		Module       string `json:"module"`
		Name         string `json:"name"`
		InitialBytes uint64 `json:"initial_bytes"`
	} `json:"memory"`
	// Imports maps a minified import name (all in Memory.Module) to its
	// source name, e.g. "i" -> "qts_host_interrupt_handler".
	Imports map[string]string `json:"imports"`
	// Exports maps a source name to the minified export name, e.g.
	// "QTS_Eval" -> "qa".
	Exports map[string]string `json:"exports"`
}

// LoadNames parses the embedded names.json.
func LoadNames() (*Names, error) {
	var n Names
	if err := json.Unmarshal(namesJSON, &n); err != nil {
		return nil, fmt.Errorf("qjswasm: names.json: %w (rerun go generate ./pages/...)", err)
	}
	return &n, nil
}
