// Renderer: one app's server bundle, loaded once, rendered by a pool of
// warm instances that are restored from a snapshot, reset to it after every
// render (unless the app asks for reuse), and replaced when one fails.

package pages

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/internal/phase"
)

// DefaultTimeout bounds one render.
const DefaultTimeout = time.Second

// Renderer renders one app's pages. It is safe for concurrent use.
type Renderer struct {
	e          *Engine
	name       string
	maxBytes   uint64 // per-app memory limit; 0: the engine's
	maxRenders int    // renders per instance; 0: unlimited
	reuse      bool   // keep what a render leaves for the next (WithInstanceReuse)
	timeout    time.Duration
	bundle     []byte
	// snap is the snapshot new instances start from; nil: they evaluate
	// the bundle again, or, when diskKey is set, it was dropped by Trim
	// and the next instance reads it back from disk.
	snapMu  sync.Mutex
	snap    *snapshot
	diskKey string // the snapshot's key on disk, "" if it is not there
	warmup  []byte // WithWarmup's input

	mu     sync.RWMutex // held for reading by renders, for writing by Close
	closed bool
	idle   chan *instance
	slots  chan struct{} // one token per live instance

	renders, failures, discarded, retired, restored, resets atomic.Int64
	restoreNanos, resetNanos                                atomic.Int64
}

type loadConfig struct {
	memPages  uint32
	perInst   int
	timeout   time.Duration
	instances int
	warmup    []byte
	snapshot  bool
	reuse     bool
}

// LoadOption configures a Renderer.
type LoadOption func(*loadConfig)

// WithTimeout bounds each render (default DefaultTimeout). The context
// given to Render may set an earlier deadline.
func WithTimeout(d time.Duration) LoadOption { return func(c *loadConfig) { c.timeout = d } }

// WithMemoryPages bounds this app's instances below the engine's limit
// (WithMemoryLimitPages), in 64 KiB pages; at least 512. Growth past it
// fails as at the engine's limit, with ErrMemoryLimit.
func WithMemoryPages(pages uint32) LoadOption { return func(c *loadConfig) { c.memPages = pages } }

// WithInstanceReuse(true) lets an instance go on to its next render in the
// state its last render left: what one render writes to globalThis, to a
// prototype or to any module-level variable is seen by later renders, for
// other requests. By default (false) every render starts from the snapshot:
// after each render the instance is reset to it in place (only the memory
// pages renders wrote are copied back; docs/benchmarks.md has the cost), or
// replaced when that cannot be done. Reuse is for apps whose renders keep
// no request data in global state and that want those few percent back.
func WithInstanceReuse(on bool) LoadOption { return func(c *loadConfig) { c.reuse = on } }

// WithRendersPerInstance retires an instance after n renders (default 0:
// never). It matters only with WithInstanceReuse(true): no render then
// sees what more than n-1 earlier ones left in global scope.
func WithRendersPerInstance(n int) LoadOption { return func(c *loadConfig) { c.perInst = n } }

// WithInstances bounds the instances that render at once (default: the
// number of CPUs). Renders beyond it wait for an instance.
func WithInstances(n int) LoadOption { return func(c *loadConfig) { c.instances = n } }

// WithWarmup renders input once before the snapshot is taken, so instances
// restored from it start with the page's code already run once. What that
// render leaves in global scope is part of the snapshot, which every render
// starts from: pass an input of the host's, never a user's request. A
// failing warm-up render fails Load.
func WithWarmup(input []byte) LoadOption { return func(c *loadConfig) { c.warmup = input } }

// WithSnapshot chooses whether new instances are restored from a snapshot
// of the first one (default true) or evaluate the bundle from scratch.
// Without a snapshot, and without WithInstanceReuse, every render needs a
// new instance that evaluates the bundle again: slow, for tests.
func WithSnapshot(on bool) LoadOption { return func(c *loadConfig) { c.snapshot = on } }

