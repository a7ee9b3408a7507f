// Stats: what a metrics exporter reads of a host — per tenant, its
// requests, limit hits, loads, unloads and wake latency — as a snapshot
// (Host.Stats) or as events (WithObserver).

package tenant

import (
	"sort"
	"time"
)

// EventKind says what an [Event] reports.
type EventKind int

const (
	// EventLoad: a version of the app was opened (Took: how long).
	EventLoad EventKind = iota + 1
	// EventEvict: the app was unloaded (idle or over the memory budget).
	EventEvict
	// EventLimit: a request was refused 503 at the app's limits.
	EventLimit
	// EventQueued: a request waits in the app's queue.
	EventQueued
	// EventSwap: a new active version serves (Version); the old one
	// closes once its requests are done.
	EventSwap
	// EventAdd and EventRemove: the registry gained or lost the app.
	EventAdd
	EventRemove
	// EventTrim: the app, quiet for a quarter of idle_timeout, gave back
	// its idle instances; it stays loaded.
	EventTrim
)

// Event is one load, unload or limit hit of a tenant.
type Event struct {
	Kind    EventKind
	App     string
	Version string        // EventLoad, EventEvict, EventSwap, EventAdd, EventTrim
	Took    time.Duration // EventLoad
}

// TenantStats is a snapshot of one tenant's counters. The counters count
// since the host started (or the tenant was added).
type TenantStats struct {
	App     string
	Active  string // the registry's active version
	Loaded  string // the version loaded, "" if none
	Memory  int64  // bytes counted against the host's memory budget, 0 if not loaded
	Running int    // requests being served
	Queued  int    // requests waiting for a turn

	Requests     uint64 // requests routed to the tenant
	LimitHits    uint64 // of those, refused 503 at its limits
	Loads        uint64 // versions opened: first requests, wakes after eviction, swaps
	LoadFailures uint64
	Evictions    uint64
	Swaps        uint64
	LastWake     time.Duration // how long the last load took
	WakeTotal    time.Duration // all loads together
}

// Stats returns a snapshot of every tenant's counters, by name.
func (h *Host) Stats() []TenantStats {
	h.mu.Lock()
	ts := make([]*tenant, 0, len(h.tenants))
	for _, t := range h.tenants {
		ts = append(ts, t)
	}
	h.mu.Unlock()
	out := make([]TenantStats, 0, len(ts))
	for _, t := range ts {
		s := TenantStats{
			App:          t.name,
			Running:      int(t.lim.running.Load()),
			Queued:       int(t.lim.waiting.Load()),
			Requests:     t.requests.Load(),
			LimitHits:    t.limitHits.Load(),
			Loads:        t.loads.Load(),
			LoadFailures: t.loadFailures.Load(),
			Evictions:    t.evictions.Load(),
			Swaps:        t.swaps.Load(),
			LastWake:     time.Duration(t.lastWake.Load()),
			WakeTotal:    time.Duration(t.wakeTotal.Load()),
		}
		t.mu.Lock()
		s.Active = t.active.Name
		if t.cur != nil {
			s.Loaded, s.Memory = t.cur.version.Name, t.cur.memory
		}
		t.mu.Unlock()
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].App < out[j].App })
	return out
}
