// Package qjswasm embeds the pinned QuickJS wasm build (Fabrice Bellard's
// QuickJS, compiled by quickjs-emscripten) and the map of its
// minified import and export names, both produced by `go generate` (see
// gen/gen.mjs). Nothing here is written by hand.
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

// Wasm is the QuickJS module as published on npm.
//
//go:embed emscripten-module.wasm
var Wasm []byte

//go:embed names.json
var namesJSON []byte

// Names maps the build's minified names to the names of the C and
// emscripten sources.
type Names struct {
	Package    string `json:"package"`
	Version    string `json:"version"`
	WasmSHA256 string `json:"wasm_sha256"`
	Memory     struct {
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
