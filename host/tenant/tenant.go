// Tenant: one app of the registry on this host — loaded on its first
// request (concurrent first requests wait for one load), swapped for its
// new active version without failing a request, unloaded when idle, and
// closed only once its requests in flight are done.

package tenant

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/threadprio"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/internal/phase"
)

// errGone is a tenant removed from the registry while a request waited.
var errGone = errors.New("removed")

// tenant is one app of the registry and what this host holds of it.
type tenant struct {
	name string
	h    *Host
	lim  *limiter

	mu       sync.Mutex
	active   registry.Version // the registry's active version, as last read
	cur      *loaded          // the version serving; nil when not loaded
	loading  chan struct{}    // closed when the load under way ends; nil if none
	loadErr  error            // the last load's failure, until failedAt+load_retry
	failedAt time.Time
	removed  bool
	migrated map[string]bool // versions whose migrations this process applied

	swapMu   sync.Mutex   // one swap at a time
	lastUsed atomic.Int64 // unix nanoseconds of the last request's start
	inFlight atomic.Int64

	requests, limitHits, loads, loadFailures, evictions, swaps atomic.Uint64
	lastWake, wakeTotal                                        atomic.Int64 // nanoseconds
}

// loaded is one opened version of a tenant.
type loaded struct {
	app     *host.App
	version registry.Version
	memory  int64
	refs    sync.WaitGroup // requests using it
	trimmed atomic.Int64   // the tenant's lastUsed when it was last trimmed
}

// same reports whether a and b are one version: a plain artifact folder
// written again keeps its name, not its time.
func same(a, b registry.Version) bool {
	return a.Name == b.Name && a.Created.Equal(b.Created) && a.SHA256 == b.SHA256
}

// acquire returns the loaded version to serve a request with, loading it
// if needed; the caller calls l.refs.Done after. The error is errGone, a
// load failure (until load_retry has passed) or ctx's.
func (t *tenant) acquire(ctx context.Context) (*loaded, error) {
	for {
		t.mu.Lock()
		switch {
		case t.removed:
			t.mu.Unlock()
			return nil, errGone
		case t.cur != nil:
			l := t.cur
			l.refs.Add(1)
			t.mu.Unlock()
			return l, nil
		case t.loadErr != nil && time.Since(t.failedAt) < t.h.cfg.LoadRetry.Std():
			err := t.loadErr
			t.mu.Unlock()
			return nil, err
		case t.loading != nil:
			ch := t.loading
			t.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		ch := make(chan struct{})
		t.loading = ch
		t.mu.Unlock()

		// The load belongs to the host, not to the request that started
		// it: others wait for it too. The registry is read again first, for
		// the version's identity (a plain artifact's time) and in case it
		// changed.
		endVersions := phase.Start(ctx, "load.versions")
		version, err := t.h.activeOf(t.name)
		endVersions()
		var l *loaded
		if err == nil {
			t.mu.Lock()
			t.active = version
			t.mu.Unlock()
			l, err = t.openLow(phase.Carry(ctx, t.h.ctx), version, "first request")
		}
		t.mu.Lock()
		close(ch)
		t.loading = nil
		if err != nil {
			t.loadErr, t.failedAt = err, time.Now()
			t.mu.Unlock()
			if errors.Is(err, errGone) {
				return nil, err // removed from the registry: refresh drops it
			}
			t.loadFailures.Add(1)
			t.h.log.Error("app failed to load", "app", t.name, "app_version", version.Name, "err", err, "retry_after", t.h.cfg.LoadRetry)
			return nil, err
		}
		t.loadErr = nil
		if t.removed {
			t.mu.Unlock()
			t.h.retire(t, l)
			return nil, errGone
		}
		t.cur = l
		stale := !same(t.active, version)
		t.mu.Unlock()
		t.h.enforceBudget(t)
		if stale {
			t.h.goRefresh(t.name) // a version was activated during the load
		}
	}
}

// openLow is open on a thread of the lowest priority (threadprio.Run):
// loading an app (reading, compiling on a cold cache, instantiating,
// migrating) is the tenant's work, and the kernel runs the host's other
// work and the other tenants' requests first. Compiling a module uses
// one worker for the same reason (Config.EngineOptions).
func (t *tenant) openLow(ctx context.Context, version registry.Version, why string) (l *loaded, err error) {
	threadprio.Run(func() { l, err = t.open(ctx, version, why) })
	return l, err
}

// open checks out, migrates, opens and warms version; why says what asked
// for it, for the log.
func (t *tenant) open(ctx context.Context, version registry.Version, why string) (*loaded, error) {
	h := t.h
	start := time.Now()
	end := phase.Start(ctx, "load.checkout")
	dir, err := h.reg.Checkout(ctx, t.name, version.Name)
	end()
	if err != nil {
		return nil, fmt.Errorf("app %q: version %s: %w", t.name, version.Name, err)
	}
	end = phase.Start(ctx, "load.place")
	p, err := h.place(t.name, dir)
	end()
	if err != nil {
		return nil, err
	}
	end = phase.Start(ctx, "load.migrate")
	err = t.migrate(ctx, dir, version.Name, p)
	end()
	if err != nil {
		return nil, err
	}
	end = phase.Start(ctx, "load.open_app")
	defer end()
	app, err := host.OpenApp(ctx, h.engine, dir, host.WithTenant(p.tenant), host.WithInstanceBudget(p.budget), host.WithScheduler(h.sched, t.name))
	if err != nil {
		return nil, fmt.Errorf("app %q: version %s: %w", t.name, version.Name, err)
	}
	took := time.Since(start)
	t.loads.Add(1)
	t.lastWake.Store(int64(took))
	t.wakeTotal.Add(int64(took))
	h.log.Info("app loaded", "app", t.name, "app_version", version.Name, "why", why, "took", took.Round(100*time.Microsecond), "memory_bytes", p.memory)
	h.observe(Event{Kind: EventLoad, App: t.name, Version: version.Name, Took: took})
	return &loaded{app: app, version: version, memory: p.memory}, nil
}

// migrate applies version's pending migrations, once per version per
// process (the deploy API applies them before activating; a plain artifact
// dropped in the apps folder has them applied here).
func (t *tenant) migrate(ctx context.Context, dir, version string, p placement) error {
	t.mu.Lock()
	done := t.migrated[version]
	t.mu.Unlock()
	if done {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, appdb.MigrationsDir)); err == nil {
		m, err := host.OpenMigrator(ctx, dir, host.WithTenant(p.tenant))
		if err != nil {
			return fmt.Errorf("app %q: version %s: migrations: %w", t.name, version, err)
		}
		applied, err := m.Up(ctx)
		m.Close()
		if err != nil {
			return fmt.Errorf("app %q: version %s: %w", t.name, version, err)
		}
		if len(applied) > 0 {
			t.h.log.Info("migrations applied", "app", t.name, "app_version", version, "names", strings.Join(applied, ","))
		}
	}
	t.mu.Lock()
	if t.migrated == nil {
		t.migrated = map[string]bool{}
	}
	t.migrated[version] = true
	t.mu.Unlock()
	return nil
}

