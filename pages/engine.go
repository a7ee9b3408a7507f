// Engine: the one wazero runtime that runs QuickJS, compiled once, with the
// host functions QuickJS imports.

package pages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/pages/internal/qjswasm"
)

// DefaultMemoryLimitPages bounds each QuickJS instance's linear memory at
// 128 MiB (2048 pages of 64 KiB). A fresh instance uses 16 MiB.
const DefaultMemoryLimitPages = 2048

// minMemoryPages is what the QuickJS build declares as its initial memory.
const minMemoryPages = 256

// Engine compiles QuickJS once and creates the instances renderers pool.
// One Engine serves a whole host and is safe for concurrent use.
type Engine struct {
	rt        wazero.Runtime
	compiled  wazero.CompiledModule
	exports   map[string]string // source name -> minified export name
	info      *rewriteInfo
	limit     uint32 // memory limit in pages
	log       *slog.Logger
	cache     wazero.CompilationCache
	wasmSum   [32]byte // sha256 of the module compiled, after every rewrite
	snapDir   string   // where snapshots are kept (WithCacheDir), "" for nowhere
	snapBytes int64    // the bound of snapDir's files (WithSnapshotCacheBytes)
	pruneMu   sync.Mutex

	mu        sync.Mutex
	renderers map[*Renderer]struct{} // open ones, closed with the engine
}

type engineConfig struct {
	cacheDir     string
	snapBytes    int64
	snapBytesSet bool
	limitPages   uint32
	log          *slog.Logger
	rewrite      func([]byte) ([]byte, error)
	setup        func(context.Context, wazero.Runtime) error
}

// Option configures an Engine.
type Option func(*engineConfig)

// WithCacheDir keeps QuickJS's compiled machine code in dir, so a second
// process starts in milliseconds instead of a quarter second, and each
// bundle's snapshot in dir/snapshots, so that loading a bundle loaded
// before (by this process or an earlier one) maps its snapshot instead of
// evaluating the bundle again.
func WithCacheDir(dir string) Option { return func(c *engineConfig) { c.cacheDir = dir } }

// WithMemoryLimitPages bounds every instance's linear memory, in 64 KiB wasm
// pages (default DefaultMemoryLimitPages; at least 512). A render that needs
// more fails with ErrMemoryLimit and its instance is replaced.
func WithMemoryLimitPages(pages uint32) Option {
	return func(c *engineConfig) { c.limitPages = pages }
}

// WithLogger receives what QuickJS writes to stdout and stderr (it should
// write nothing) and notes on discarded instances. Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *engineConfig) { c.log = l } }

// WithModuleRewrite transforms the QuickJS module once before it is
// compiled, and WithRuntimeSetup prepares the runtime before the module is
// compiled, typically to instantiate the host module the rewrite imports.
// Together they let a host bound native work that QuickJS's interrupt
// handler cannot see (see the package doc, "Limits"), for example with a
// fuel counter: WithModuleRewrite(fuel.Instrument) and
// WithRuntimeSetup(fuel.Register). The rewrite must keep every export and
// every import of the QuickJS build; imports it adds are not checked here.
func WithModuleRewrite(rewrite func(wasm []byte) ([]byte, error)) Option {
	return func(c *engineConfig) { c.rewrite = rewrite }
}

// WithRuntimeSetup: see WithModuleRewrite.
func WithRuntimeSetup(setup func(ctx context.Context, r wazero.Runtime) error) Option {
	return func(c *engineConfig) { c.setup = setup }
}

