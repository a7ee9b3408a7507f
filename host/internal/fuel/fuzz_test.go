// Fuzzing Instrument, which reads untrusted bytes.

package fuel

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"testing"

	"github.com/tetratelabs/wazero"
)

// FuzzInstrument feeds Instrument arbitrary bytes, seeded with real modules.
// Whatever the input, it must not panic; a module it accepts must re-encode
// byte for byte without instrumentation; and when wazero compiles the input,
// Instrument must accept it and wazero must compile the output too.
//
// Inputs that declare a count of 2^21 or more anywhere are not handed to
// wazero: wazero v1.12's decoder allocates from declared counts before it
// checks them against the input (a type section declaring 2^32 parameters
// kills the process with a fatal out-of-memory error, an export count of
// 2^28 takes over a minute). Instrument itself refuses such counts, and
// maxLocals keeps the one it cannot check (locals) small.
//
//	go test -run '^$' -fuzz FuzzInstrument ./host/internal/fuel/
func FuzzInstrument(f *testing.F) {
	f.Add(spinModule())
	f.Add(fixupsModule())
	f.Add(simdModule())
	f.Add(oneFunc(0x03, 0x40, 0x02, 0x7f, 0x41, 0x01, 0x0b, 0x1a, 0x0b, 0x0b))
	f.Add(module())
	// The Go guest is a real module of the kind sandkit runs. Under -race
	// compiling it twice takes most of a minute, and TestGoGuest* compile
	// and run its instrumented build anyway.
	if _, err := exec.LookPath("go"); err == nil && !raceEnabled {
		f.Add(spinGuest(f))
	}
	f.Fuzz(func(t *testing.T, wasm []byte) {
		out, err := Instrument(wasm)
		if same, serr := rewrite(wasm, false); serr == nil && !bytes.Equal(same, wasm) {
			t.Fatal("a no-change rewrite altered the module")
		}
		var unsupported *unsupportedError
		if err != nil && !errors.As(err, &unsupported) || hugeCount(wasm) {
			return // malformed (or already instrumented): not panicking was all that mattered
		}
		ctx := context.Background()
		r := wazero.NewRuntime(ctx)
		defer r.Close(ctx)
		if _, cerr := r.CompileModule(ctx, wasm); cerr != nil {
			return // invalid input
		}
		if err != nil {
			t.Fatalf("wazero compiles the module but Instrument refuses it: %v", err)
		}
		if _, err := r.CompileModule(ctx, out); err != nil {
			t.Fatalf("the instrumented module does not compile: %v", err)
		}
	})
}

// hugeCount reports whether any byte of wasm starts a LEB128 of 4 or 5 bytes
// whose value is 2^21 or more: a declared count large enough for wazero's
// decoder to allocate gigabytes.
func hugeCount(wasm []byte) bool {
	for i := range wasm {
		var v uint64
		for j := 0; j < 5 && i+j < len(wasm); j++ {
			c := wasm[i+j]
			v |= uint64(c&0x7f) << (7 * j)
			if c&0x80 == 0 {
				if j >= 3 && v >= 1<<21 {
					return true
				}
				break
			}
		}
	}
	return false
}
