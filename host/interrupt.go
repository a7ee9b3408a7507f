// Interrupt: the one seam through which a running guest is stopped at its
// deadline. spec/RATIONALE.md says which scheme is in use and why.

package host

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"

	"sandkit.dev/sandkit/host/internal/fuel"
)

// interrupter is a way to stop guest code that runs past its context's
// deadline without letting it stall the Go scheduler or garbage collector.
type interrupter interface {
	// configure adjusts the runtime configuration.
	configure(wazero.RuntimeConfig) wazero.RuntimeConfig
	// prepare rewrites a module's bytes before it is compiled.
	prepare(wasm []byte) ([]byte, error)
	// register instantiates whatever host module prepared modules import.
	register(ctx context.Context, r wazero.Runtime) error
}

// Interrupt names a scheme for stopping a guest at its deadline.
type Interrupt string

const (
	// InterruptFuel rewrites each module before compiling so that it counts
	// down a fuel global at loop headers and function entries and calls
	// the host when it runs out; the host stops the call there once the
	// deadline has passed. The default: ~1.0–1.3x on loop-heavy code.
	InterruptFuel Interrupt = "fuel"
	// InterruptCloseOnDone uses wazero's WithCloseOnContextDone: compiled
	// code checks for a closed module at every loop head and function
	// entry. Simpler, but several times slower on loops and ~1 µs per call.
	InterruptCloseOnDone Interrupt = "close-on-done"
)

func (i Interrupt) interrupter() (interrupter, error) {
	switch i {
	case InterruptFuel:
		return fuelCounter{}, nil
	case InterruptCloseOnDone:
		return closeOnDone{}, nil
	}
	return nil, fmt.Errorf("unknown interrupt scheme %q (want %q or %q)", string(i), InterruptFuel, InterruptCloseOnDone)
}

// closeOnDone uses wazero's WithCloseOnContextDone: a cancelled context
// closes the module, and compiled code notices at its next check.
type closeOnDone struct{}

func (closeOnDone) configure(c wazero.RuntimeConfig) wazero.RuntimeConfig {
	return c.WithCloseOnContextDone(true)
}
func (closeOnDone) prepare(wasm []byte) ([]byte, error)            { return wasm, nil }
func (closeOnDone) register(context.Context, wazero.Runtime) error { return nil }

// fuelCounter uses host/internal/fuel. The rewrite also validates the
// module's structure with every declared count bounded by the bytes that
// remain, before wazero's decoder sees it.
type fuelCounter struct{}

func (fuelCounter) configure(c wazero.RuntimeConfig) wazero.RuntimeConfig { return c }

func (fuelCounter) prepare(wasm []byte) ([]byte, error) {
	out, err := fuel.Instrument(wasm)
	if err != nil {
		return nil, fmt.Errorf("not a valid module: %w", err)
	}
	return out, nil
}

func (fuelCounter) register(ctx context.Context, r wazero.Runtime) error {
	return fuel.Register(ctx, r)
}

// fuelImportModule is the import module the fuel counter's rewrite adds; a
// guest may not name it itself (Instrument refuses such a module).
const fuelImportModule = fuel.ImportModule
