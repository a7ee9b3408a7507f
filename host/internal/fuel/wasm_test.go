// Helpers that hand-assemble small wasm modules for the tests.

package fuel

import (
	"bytes"
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"sandkit.dev/sandkit/internal/wasmbin"
)

// Value types and a few opcodes the test modules use by number.
const (
	i32     = 0x7f
	i64     = 0x7e
	funcref = 0x70
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u32(v uint32) []byte { return wasmbin.AppendU32(nil, v, 0) }

func s32(v int32) []byte { return wasmbin.AppendS32(nil, v) }

func str(s string) []byte { return cat(u32(uint32(len(s))), []byte(s)) }

// vec is a vector: its count, then the items.
func vec(items ...[]byte) []byte { return cat(u32(uint32(len(items))), cat(items...)) }

func sec(id byte, payload ...[]byte) []byte {
	p := cat(payload...)
	return cat([]byte{id}, u32(uint32(len(p))), p)
}

func module(sections ...[]byte) []byte {
	return cat([]byte("\x00asm\x01\x00\x00\x00"), cat(sections...))
}

func functype(params, results []byte) []byte {
	return cat([]byte{0x60}, vec(split(params)...), vec(split(results)...))
}

func split(b []byte) [][]byte {
	var out [][]byte
	for i := range b {
		out = append(out, b[i:i+1])
	}
	return out
}

// body is a code-section entry with no locals; code must end with 0x0b.
func body(code ...[]byte) []byte {
	b := cat(vec(), cat(code...))
	return cat(u32(uint32(len(b))), b)
}

func op(b ...byte) []byte { return b }

// testRuntime is a runtime with every feature the hand-assembled modules use
// and sandkit_fuel registered; base is env.base: () -> i32 returning 100.
func testRuntime(t testing.TB) wazero.Runtime {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2|experimental.CoreFeaturesTailCall))
	t.Cleanup(func() { r.Close(ctx) })
	if err := Register(ctx, r); err != nil {
		t.Fatal(err)
	}
	_, err := r.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func() int32 { return 100 }).Export("base").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// instantiate compiles and instantiates wasm on r under a fresh name.
func instantiate(t testing.TB, r wazero.Runtime, wasm []byte) api.Module {
	t.Helper()
	ctx := context.Background()
	m, err := r.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(""))
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	return m
}

// call calls an export that returns one value, failing the test on error.
func call(t testing.TB, m api.Module, name string, args ...uint64) uint64 {
	t.Helper()
	res, err := m.ExportedFunction(name).Call(context.Background(), args...)
	if err != nil {
		t.Fatalf("%s%v: %v", name, args, err)
	}
	if len(res) != 1 {
		return 0
	}
	return res[0]
}

// spinModule is the smallest hostile guest: an export that loops forever.
// It has a type section but no () -> i32 type, no imports and no globals.
func spinModule() []byte {
	return module(
		sec(wasmbin.SecType, vec(functype(nil, nil))),
		sec(wasmbin.SecFunction, vec(u32(0))),
		sec(wasmbin.SecExport, vec(cat(str("spin"), op(0), u32(0)))),
		sec(wasmbin.SecCode, vec(body(op(opLoop, blockTypeEmpty, 0x0c, 0, opEnd, opEnd)))),
	)
}

func i32x4(a, b, c, d uint32) []byte {
	var p []byte
	for _, v := range []uint32{a, b, c, d} {
		p = append(p, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
	return p
}

// simdModule exercises the prefixed and post-MVP opcodes the walker must
// skip correctly: SIMD (constants, shuffles, lanes, memargs), saturating
// truncation, bulk memory, sign extension, typed select, br_table, a
// multi-value block and 64-bit and float constants. Its export "simd"
// returns -35.
func simdModule() []byte {
	var lanes0, lanes1, shuffle []byte
	for i := byte(0); i < 16; i++ {
		lanes0 = append(lanes0, i)
		lanes1 = append(lanes1, 16+i)
		shuffle = append(shuffle, 31-i)
	}
	code := cat(
		op(0xfd, 12), i32x4(1, 2, 3, 4),
		op(0xfd, 12), i32x4(10, 20, 30, 40),
		op(0xfd, 0xae, 0x01), // i32x4.add
		op(0xfd, 0x1b, 2),    // i32x4.extract_lane 2 -> 33
		op(opI32Const, 0), op(0xfd, 12), i32x4(5, 6, 7, 8),
		op(0xfd, 0x0b, 4, 0), // v128.store
		op(opI32Const, 0), op(0xfd, 12), i32x4(0, 0, 0, 0),
		op(0xfd, 0x56, 2, 4, 0),                   // v128.load32_lane offset=4 lane 0
		op(0xfd, 0x1b, 0),                         // -> 6
		op(0x6a),                                  // 39
		op(opI32Const, 0x80, 0x01, 0xc0, 0x6a),    // 128, i32.extend8_s -> -128: -89
		op(0x43, 0, 0, 0x20, 0x40, 0xfc, 0, 0x6a), // f32 2.5, trunc_sat -> 2: -87
		op(opI32Const, 16, opI32Const, 7, opI32Const, 4, 0xfc, 11, 0),                      // memory.fill
		op(opI32Const, 32, opI32Const, 16, opI32Const, 4, 0xfc, 10, 0, 0),                  // memory.copy
		op(opI32Const, 34, 0x2d, 0, 0, 0x6a),                                               // i32.load8_u -> 7: -80
		op(opI32Const, 1, opI32Const, 2, opI32Const, 0, opSelectT, 1, i32, 0x6a),           // 2: -78
		op(opBlock, i32, opI32Const, 5, opI32Const, 1, opBrTable, 2, 0, 0, 0, opEnd, 0x6a), // 5: -73
		op(opBlock, 1, opI32Const, 3, opI32Const, 4, opEnd, 0x6a, 0x6a),                    // 7: -66
		op(0x42, 0x7f, 0xa7, 0x6a),                                                         // i64 -1 wrapped: -67
		op(0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0xfc, 3, 0x6a),                              // f64 1.0 trunc_sat_u: -66
		op(0xfd, 12), lanes0, op(0xfd, 12), lanes1,
		op(0xfd, 13), shuffle, // i8x16.shuffle: lane 0 = 31
		op(0xfd, 0x16, 0, 0x6a), // i8x16.extract_lane_u 0: -35
		op(opEnd),
	)
	return module(
		sec(wasmbin.SecType, vec(functype(nil, op(i32)), functype(nil, op(i32, i32)))),
		sec(wasmbin.SecFunction, vec(u32(0))),
		sec(wasmbin.SecMemory, vec(op(0, 1))),
		sec(wasmbin.SecExport, vec(cat(str("simd"), op(0), u32(0)))),
		sec(wasmbin.SecCode, vec(body(code))),
	)
}