// Load evaluates an app's server bundle (see the package doc for what it
// must define) and returns a Renderer for it. name appears in errors and
// JavaScript stack traces.
func (e *Engine) Load(ctx context.Context, name string, bundle []byte, opts ...LoadOption) (*Renderer, error) {
	cfg := loadConfig{timeout: DefaultTimeout, instances: runtime.GOMAXPROCS(0), snapshot: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.timeout <= 0 || cfg.instances < 1 || cfg.perInst < 0 {
		return nil, fmt.Errorf("pages: app %q: timeout must be positive, instances at least 1, renders per instance not negative", name)
	}
	if cfg.memPages != 0 && (cfg.memPages < 2*minMemoryPages || cfg.memPages > e.limit) {
		return nil, fmt.Errorf("pages: app %q: memory limit %d pages out of range [%d, %d] (the engine's WithMemoryLimitPages)",
			name, cfg.memPages, 2*minMemoryPages, e.limit)
	}
	r := &Renderer{
		e: e, name: name, timeout: cfg.timeout, bundle: bytes.Clone(bundle), maxBytes: uint64(cfg.memPages) * 65536, maxRenders: cfg.perInst,
		reuse: cfg.reuse, warmup: bytes.Clone(cfg.warmup),
		idle:  make(chan *instance, cfg.instances),
		slots: make(chan struct{}, cfg.instances),
	}
	var key string
	if cfg.snapshot && e.snapDir != "" {
		key = e.snapshotKey(name, bundle, cfg)
		if in := r.loadSnapshot(ctx, key); in != nil {
			return e.register(r, in), nil
		}
	}
	lctx, cancel := r.bootContext(ctx)
	defer cancel()
	end := phase.Start(ctx, "pages.evaluate")
	in, err := e.newFreshInstance(lctx, name, bundle, r.maxBytes)
	end()
	if err != nil {
		return nil, fmt.Errorf("pages: app %q: loading the server bundle: %w", name, err)
	}
	if cfg.warmup != nil {
		st := &callState{maxBytes: r.maxBytes}
		if _, err := in.render(withState(lctx, st), st, cfg.warmup); err != nil {
			in.close(ctx)
			return nil, fmt.Errorf("pages: app %q: warm-up render: %w", name, err)
		}
	}
	if cfg.snapshot {
		if r.snap, err = e.takeSnapshot(in); err != nil {
			e.log.Warn("pages: no snapshot; new instances will evaluate the bundle", "app", name, "err", err)
		} else {
			if mem, ok := in.mem.Read(0, in.mem.Size()); key != "" && ok {
				end := phase.Start(ctx, "pages.write_snapshot")
				err := e.writeSnapshot(key, r.snap, mem)
				end()
				if err != nil {
					e.log.Warn("pages: snapshot not kept on disk", "app", name, "err", err)
				} else {
					r.diskKey = key
				}
			}
			if restored, err := r.newInstance(ctx); err == nil {
				// The loaded instance's memory is all private; a restored one
				// shares what it does not write with the snapshot.
				in.close(ctx)
				in = restored
			}
		}
	}
	return e.register(r, in), nil
}

// loadSnapshot makes r's snapshot and first instance from the snapshot
// kept on disk under key; nil if there is none or it cannot be used (the
// bundle is then evaluated, and the snapshot written again).
func (r *Renderer) loadSnapshot(ctx context.Context, key string) *instance {
	end := phase.Start(ctx, "pages.read_snapshot")
	snap, err := r.e.readSnapshot(key)
	end()
	if err != nil {
		r.e.log.Warn("pages: snapshot on disk not used", "app", r.name, "err", err)
	}
	if snap == nil {
		return nil
	}
	r.snap, r.diskKey = snap, key
	in, err := r.newInstance(ctx)
	if err != nil {
		r.e.log.Warn("pages: snapshot on disk not restored", "app", r.name, "err", err)
		snap.free()
		r.snap, r.diskKey = nil, ""
		return nil
	}
	return in
}

// register makes in r's first idle instance and r one of e's open
// renderers.
func (e *Engine) register(r *Renderer, in *instance) *Renderer {
	r.slots <- struct{}{}
	r.idle <- in
	e.mu.Lock()
	if e.renderers == nil {
		e.renderers = map[*Renderer]struct{}{}
	}
	e.renderers[r] = struct{}{}
	e.mu.Unlock()
	return r
}

// Render calls the bundle's render function with input (the JSON described
// in the package doc) and returns the markup it produced. A JavaScript
// exception is returned as a *JSError and leaves the instance in the pool;
// ErrDeadline, ErrMemoryLimit and ErrTrap discard the instance, and the
// next render gets a fresh one.
func (r *Renderer) Render(ctx context.Context, input []byte) ([]byte, error) {
	out, _, err := r.RenderInfo(ctx, input)
	return out, err
}

// RenderFacts is what a render did besides producing markup.
type RenderFacts struct {
	// ReadClock reports that the render read the time (Date, performance,
	// local time): its output may differ for the same input, so it must
	// not be cached. Nothing else a render can reach varies between
	// renders of one input: Math.random is seeded once, before the
	// snapshot every instance starts from.
	ReadClock bool
}

// RenderInfo is Render, reporting also what the render did.
func (r *Renderer) RenderInfo(ctx context.Context, input []byte) ([]byte, RenderFacts, error) {
	var facts RenderFacts
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return nil, facts, fmt.Errorf("pages: app %q: %w", r.name, ErrClosed)
	}
	in, err := r.acquire(ctx)
	if err != nil {
		return nil, facts, fmt.Errorf("pages: app %q: %w", r.name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	st := &callState{maxBytes: r.maxBytes}
	end := phase.Start(ctx, "pages.render")
	out, err := in.render(withState(ctx, st), st, input)
	end()
	facts.ReadClock = st.readClock
	r.renders.Add(1)
	switch {
	case err != nil && fatal(err):
		r.discard(ctx, in, err)
	case !r.reuse:
		end := phase.Start(ctx, "pages.reset")
		r.resetOrRetire(ctx, in)
		end()
	case r.maxRenders > 0 && in.renders >= r.maxRenders:
		r.retire(ctx, in)
	default:
		r.idle <- in
	}
	if err != nil {
		r.failures.Add(1)
		return nil, facts, fmt.Errorf("pages: app %q: render: %w", r.name, err)
	}
	return out, facts, nil
}

// acquire returns an idle instance, or a new one if fewer than the limit
// are alive, or waits.
func (r *Renderer) acquire(ctx context.Context) (*instance, error) {
	select {
	case in := <-r.idle:
		return in, nil
	default:
	}
	select {
	case in := <-r.idle:
		return in, nil
	case r.slots <- struct{}{}:
		in, err := r.newInstance(ctx)
		if err != nil {
			<-r.slots
			return nil, err
		}
		return in, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for an instance: %w", ctx.Err())
	}
}

func (r *Renderer) newInstance(ctx context.Context) (*instance, error) {
	snap := r.snapshot(ctx)
	if snap == nil {
		lctx, cancel := r.bootContext(ctx)
		defer cancel()
		return r.e.newFreshInstance(lctx, r.name, r.bundle, r.maxBytes)
	}
	start := time.Now()
	defer phase.Start(ctx, "pages.restore")()
	in, err := r.e.restore(ctx, snap)
	if err == nil {
		r.restored.Add(1)
		r.restoreNanos.Add(int64(time.Since(start)))
	}
	return in, err
}

// bootContext bounds evaluating the bundle in a new instance: ten renders'
// worth, at least 5 s.
func (r *Renderer) bootContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, max(10*r.timeout, 5*time.Second))
}

