// Engine: the wazero runtimes, the compilation cache and bounded compilation.

package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/sched"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/pages"
)

// Engine compiles guest modules off the request path and creates the
// runtimes apps run in. One Engine serves a whole host; it is safe for
// concurrent use.
type Engine struct {
	cache      wazero.CompilationCache
	cacheDir   string
	intr       interrupter
	compileSem chan struct{}
	workers    int
	log        *slog.Logger

	pagesOnce sync.Once // the QuickJS engine for pages, made on first use
	pages     *pages.Engine
	pagesErr  error
}

// EngineOption configures an Engine.
type EngineOption func(*Engine) error

// WithCacheDir keeps compiled machine code in dir, keyed by the hash of each
// module, so a module seen before loads in milliseconds instead of seconds.
func WithCacheDir(dir string) EngineOption {
	return func(e *Engine) error {
		c, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			return fmt.Errorf("compilation cache %s: %w", dir, err)
		}
		e.cache = c
		e.cacheDir = dir
		return nil
	}
}

// WithCompileConcurrency bounds how many modules compile at once (default 1)
// and how many workers each compilation uses (default: the CPU count).
func WithCompileConcurrency(modules, workersEach int) EngineOption {
	return func(e *Engine) error {
		if modules < 1 || workersEach < 1 {
			return fmt.Errorf("compile concurrency must be at least 1")
		}
		e.compileSem = make(chan struct{}, modules)
		e.workers = workersEach
		return nil
	}
}

// WithInterrupt chooses how a guest running past its deadline is stopped
// (default InterruptFuel).
func WithInterrupt(i Interrupt) EngineOption {
	return func(e *Engine) error {
		intr, err := i.interrupter()
		if err != nil {
			return err
		}
		e.intr = intr
		return nil
	}
}

// WithLogger sets the logger for engine events and guest output.
func WithLogger(l *slog.Logger) EngineOption {
	return func(e *Engine) error { e.log = l; return nil }
}

// NewEngine returns an Engine. Without WithCacheDir compiled code is kept in
// memory only.
func NewEngine(opts ...EngineOption) (*Engine, error) {
	e := &Engine{
		intr:       fuelCounter{},
		compileSem: make(chan struct{}, 1),
		workers:    runtime.NumCPU(),
		log:        slog.Default(),
	}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	if e.cache == nil {
		e.cache = wazero.NewCompilationCache()
	}
	return e, nil
}

// Close releases the compilation cache and the pages engine.
func (e *Engine) Close(ctx context.Context) error {
	if e.pages != nil {
		e.pages.Close(ctx)
	}
	return e.cache.Close(ctx)
}

// sandbox is one wazero runtime with the host modules instantiated, shared
// by all modules of an app (they share its limits).
type sandbox struct {
	engine *Engine
	rt     wazero.Runtime
	limits settings.Limits
	env    map[string]string
	log    *slog.Logger
	db     *appdb.DB    // the app's database, opened on first use
	group  *sched.Group // the app's CPU share (WithScheduler); nil: unscheduled
}

func (e *Engine) newSandbox(ctx context.Context, limits settings.Limits, env map[string]string, log *slog.Logger, db *appdb.DB) (*sandbox, error) {
	cfg := wazero.NewRuntimeConfigCompiler().
		WithCompilationCache(e.cache).
		WithMemoryLimitPages(limits.MemoryPages)
	cfg = e.intr.configure(cfg)
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := instantiateHostModule(ctx, rt, db); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	if err := e.intr.register(ctx, rt); err != nil {
		rt.Close(ctx)
		return nil, err
	}
	return &sandbox{engine: e, rt: rt, limits: limits, env: env, log: log, db: db}, nil
}

func (s *sandbox) close(ctx context.Context) error {
	err := s.rt.Close(ctx)
	if s.db != nil {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// compile turns wasm bytes into a Module, checking its kind and imports.
// It waits for a compilation slot, so at most a bounded number of modules
// compile at once.
func (s *sandbox) compile(ctx context.Context, name string, wasm []byte) (*Module, error) {
	version := versionOf(wasm)
	prepared, err := s.engine.intr.prepare(wasm)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	select {
	case s.engine.compileSem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	start := time.Now()
	compiled, err := s.rt.CompileModule(experimental.WithCompilationWorkers(ctx, s.engine.workers), prepared)
	<-s.engine.compileSem
	if err != nil {
		return nil, fmt.Errorf("%s: compile: %w", name, err)
	}
	m := &Module{name: name, version: version, compiled: compiled, sb: s, size: len(wasm)}
	if err := m.classify(); err != nil {
		compiled.Close(ctx)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.log.Debug("module compiled", "module", name, "version", version, "kind", m.kind, "took", time.Since(start))
	return m, nil
}

// allowedImports are the import modules a guest may name.
var allowedImports = map[string]bool{
	abi.ModuleName:           true,
	"wasi_snapshot_preview1": true,
}

// versionOf names a module's bytes: the first 12 hex digits of their sha256.
func versionOf(wasm []byte) string {
	sum := sha256.Sum256(wasm)
	return hex.EncodeToString(sum[:6])
}
