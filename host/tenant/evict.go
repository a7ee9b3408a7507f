// Eviction: unloading a tenant that idled past idle_timeout, and the least
// recently used ones when the loaded tenants' memory passes the host's
// memory_budget.

package tenant

import (
	"sort"
	"sync"
	"time"
)

// reapIdle unloads idle tenants until the host closes, looking a few times
// per idle_timeout; a tenant idle for a quarter of it first gives back its
// warm instances (trim).
func (h *Host) reapIdle() {
	idle := h.cfg.IdleTimeout.Std()
	tick := time.NewTicker(min(max(idle/4, 10*time.Millisecond), 30*time.Second))
	defer tick.Stop()
	for {
		select {
		case <-h.ctx.Done():
			return
		case now := <-tick.C:
			for _, t := range h.loadedTenants() {
				if t.inFlight.Load() != 0 {
					continue
				}
				switch quiet := now.Sub(time.Unix(0, t.lastUsed.Load())); {
				case quiet > idle:
					h.evict(t, "idle")
				case quiet > idle/4:
					t.trim()
				}
			}
		}
	}
}

// trim makes t's loaded version give back its idle instances, once per
// quiet spell: a tenant serving requests is never trimmed, and one trimmed
// is trimmed again only after a request.
func (t *tenant) trim() {
	t.mu.Lock()
	l := t.cur
	t.mu.Unlock()
	if l == nil {
		return
	}
	used := t.lastUsed.Load()
	if l.trimmed.Swap(used) == used {
		return
	}
	l.app.Trim(t.h.ctx)
	t.h.observe(Event{Kind: EventTrim, App: t.name, Version: l.version.Name})
}

// TrimAll makes every loaded tenant give back its idle instances, as a
// quarter of idle_timeout without a request would; they stay loaded.
// Benchmarks measure what a trimmed tenant holds with it.
func (h *Host) TrimAll() {
	for _, t := range h.loadedTenants() {
		t.trim()
	}
}

// loadedTenants lists the tenants with a version loaded.
func (h *Host) loadedTenants() []*tenant {
	h.mu.Lock()
	all := make([]*tenant, 0, len(h.tenants))
	for _, t := range h.tenants {
		all = append(all, t)
	}
	h.mu.Unlock()
	out := all[:0]
	for _, t := range all {
		t.mu.Lock()
		if t.cur != nil {
			out = append(out, t)
		}
		t.mu.Unlock()
	}
	return out
}

// evict unloads t, saying why.
func (h *Host) evict(t *tenant, why string) {
	h.retire(t, h.unloadCounted(t, why))
}

// unloadCounted stops serving t's loaded version, counts and logs it as an
// eviction, and returns it for the caller to close (nil if none).
func (h *Host) unloadCounted(t *tenant, why string) *loaded {
	l := t.unloadOnly()
	if l == nil {
		return nil
	}
	t.evictions.Add(1)
	h.log.Info("app unloaded", "app", t.name, "app_version", l.version.Name, "why", why, "memory_bytes", l.memory)
	h.observe(Event{Kind: EventEvict, App: t.name, Version: l.version.Name})
	return l
}

// enforceBudget unloads the least recently used tenants other than keep
// while the loaded tenants' memory is over the budget.
func (h *Host) enforceBudget(keep *tenant) {
	type use struct {
		t      *tenant
		memory int64
		last   int64
	}
	var loaded []use
	var total int64
	for _, t := range h.loadedTenants() {
		t.mu.Lock()
		if t.cur != nil {
			total += t.cur.memory
			if t != keep {
				loaded = append(loaded, use{t, t.cur.memory, t.lastUsed.Load()})
			}
		}
		t.mu.Unlock()
	}
	if total <= h.cfg.MemoryBudget {
		return
	}
	sort.Slice(loaded, func(i, j int) bool { return loaded[i].last < loaded[j].last })
	for _, u := range loaded {
		if total <= h.cfg.MemoryBudget {
			break
		}
		h.evict(u.t, "memory_budget")
		total -= u.memory
	}
}

// EvictAll unloads every loaded tenant, as idling would, and returns once
// each has closed (after its requests in flight). The next request to a
// tenant loads it again. An operator drains a host with it; benchmarks
// measure what eviction leaves behind.
func (h *Host) EvictAll() {
	var closed sync.WaitGroup
	for _, t := range h.loadedTenants() {
		if l := h.unloadCounted(t, "drain"); l != nil {
			closed.Add(1)
			go func() {
				defer closed.Done()
				h.closeWhenDone(t, l)
			}()
		}
	}
	closed.Wait()
}