// resetOrRetire puts in back in the pool in the state of the snapshot, or
// closes it when it cannot be reset (no snapshot, or its memory grew): the
// next render then restores a new instance.
func (r *Renderer) resetOrRetire(ctx context.Context, in *instance) {
	snap := r.snapshot(ctx)
	if snap == nil {
		r.retire(ctx, in)
		return
	}
	start := time.Now()
	if err := r.e.reset(in, snap); err != nil {
		r.e.log.Debug("pages: replacing an instance instead of resetting it", "app", r.name, "err", err)
		r.retire(ctx, in)
		return
	}
	r.resets.Add(1)
	r.resetNanos.Add(int64(time.Since(start)))
	r.idle <- in
}

func (r *Renderer) retire(ctx context.Context, in *instance) {
	r.retired.Add(1)
	in.close(ctx)
	<-r.slots
}

func (r *Renderer) discard(ctx context.Context, in *instance, why error) {
	r.discarded.Add(1)
	r.e.log.Info("pages: discarding a QuickJS instance", "app", r.name, "renders", in.renders, "err", firstLine(why))
	in.close(ctx)
	<-r.slots
}

// Trim closes idle instances until at most keep remain, and returns how
// many it closed. A host keeping many apps calls it on apps not rendered
// lately: with a snapshot, the next render restores an instance in a
// fraction of a millisecond, and an app with none costs only its snapshot.
// With keep 0 and no instance left, a snapshot kept on disk (the engine's
// WithCacheDir) is dropped from memory too; the next render reads it back
// (a few milliseconds).
func (r *Renderer) Trim(ctx context.Context, keep int) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	closed := 0
	for len(r.idle) > max(keep, 0) {
		select {
		case in := <-r.idle:
			in.close(ctx)
			<-r.slots
			closed++
			continue
		default:
		}
		break
	}
	r.snapMu.Lock()
	defer r.snapMu.Unlock()
	// A render takes its slot before it asks for a new instance, which reads
	// the snapshot back; with no slot taken no instance maps the image.
	if keep <= 0 && len(r.slots) == 0 && r.diskKey != "" && r.snap != nil && !r.closed {
		r.snap.free()
		r.snap = nil
	}
	return closed
}

