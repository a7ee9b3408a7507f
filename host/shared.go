// Shared runtimes: one wazero runtime per memory limit, holding the host
// modules (which keep no state of their own) and one compiled module per
// distinct module bytes, for every app of an Engine. Apps whose modules are
// identical (a thousand copies of one app) share the machine code; each
// instance still has its own memory, globals and tables, and its own
// request state, which host functions find through the call's context.

package host

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
)

// keepUnused is how many compiled modules no app uses any more an Engine
// keeps, so that an evicted app wakes without decoding, validating and
// instrumenting its module again (~120 ms for a 7 MB Go module). Each is
// shared by every app with the same bytes, so this bounds memory per
// distinct module, not per app: tens of MiB each for a Go module.
const keepUnused = 4

// sharedRuntime is the runtime every app with one memory limit runs in.
type sharedRuntime struct {
	rt      wazero.Runtime
	modules map[[sha256.Size]byte]*sharedModule // by the sha256 of the module's bytes, before instrumentation
}

// sharedModule is one compiled module and who uses it.
type sharedModule struct {
	key      [sha256.Size]byte
	rt       *sharedRuntime
	compiled wazero.CompiledModule
	ready    chan struct{} // closed once compiled (or failed)
	err      error
	users    int // Modules holding it
	live     int // instances not yet closed
	unused   uint64
}

// runtimeFor returns the shared runtime for the memory limit, making it.
// Callers hold e.sharedMu.
func (e *Engine) runtimeFor(ctx context.Context, memoryPages uint32) (*sharedRuntime, error) {
	if s, ok := e.runtimes[memoryPages]; ok {
		return s, nil
	}
	cfg := wazero.NewRuntimeConfigCompiler().
		WithCompilationCache(e.cache).
		WithMemoryLimitPages(memoryPages)
	cfg = e.intr.configure(cfg)
	rt := wazero.NewRuntimeWithConfig(context.WithoutCancel(ctx), cfg)
	ctx = context.WithoutCancel(ctx)
	if err := instantiateWASI(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := instantiateHostModule(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := e.intr.register(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	s := &sharedRuntime{rt: rt, modules: map[[sha256.Size]byte]*sharedModule{}}
	if e.runtimes == nil {
		e.runtimes = map[uint32]*sharedRuntime{}
	}
	e.runtimes[memoryPages] = s
	return s, nil
}

// module returns the compiled module whose bytes hash to sum in the
// runtime of memoryPages, compiling it (or loading it from the compilation
// cache) only if no app of this Engine has it: only then are its bytes
// read, with load, which checks them. The caller releases it once.
func (e *Engine) module(ctx context.Context, memoryPages uint32, sum [sha256.Size]byte, load func() ([]byte, error)) (*sharedModule, error) {
	e.sharedMu.Lock()
	s, err := e.runtimeFor(ctx, memoryPages)
	if err != nil {
		e.sharedMu.Unlock()
		return nil, err
	}
	sm, ok := s.modules[sum]
	if !ok {
		sm = &sharedModule{key: sum, rt: s, ready: make(chan struct{})}
		s.modules[sum] = sm
	}
	sm.users++
	e.sharedMu.Unlock()
	if !ok {
		wasm, err := load()
		if sm.err = err; err == nil {
			sm.compiled, sm.err = e.compileShared(ctx, s.rt, wasm)
		}
		close(sm.ready)
	}
	select {
	case <-sm.ready:
	case <-ctx.Done():
		e.release(sm)
		return nil, ctx.Err()
	}
	if sm.err != nil {
		e.release(sm)
		return nil, sm.err
	}
	return sm, nil
}

// compileShared instruments and compiles wasm in one compilation slot.
func (e *Engine) compileShared(ctx context.Context, rt wazero.Runtime, wasm []byte) (wazero.CompiledModule, error) {
	prepared, err := e.intr.prepare(wasm)
	if err != nil {
		return nil, err
	}
	select {
	case e.compileSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.compileSem }()
	compiled, err := rt.CompileModule(experimental.WithCompilationWorkers(ctx, e.workers), prepared)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return compiled, nil
}

// instanceOpened and instanceClosed count sm's live instances: its machine
// code is freed only once none is left.
func (e *Engine) instanceOpened(sm *sharedModule) {
	e.sharedMu.Lock()
	sm.live++
	e.sharedMu.Unlock()
}

func (e *Engine) instanceClosed(sm *sharedModule) {
	e.sharedMu.Lock()
	sm.live--
	e.sharedMu.Unlock()
	e.trimUnused()
}

// release drops one user of sm.
func (e *Engine) release(sm *sharedModule) {
	e.sharedMu.Lock()
	sm.users--
	if sm.users == 0 {
		e.unusedSeq++
		sm.unused = e.unusedSeq
	}
	e.sharedMu.Unlock()
	e.trimUnused()
}

// trimUnused closes the compiled modules no app uses and no instance runs,
// beyond the keepUnused most recently released, and failed ones.
func (e *Engine) trimUnused() {
	e.sharedMu.Lock()
	var idle []*sharedModule
	for _, s := range e.runtimes {
		for _, sm := range s.modules {
			if sm.users == 0 && sm.live == 0 {
				idle = append(idle, sm)
			}
		}
	}
	var closing []*sharedModule
	for len(idle) > 0 {
		oldest, failed := 0, -1
		for i, sm := range idle {
			if sm.compiled == nil {
				failed = i
			}
			if sm.unused < idle[oldest].unused {
				oldest = i
			}
		}
		if failed < 0 && len(idle) <= keepUnused {
			break
		}
		if failed >= 0 {
			oldest = failed
		}
		sm := idle[oldest]
		delete(sm.rt.modules, sm.key)
		closing = append(closing, sm)
		idle = append(idle[:oldest], idle[oldest+1:]...)
	}
	e.sharedMu.Unlock()
	for _, sm := range closing {
		if sm.compiled != nil {
			sm.compiled.Close(context.Background())
		}
	}
}

// closeShared closes every shared runtime (Engine.Close).
func (e *Engine) closeShared(ctx context.Context) error {
	e.sharedMu.Lock()
	defer e.sharedMu.Unlock()
	var err error
	for k, s := range e.runtimes {
		if cerr := s.rt.Close(ctx); err == nil {
			err = cerr
		}
		delete(e.runtimes, k)
	}
	return err
}