// swapTo opens version beside the one serving and swaps it in; the old one
// closes once its requests are done. A tenant not loaded is left so: its
// next request loads the active version.
func (t *tenant) swapTo(version registry.Version) {
	t.swapMu.Lock()
	defer t.swapMu.Unlock()
	t.mu.Lock()
	cur := t.cur
	t.mu.Unlock()
	if cur == nil || same(cur.version, version) {
		return
	}
	l, err := t.openLow(t.h.ctx, version, "activated")
	if err != nil {
		t.h.log.Error("new version failed to open; the old one keeps serving", "app", t.name, "app_version", version.Name, "serving", cur.version.Name, "err", err)
		return
	}
	t.mu.Lock()
	if t.removed || !same(t.active, version) {
		// Removed or superseded while it opened: never served.
		t.mu.Unlock()
		t.h.retire(t, l)
		return
	}
	old := t.cur
	t.cur = l
	t.mu.Unlock()
	t.swaps.Add(1)
	t.h.log.Info("app version swapped", "app", t.name, "app_version", version.Name, "from", versionOf(old))
	t.h.observe(Event{Kind: EventSwap, App: t.name, Version: version.Name})
	t.h.retire(t, old)
	t.h.enforceBudget(t)
}

// unload stops serving t's loaded version and returns it (nil if none was
// loaded); it closes once its requests are done.
func (t *tenant) unload() *loaded {
	l := t.unloadOnly()
	t.h.retire(t, l)
	return l
}

// unloadOnly stops serving t's loaded version and returns it (nil if none
// was loaded), for the caller to close.
func (t *tenant) unloadOnly() *loaded {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.cur
	t.cur = nil
	return l
}

func versionOf(l *loaded) string {
	if l == nil {
		return ""
	}
	return l.version.Name
}

// retire closes l once the requests using it are done; nil is nothing.
func (h *Host) retire(t *tenant, l *loaded) {
	if l == nil {
		return
	}
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		h.closeWhenDone(t, l)
	}()
}

// closeWhenDone closes l once the requests using it are done.
func (h *Host) closeWhenDone(t *tenant, l *loaded) {
	l.refs.Wait()
	if err := l.app.Close(context.Background()); err != nil {
		h.log.Warn("closing an app version", "app", t.name, "app_version", l.version.Name, "err", err)
	}
}