// snapshot returns the snapshot new instances start from, reading it back
// from disk if Trim dropped it (or, if the file is gone or damaged since,
// evaluating the bundle to take and write it again); nil if instances
// evaluate the bundle.
func (r *Renderer) snapshot(ctx context.Context) *snapshot {
	r.snapMu.Lock()
	defer r.snapMu.Unlock()
	if r.snap == nil && r.diskKey != "" {
		snap, err := r.e.readSnapshot(r.diskKey)
		if snap == nil {
			snap, err = r.retake(ctx)
		}
		if snap == nil {
			r.e.log.Warn("pages: snapshot lost; new instances will evaluate the bundle", "app", r.name, "err", err)
			r.diskKey = ""
		}
		r.snap = snap
	}
	return r.snap
}

// retake evaluates the bundle in a fresh instance and snapshots it again,
// on disk too.
func (r *Renderer) retake(ctx context.Context) (*snapshot, error) {
	lctx, cancel := r.bootContext(ctx)
	defer cancel()
	in, err := r.e.newFreshInstance(lctx, r.name, r.bundle, r.maxBytes)
	if err != nil {
		return nil, err
	}
	defer in.close(ctx)
	if r.warmup != nil {
		st := &callState{maxBytes: r.maxBytes}
		if _, err := in.render(withState(lctx, st), st, r.warmup); err != nil {
			return nil, fmt.Errorf("warm-up render: %w", err)
		}
	}
	snap, err := r.e.takeSnapshot(in)
	if err != nil {
		return nil, err
	}
	if mem, ok := in.mem.Read(0, in.mem.Size()); ok {
		if err := r.e.writeSnapshot(r.diskKey, snap, mem); err != nil {
			r.e.log.Warn("pages: snapshot not kept on disk", "app", r.name, "err", err)
		}
	}
	return snap, nil
}

// Stats counts what a Renderer did.
type Stats struct {
	Renders   int64         // Render calls that reached an instance
	Failures  int64         // of which failed
	Discarded int64         // instances thrown away after a failure
	Retired   int64         // instances closed after WithRendersPerInstance renders, or that could not be reset
	Restored  int64         // instances created from the snapshot
	Restore   time.Duration // mean time to create one from the snapshot
	Resets    int64         // instances reset to the snapshot in place after a render
	Reset     time.Duration // mean time of one reset
	Live      int           // instances alive now
}

// Stats returns the Renderer's counters.
func (r *Renderer) Stats() Stats {
	s := Stats{
		Renders: r.renders.Load(), Failures: r.failures.Load(),
		Discarded: r.discarded.Load(), Retired: r.retired.Load(), Restored: r.restored.Load(),
		Resets: r.resets.Load(), Live: len(r.slots),
	}
	if s.Restored > 0 {
		s.Restore = time.Duration(r.restoreNanos.Load() / s.Restored)
	}
	if s.Resets > 0 {
		s.Reset = time.Duration(r.resetNanos.Load() / s.Resets)
	}
	return s
}

// Close frees every instance and the snapshot, after renders in flight end.
func (r *Renderer) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	for len(r.idle) > 0 {
		(<-r.idle).close(ctx)
		<-r.slots
	}
	r.snapMu.Lock()
	if r.snap != nil {
		r.snap.free()
		r.snap = nil
	}
	r.diskKey = ""
	r.snapMu.Unlock()
	r.e.mu.Lock()
	delete(r.e.renderers, r)
	r.e.mu.Unlock()
	return nil
}
