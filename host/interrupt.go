// Interrupt: the one seam through which a running guest is stopped at its
// deadline. spec/RATIONALE.md says which scheme is in use and why.

package host

import (
	"context"

	"github.com/tetratelabs/wazero"
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

// closeOnDone uses wazero's WithCloseOnContextDone: compiled code checks for
// a closed module at every loop head and function entry, and a cancelled
// context closes the module.
type closeOnDone struct{}

func (closeOnDone) configure(c wazero.RuntimeConfig) wazero.RuntimeConfig {
	return c.WithCloseOnContextDone(true)
}
func (closeOnDone) prepare(wasm []byte) ([]byte, error)            { return wasm, nil }
func (closeOnDone) register(context.Context, wazero.Runtime) error { return nil }

// fuelImportModule is the import module the fuel counter's rewrite adds; a
// guest may name it, since the rewrite itself does.
const fuelImportModule = "sandkit_fuel"
