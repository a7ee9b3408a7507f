// Host: the multi-app host — the tenants of a registry served as one
// http.Handler, kept in step with the registry's changes.

package tenant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/internal/phase"
)

// Host serves the tenants of a registry. It is an http.Handler; it is safe
// for concurrent use.
type Host struct {
	engine   *host.Engine
	reg      registry.Registry
	cfg      Config
	log      *slog.Logger
	observer func(Event)
	metrics  *Metrics          // nil: none
	domains  map[string]string // custom domain → tenant
	// requests is WithRequestObserver's f; nil: none.
	requests func(app string, status int, took time.Duration)
	// sched shares the CPUs fairly between the tenants' guest calls: one
	// tenant's spinning code cannot starve the others.
	sched *host.Scheduler

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	bg     sync.WaitGroup // goroutines Close waits for

	mu      sync.Mutex
	tenants map[string]*tenant

	reqBase string
	reqSeq  atomic.Uint64
}

// Option configures a Host.
type Option func(*Host)

// WithLogger sets the logger of the host's own events (loads, unloads,
// swaps, limit hits). The apps log through the engine's logger.
func WithLogger(l *slog.Logger) Option { return func(h *Host) { h.log = l } }

// WithObserver calls f on each load, unload and limit hit, from the
// goroutine where it happens: what a metrics exporter counts. f must not
// block.
func WithObserver(f func(Event)) Option { return func(h *Host) { h.observer = f } }

// WithScheduler shares the CPUs between the tenants' guest calls with s
// instead of the host.NewScheduler(0) New makes: one that lowers long
// calls (host.Scheduler.LowerLongCalls).
func WithScheduler(s *host.Scheduler) Option { return func(h *Host) { h.sched = s } }

// WithRequestObserver calls f after each request routed to a tenant with
// the tenant's name, the status answered and how long it took (queueing,
// loading and the guest): what a console keeps a latency history of. f
// runs on the request's goroutine and must not block.
func WithRequestObserver(f func(app string, status int, took time.Duration)) Option {
	return func(h *Host) { h.requests = f }
}

// New returns a Host serving reg's apps with engine, configured by cfg. It
// reads the registry's apps now and follows its changes until Close; no
// app is opened before its first request.
func New(ctx context.Context, engine *host.Engine, reg registry.Registry, cfg Config, opts ...Option) (*Host, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("host configuration: %w", err)
	}
	var seed [4]byte
	rand.Read(seed[:])
	h := &Host{engine: engine, reg: reg, cfg: cfg.withDefaults(), log: slog.Default(),
		domains: map[string]string{}, tenants: map[string]*tenant{}, reqBase: "h" + hex.EncodeToString(seed[:]),
	}
	for _, o := range opts {
		o(h)
	}
	if h.sched == nil {
		h.sched = host.NewScheduler(0)
	}
	for name, a := range h.cfg.Apps {
		for _, d := range a.Domains {
			h.domains[d] = name
		}
	}
	h.ctx, h.cancel = context.WithCancel(context.WithoutCancel(ctx))
	changes, err := reg.Changes(h.ctx)
	if err != nil {
		h.cancel()
		return nil, fmt.Errorf("registry: %w", err)
	}
	apps, err := reg.Apps(ctx)
	if err != nil {
		h.cancel()
		return nil, fmt.Errorf("registry: %w", err)
	}
	for _, a := range apps {
		h.tenants[a.Name] = h.newTenant(a.Name, registry.Version{Name: a.Active})
	}
	h.bg.Add(2)
	go func() {
		defer h.bg.Done()
		for name := range changes {
			h.goRefresh(name)
		}
	}()
	go func() {
		defer h.bg.Done()
		h.reapIdle()
	}()
	return h, nil
}

func (h *Host) newTenant(name string, active registry.Version) *tenant {
	return &tenant{name: name, h: h, active: active, lim: newLimiter(h.cfg.LimitsOf(name))}
}

// Close stops following the registry, unloads every tenant once its
// requests in flight are done, and returns when they are closed. Shut the
// HTTP server down first.
func (h *Host) Close(ctx context.Context) error {
	h.cancel()
	h.mu.Lock()
	ts := make([]*tenant, 0, len(h.tenants))
	for _, t := range h.tenants {
		ts = append(ts, t)
	}
	h.mu.Unlock()
	for _, t := range ts {
		t.unload()
	}
	done := make(chan struct{})
	go func() { h.bg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Apps lists the tenants this host serves, by name.
func (h *Host) Apps() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.tenants))
	for name := range h.tenants {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// ServeHTTP routes the request to its tenant, loading it if need be,
// within the tenant's concurrency and queue.
func (h *Host) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, prefix, ok := h.tenantOf(r)
	if !ok {
		httperr.JSON(w, http.StatusNotFound, "no app is served at "+r.Host+r.URL.Path)
		return
	}
	h.mu.Lock()
	t := h.tenants[name]
	h.mu.Unlock()
	if t == nil {
		httperr.JSON(w, http.StatusNotFound, "no app named "+name+" is served here")
		return
	}
	if prefix != "" {
		w, r = stripPrefix(w, r, prefix)
	}
	if h.metrics == nil && h.requests == nil {
		t.serve(w, r)
		return
	}
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	t.serve(sw, r)
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	took := time.Since(start)
	if h.metrics != nil {
		h.metrics.observe(name, sw.status, took)
	}
	if h.requests != nil {
		h.requests(name, sw.status, took)
	}
}

