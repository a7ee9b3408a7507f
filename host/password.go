// Password host functions: password_hash, password_verify and
// password_params (spec/abi.md §5, "Passwords"). The host hashes natively
// (internal/password), a few at a time host-wide, each within the calling
// tenant's CPU share.

package host

import (
	"context"
	"errors"
	"runtime"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"golang.org/x/sync/semaphore"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/password"
)

// hashSlots bounds the password hashes running at once in the process, one
// per CPU (GOMAXPROCS); a verification of an argon2id hash with p lanes
// takes p of them. Each hash uses at most password.MaxMemoryKiB per slot
// (64 MiB; new hashes 19 MiB), so hashing never holds more than
// GOMAXPROCS × 64 MiB, whatever the guests ask.
var hashSlots = newHashGate(runtime.GOMAXPROCS(0))

// hashGate is the host-wide bound on concurrent hashes.
type hashGate struct {
	sem  *semaphore.Weighted
	size int64
}

func newHashGate(n int) *hashGate {
	return &hashGate{sem: semaphore.NewWeighted(int64(n)), size: int64(n)}
}

// run runs f, a hash of lanes goroutines, for the request c: it gives
// back the call's CPU slot while it waits for the gate (like a database
// statement), then takes a slot of the tenant's share (scheduler.go) for
// the hash itself, which is the tenant's CPU time. Either wait ends with
// ctx, the request's deadline; the hash itself cannot be stopped, which is
// why its cost is bounded (internal/password's bounds).
func (g *hashGate) run(ctx context.Context, c *call, lanes int, f func()) error {
	w := min(int64(lanes), g.size)
	held := c.run.Suspend()
	if err := g.sem.Acquire(ctx, w); err != nil {
		c.run.Resume(ctx, held)
		return err
	}
	defer g.sem.Release(w)
	if err := c.run.Acquire(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f()
	// The hash's memory (19 MiB or more) is garbage now: have it returned
	// to the OS off the request path (reclaim.go), as after a large result,
	// rather than kept by the heap until a later GC.
	reclaimMemory()
	return nil
}

// passwordFuncs are the password imports.
type passwordFuncs struct{}

// register adds the password imports to the host module being built.
func (h passwordFuncs) register(b wazero.HostModuleBuilder) {
	fn := func(name string, f api.GoModuleFunc, params []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(f, params, []api.ValueType{i32}).Export(name)
	}
	fn(abi.ImportPasswordHash, h.hash, []api.ValueType{i32, i32})
	fn(abi.ImportPasswordVerify, h.verify, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportPasswordParams, h.params, nil)
}

// passwordCall is what both hashing imports start with: the request's
// call and a copy of the password (the guest's memory is not read after
// the waits, and nothing of it may be held once the call returns; the
// caller clears it), or the error code to answer.
func passwordCall(ctx context.Context, mod api.Module, ptr, n uint64, what string) (*call, []byte, int32) {
	pw := guestBytes(mod, ptr, n, what)
	c := callFrom(ctx)
	switch {
	case c == nil:
		return nil, nil, abi.ErrState
	case len(pw) > abi.MaxPassword:
		return nil, nil, abi.ErrTooLarge
	}
	return c, append([]byte(nil), pw...), abi.OK
}

func (h passwordFuncs) hash(ctx context.Context, mod api.Module, stack []uint64) {
	c, pw, code := passwordCall(ctx, mod, stack[0], stack[1], abi.ImportPasswordHash)
	if code != abi.OK {
		ret(stack, code)
		return
	}
	defer clear(pw)
	var phc string
	var herr error
	if err := hashSlots.run(ctx, c, int(password.Default.Lanes), func() { phc, herr = password.New(pw) }); err != nil || herr != nil {
		ret(stack, abi.ErrUnexpected)
		return
	}
	c.slot = append(c.slot[:0], phc...)
	ret(stack, int32(len(phc)))
}

func (h passwordFuncs) verify(ctx context.Context, mod api.Module, stack []uint64) {
	enc := guestBytes(mod, stack[0], stack[1], abi.ImportPasswordVerify)
	c, pw, code := passwordCall(ctx, mod, stack[2], stack[3], abi.ImportPasswordVerify)
	if code != abi.OK {
		ret(stack, code)
		return
	}
	defer clear(pw)
	hash, err := password.Parse(string(enc))
	switch {
	case errors.Is(err, password.ErrOverLimit):
		ret(stack, abi.ErrTooLarge)
		return
	case err != nil:
		ret(stack, abi.ErrBadInput)
		return
	}
	var ok bool
	if err := hashSlots.run(ctx, c, hash.Lanes(), func() { ok = hash.Verify(pw) }); err != nil {
		ret(stack, abi.ErrUnexpected)
		return
	}
	if ok {
		ret(stack, 1)
	} else {
		ret(stack, 0)
	}
}

func (h passwordFuncs) params(ctx context.Context, mod api.Module, stack []uint64) {
	c := callFrom(ctx)
	if c == nil {
		ret(stack, abi.ErrState)
		return
	}
	p := password.Prefix()
	c.slot = append(c.slot[:0], p...)
	ret(stack, int32(len(p)))
}
