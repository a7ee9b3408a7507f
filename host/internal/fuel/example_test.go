package fuel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/tetratelabs/wazero"

	"sandkit.dev/sandkit/host/internal/fuel"
)

// spinWasm is a module whose export "spin" loops forever:
//
//	(module (func (export "spin") (loop (br 0))))
var spinWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
	0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
	0x07, 0x08, 0x01, 0x04, 's', 'p', 'i', 'n', 0x00, 0x00, // export "spin"
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b, // loop br 0 end
}

// A spinning guest on a plain runtime (no WithCloseOnContextDone) is
// stopped at the deadline of its call.
func Example() {
	ctx := context.Background()

	wasm, err := fuel.Instrument(spinWasm)
	if err != nil {
		log.Fatal(err)
	}

	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	if err := fuel.Register(ctx, r); err != nil {
		log.Fatal(err)
	}
	mod, err := r.Instantiate(ctx, wasm)
	if err != nil {
		log.Fatal(err)
	}

	callCtx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = mod.ExportedFunction("spin").Call(callCtx)
	fmt.Println("stopped at the deadline:", errors.Is(err, fuel.ErrDeadline))
	// Output:
	// stopped at the deadline: true
}