// Refresh re-reads app name from the registry at once, as a change the
// registry reports would: the deploy API calls it after an activation.
func (h *Host) Refresh(name string) { h.goRefresh(name) }

// serve serves r with tenant t.
func (t *tenant) serve(w http.ResponseWriter, r *http.Request) {
	h := t.h
	t.requests.Add(1)
	t.inFlight.Add(1)
	defer t.inFlight.Add(-1)
	t.lastUsed.Store(time.Now().UnixNano())
	var rid string // the host's own request id, made only for a log line
	id := func() string {
		if rid == "" {
			rid = h.reqBase + "-" + strconv.FormatUint(h.reqSeq.Add(1), 10)
		}
		return rid
	}
	endAdmit := phase.Start(r.Context(), "admit")
	err := t.lim.admit(r.Context(), func() {
		h.log.Debug("request queued", "app", t.name, "request_id", id(), "method", r.Method, "path", r.URL.Path)
		h.observe(Event{Kind: EventQueued, App: t.name})
	})
	if err != nil {
		if r.Context().Err() != nil {
			return // the client is gone
		}
		t.limitHits.Add(1)
		h.observe(Event{Kind: EventLimit, App: t.name})
		h.log.Warn("request refused: the app is at its concurrency limit", "app", t.name, "request_id", id(), "method", r.Method, "path", r.URL.Path, "reason", err.Error())
		w.Header().Set("Retry-After", "1")
		httperr.JSON(w, http.StatusServiceUnavailable, "app "+t.name+" is serving as many requests as it may; try again shortly")
		return
	}
	endAdmit()
	defer t.lim.done()
	endAcquire := phase.Start(r.Context(), "acquire")
	l, err := t.acquire(r.Context())
	endAcquire()
	switch {
	case errors.Is(err, errGone):
		httperr.JSON(w, http.StatusNotFound, "no app named "+t.name+" is served here")
		return
	case r.Context().Err() != nil:
		return
	case err != nil:
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(h.cfg.LoadRetry.Std().Seconds()+0.5))))
		httperr.JSON(w, http.StatusServiceUnavailable, "app "+t.name+" could not be loaded; try again later")
		return
	}
	defer l.refs.Done()
	t.lastUsed.Store(time.Now().UnixNano())
	defer phase.Start(r.Context(), "serve")()
	l.app.ServeHTTP(w, r)
}

// goRefresh re-reads app name from the registry in the background.
func (h *Host) goRefresh(name string) {
	if h.ctx.Err() != nil {
		return
	}
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		h.refresh(name)
	}()
}

// refresh brings tenant name in step with the registry: added, swapped to
// its new active version, or removed.
func (h *Host) refresh(name string) {
	if !registry.NameRE.MatchString(name) {
		return // a hint only, never trusted
	}
	active, err := h.activeOf(name)
	if err != nil && !errors.Is(err, errGone) {
		h.log.Error("registry: reading an app's versions", "app", name, "err", err)
		return
	}
	h.mu.Lock()
	t := h.tenants[name]
	if errors.Is(err, errGone) {
		delete(h.tenants, name)
		h.mu.Unlock()
		if t != nil {
			t.mu.Lock()
			t.removed = true
			t.mu.Unlock()
			t.unload()
			h.log.Info("app removed", "app", name)
			h.observe(Event{Kind: EventRemove, App: name})
		}
		return
	}
	if t == nil {
		h.tenants[name] = h.newTenant(name, active)
		h.mu.Unlock()
		h.log.Info("app added", "app", name, "app_version", active.Name)
		h.observe(Event{Kind: EventAdd, App: name, Version: active.Name})
		return
	}
	h.mu.Unlock()
	t.mu.Lock()
	t.active = active
	t.mu.Unlock()
	t.swapTo(active)
}

// activeOf reads app name's active version from the registry; errGone if
// it has none.
func (h *Host) activeOf(name string) (registry.Version, error) {
	versions, err := h.reg.Versions(h.ctx, name)
	if errors.Is(err, registry.ErrNotFound) {
		return registry.Version{}, errGone
	}
	if err != nil {
		return registry.Version{}, err
	}
	for _, v := range versions {
		if v.Active {
			return v, nil
		}
	}
	return registry.Version{}, errGone
}

// observe reports e to the observer, if there is one.
func (h *Host) observe(e Event) {
	if h.observer != nil {
		h.observer(e)
	}
}
