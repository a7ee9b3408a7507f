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
		ctx := context.Background()
		r := wazero.NewRuntime(ctx)
		defer r.Close(ctx)
		if _, cerr := r.CompileModule(ctx, wasm); cerr != nil {
			return // invalid input: not panicking was all that mattered
		}
		if err != nil {
			if errors.Is(err, ErrInstrumented) {
				return
			}
			t.Fatalf("wazero compiles the module but Instrument refuses it: %v", err)
		}
		if _, err := r.CompileModule(ctx, out); err != nil {
			t.Fatalf("the instrumented module does not compile: %v", err)
		}
	})
}
