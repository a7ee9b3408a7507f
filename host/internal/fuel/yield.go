// The host side: the sandkit_fuel.yield function an instrumented module
// imports.

package fuel

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// ErrDeadline is the value yield panics with (wrapped together with the
// context's error) when the context of the guest call is done. wazero turns
// the panic into an error returned from the guest call, so
// errors.Is(err, ErrDeadline) tells a deadline stop from a guest trap. The
// instance was interrupted at an arbitrary point: discard it.
var ErrDeadline = errors.New("fuel: guest call stopped at its deadline")

// Register instantiates the host module sandkit_fuel on r, whose yield
// function an instrumented module calls each time its fuel runs out. yield
// checks the context passed to the guest call (api.Function.Call): once it
// is done, yield panics with ErrDeadline; otherwise it returns DefaultBudget
// as the next ration of fuel, after offering the CPU to the context's
// Preempter, if it has one.
//
// Register once per runtime, before instantiating instrumented modules.
func Register(ctx context.Context, r wazero.Runtime) error {
	_, err := r.NewHostModuleBuilder(ImportModule).
		NewFunctionBuilder().
		WithGoFunction(api.GoFunc(yield), nil, []api.ValueType{api.ValueTypeI32}).
		WithName(ImportName).
		Export(ImportName).
		Instantiate(ctx)
	if err != nil {
		return fmt.Errorf("fuel: register %s: %w", ImportModule, err)
	}
	return nil
}

// Preempter is what the context of a guest call may carry, as the value of
// PreemptKey{}, to share the CPU: yield calls Preempt each time the guest's
// fuel runs out, after checking the deadline. Preempt may block (to let
// other calls run first); an error it returns stops the call as a deadline
// does.
type Preempter interface {
	Preempt(ctx context.Context) error
}

// PreemptKey is the context key whose value, if a Preempter, yield calls.
type PreemptKey struct{}

// yield is an ordinary Go function, so calling it also lets the Go scheduler
// preempt the goroutine and lets a pending garbage collection stop the world:
// a guest spinning in wasm code offers neither.
func yield(ctx context.Context, stack []uint64) {
	if err := ctx.Err(); err != nil {
		panic(fmt.Errorf("%w: %w", ErrDeadline, err))
	}
	if p, ok := ctx.Value(PreemptKey{}).(Preempter); ok {
		if err := p.Preempt(ctx); err != nil {
			panic(fmt.Errorf("%w: %w", ErrDeadline, err))
		}
	}
	stack[0] = api.EncodeI32(DefaultBudget)
}