// NewEngine compiles the embedded QuickJS build. Close it to free the
// runtime and every instance.
func NewEngine(ctx context.Context, opts ...Option) (*Engine, error) {
	cfg := engineConfig{limitPages: DefaultMemoryLimitPages}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.limitPages < 2*minMemoryPages || cfg.limitPages > 65536 {
		return nil, fmt.Errorf("pages: memory limit %d pages out of range [%d, 65536] (a QuickJS instance starts at %d pages)",
			cfg.limitPages, 2*minMemoryPages, minMemoryPages)
	}
	if cfg.log == nil {
		cfg.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	names, err := qjswasm.LoadNames()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(qjswasm.Wasm)
	if got := hex.EncodeToString(sum[:]); got != qjswasm.BuildSHA256 || names.WasmSHA256 != got {
		return nil, fmt.Errorf("pages: embedded QuickJS wasm has sha256 %s, names.json is for %s, pinned is %s (rerun go generate ./pages/...)",
			got, names.WasmSHA256, qjswasm.BuildSHA256)
	}
	return newEngine(ctx, qjswasm.Wasm, names, cfg)
}

// newEngine runs the given QuickJS build (tests compare other builds).
func newEngine(ctx context.Context, wasm []byte, names *qjswasm.Names, cfg engineConfig) (*Engine, error) {
	wasm, info, err := rewriteModule(wasm, names.Memory.Module, names.Memory.Name)
	if err != nil {
		return nil, fmt.Errorf("pages: rewriting the QuickJS memory import: %w", err)
	}

	if cfg.rewrite != nil {
		if wasm, err = cfg.rewrite(wasm); err != nil {
			return nil, fmt.Errorf("pages: WithModuleRewrite: %w", err)
		}
	}
	e := &Engine{exports: names.Exports, info: info, limit: cfg.limitPages, log: cfg.log, wasmSum: sha256.Sum256(wasm)}
	rc := wazero.NewRuntimeConfigCompiler().WithMemoryLimitPages(cfg.limitPages)
	if cfg.cacheDir != "" {
		e.cache, err = wazero.NewCompilationCacheWithDir(cfg.cacheDir)
		if err != nil {
			return nil, fmt.Errorf("pages: compilation cache %s: %w", cfg.cacheDir, err)
		}
		rc = rc.WithCompilationCache(e.cache)
		e.snapDir = filepath.Join(cfg.cacheDir, "snapshots")
		e.snapBytes = DefaultSnapshotCacheBytes
		if cfg.snapBytesSet {
			e.snapBytes = cfg.snapBytes
		}
		e.pruneSnapshots("")
	}
	e.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	fail := func(err error) (*Engine, error) {
		_ = e.Close(ctx)
		return nil, err
	}
	if cfg.setup != nil {
		if err := cfg.setup(ctx, e.rt); err != nil {
			return fail(fmt.Errorf("pages: WithRuntimeSetup: %w", err))
		}
	}
	e.compiled, err = e.rt.CompileModule(ctx, wasm)
	if err != nil {
		return fail(fmt.Errorf("pages: compiling QuickJS: %w", err))
	}
	if err := checkSignatures(e.compiled.ImportedFunctions(), e.compiled.ExportedFunctions(), names.Memory.Module, names.Imports, names.Exports); err != nil {
		return fail(fmt.Errorf("pages: %w", err))
	}
	if err := e.instantiateHostModule(ctx, names.Memory.Module, names.Imports); err != nil {
		return fail(fmt.Errorf("pages: host functions: %w", err))
	}
	return e, nil
}

// instantiateHostModule defines every import under its minified name.
func (e *Engine) instantiateHostModule(ctx context.Context, module string, importNames map[string]string) error {
	b := e.rt.NewHostModuleBuilder(module)
	impls := hostFunctions(e)
	for minified, src := range importNames {
		fn, ok := impls[src]
		if !ok {
			return fmt.Errorf("no implementation of %s", src)
		}
		s := importSignatures[src]
		b.NewFunctionBuilder().WithGoModuleFunction(fn, s.params, s.results).WithName(src).Export(minified)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// Close closes every Renderer still open, then frees the runtime and the
// compilation cache handle.
func (e *Engine) Close(ctx context.Context) error {
	e.mu.Lock()
	open := e.renderers
	e.renderers = nil
	e.mu.Unlock()
	for r := range open {
		_ = r.Close(ctx)
	}
	var err error
	if e.rt != nil {
		err = e.rt.Close(ctx)
	}
	if e.cache != nil {
		if cerr := e.cache.Close(ctx); err == nil {
			err = cerr
		}
	}
	return err
}

// exportFunc returns the export with the given source name.
func exportFunc(mod api.Module, exports map[string]string, src string) api.Function {
	return mod.ExportedFunction(exports[src])
}
