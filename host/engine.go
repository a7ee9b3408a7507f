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
	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/artifact"
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

	sharedMu  sync.Mutex // guards runtimes and their modules (shared.go)
	runtimes  map[uint32]*sharedRuntime
	unusedSeq uint64

	verified artifact.Verified // artifact files already checked (artifact.go)

	pagesOnce sync.Once // the QuickJS engine for pages, made on first use
	pages     *pages.Engine
	pagesErr  error
	snapBytes *int64 // WithSnapshotCacheBytes; nil: the pages engine's default
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

// WithSnapshotCacheBytes bounds the QuickJS snapshot files kept in the
// WithCacheDir folder to n bytes in all (pages.WithSnapshotCacheBytes;
// default pages.DefaultSnapshotCacheBytes); n <= 0 keeps every file. A
// pages app whose snapshot file was removed evaluates its server bundle
// again when it wakes (a run of ~100 ms, not a load of ~2 ms): a host of
// many apps wants room for one file per app (~3 MiB for examples/todo).
func WithSnapshotCacheBytes(n int64) EngineOption {
	return func(e *Engine) error {
		e.snapBytes = &n
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

// Close releases the shared runtimes, the compilation cache and the pages
// engine.
func (e *Engine) Close(ctx context.Context) error {
	if e.pages != nil {
		e.pages.Close(ctx)
	}
	err := e.closeShared(ctx)
	return errors.Join(err, e.cache.Close(ctx))
}

// sandbox is what one app's modules run with: the shared runtime of its
// memory limit (shared.go), its limits, settings and database. Its
// instances share nothing mutable with another app's: each has its own
// memory, and host functions reach the app's settings and database only
// through the request's call state.
type sandbox struct {
	engine    *Engine
	limits    settings.Limits
	isolation string // settings.IsolationPool or IsolationRequest
	env       map[string]string
	log       *slog.Logger
	db        *appdb.DB    // the app's database, opened on first use
	group     *sched.Group // the app's CPU share (WithScheduler); nil: unscheduled

	mu      sync.Mutex
	modules []*sharedModule // every compiled module its Modules took, released at close
}

func (e *Engine) newSandbox(ctx context.Context, limits settings.Limits, isolation string, env map[string]string, log *slog.Logger, db *appdb.DB) (*sandbox, error) {
	return &sandbox{engine: e, limits: limits, isolation: isolation, env: env, log: log, db: db}, nil
}

// close releases the app's compiled modules (kept or freed by the Engine,
// once their last instance closes) and closes its database.
func (s *sandbox) close(ctx context.Context) error {
	s.mu.Lock()
	mods := s.modules
	s.modules = nil
	s.mu.Unlock()
	for _, sm := range mods {
		s.engine.release(sm)
	}
	if s.db != nil {
		return s.db.Close()
	}
	return nil
}

// compile turns the module whose bytes hash to sum into a Module, checking
// its kind and imports. Identical bytes compiled for another app of the
// Engine are reused, and then load is not called; otherwise load reads
// the bytes, which must hash to sum, and compile waits for a compilation
// slot, so at most a bounded number of modules compile at once.
func (s *sandbox) compile(ctx context.Context, name string, sum [sha256.Size]byte, size int, load func() ([]byte, error)) (*Module, error) {
	start := time.Now()
	version := hex.EncodeToString(sum[:6])
	// Bytes read from disk must hash to sum: the file may have changed
	// since it was checked.
	read := func() ([]byte, error) {
		wasm, err := load()
		if err == nil && sha256.Sum256(wasm) != sum {
			err = errors.New("the module's bytes changed since they were checked")
		}
		return wasm, err
	}
	var iso *isolated
	if s.isolation == settings.IsolationRequest {
		// The rewrite needs the bytes, and its restore point needs the
		// data segments it takes out: read them on every load.
		wasm, err := read()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if wasm, iso, err = prepareIsolated(wasm); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if iso != nil {
			sum = isolatedKey(wasm)
		}
		read = func() ([]byte, error) { return wasm, nil }
	}
	sm, err := s.engine.module(ctx, s.limits.MemoryPages, sum, read)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.mu.Lock()
	s.modules = append(s.modules, sm)
	s.mu.Unlock()
	m := &Module{name: name, version: version, compiled: sm.compiled, shared: sm, sb: s, size: size, iso: iso}
	if err := m.classify(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if iso != nil && m.kind != reactor {
		return nil, fmt.Errorf("%s: exports %s but is not a reactor", name, abi.ExportHandle)
	}
	s.log.Debug("module compiled", "module", name, "version", version, "kind", m.kind, "took", time.Since(start))
	return m, nil
}

// instantiate makes an instance of m with its own memory. A module it
// returns, even with an error, is closed with closeInstance.
func (s *sandbox) instantiate(ctx context.Context, m *Module, cfg wazero.ModuleConfig) (api.Module, error) {
	s.engine.instanceOpened(m.shared)
	mod, err := m.shared.rt.rt.InstantiateModule(ctx, m.compiled, cfg)
	if mod == nil {
		s.engine.instanceClosed(m.shared)
	}
	return mod, err
}

// closeInstance closes an instance instantiate made.
func (s *sandbox) closeInstance(m *Module, mod api.Module) {
	mod.Close(context.Background())
	s.engine.instanceClosed(m.shared)
}

// allowedImports are the import modules a guest may name.
var allowedImports = map[string]bool{
	abi.ModuleName:           true,
	"wasi_snapshot_preview1": true,
}
