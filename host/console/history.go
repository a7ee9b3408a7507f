// History: what the console charts — every interval (10 s), per tenant,
// its requests, 5xx errors, limit hits, latency percentiles and memory,
// kept for the last hour in a ring of bounded size.

package console

import (
	"context"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/host/tenant"
)

// Defaults of a History: a point every 10 s for an hour, for at most 500
// tenants (33 KiB of heap each, measured by BenchmarkHistoryMemory: 16 MiB
// for 500).
const (
	DefaultInterval   = 10 * time.Second
	DefaultPoints     = 360
	DefaultMaxTenants = 500
)

// Point is one interval of one tenant.
type Point struct {
	Time      time.Time `json:"t"`          // the interval's end
	Requests  uint64    `json:"requests"`   // requests routed to the tenant
	Errors    uint64    `json:"errors"`     // of those, answered 5xx (limit hits included)
	LimitHits uint64    `json:"limit_hits"` // refused 503 at its limits
	P50       float64   `json:"p50_ms"`     // latency percentiles, milliseconds; 0 with no request
	P99       float64   `json:"p99_ms"`
	Memory    int64     `json:"memory_bytes"` // counted against the memory budget at the end
	Loaded    bool      `json:"loaded"`
}

// History samples a tenant.Host. Feed it each request (Observe, passed to
// tenant.WithRequestObserver) and run Run, or call Sample yourself. It is
// safe for concurrent use.
type History struct {
	stats      func() []tenant.TenantStats
	interval   time.Duration
	points     int
	maxTenants int

	live sync.Map // app → *liveInterval: the interval being measured

	mu      sync.Mutex
	tenants map[string]*series
}

// HistoryOption configures a History.
type HistoryOption func(*History)

// WithInterval sets the sampling interval (default 10 s).
func WithInterval(d time.Duration) HistoryOption { return func(h *History) { h.interval = d } }

// WithPoints sets how many intervals a tenant keeps (default 360).
func WithPoints(n int) HistoryOption { return func(h *History) { h.points = max(1, n) } }

// WithMaxTenants bounds the tenants kept (default 500): past it the least
// active are dropped.
func WithMaxTenants(n int) HistoryOption { return func(h *History) { h.maxTenants = max(1, n) } }

// NewHistory returns a History of the tenants stats lists (a
// tenant.Host's Stats).
func NewHistory(stats func() []tenant.TenantStats, opts ...HistoryOption) *History {
	h := &History{stats: stats, interval: DefaultInterval, points: DefaultPoints,
		maxTenants: DefaultMaxTenants, tenants: map[string]*series{}}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Observe records one request of app: its status and how long it took.
// It is cheap (atomic counters) and never blocks.
func (h *History) Observe(app string, status int, took time.Duration) {
	v, ok := h.live.Load(app)
	if !ok {
		v, _ = h.live.LoadOrStore(app, new(liveInterval))
	}
	l := v.(*liveInterval)
	l.buckets[bucketOf(took)].Add(1)
	if status >= 500 {
		l.errors.Add(1)
	}
}

// Run samples every interval until ctx is done.
func (h *History) Run(ctx context.Context) {
	t := time.NewTicker(h.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			h.Sample(now)
		}
	}
}

// Sample closes the interval ending at now: it adds a point to every
// tenant's series, drops tenants the host no longer serves and, past the
// cap, the least active.
func (h *History) Sample(now time.Time) {
	stats := h.stats()
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := make(map[string]bool, len(stats))
	for _, s := range stats {
		seen[s.App] = true
		sr := h.tenants[s.App]
		if sr == nil {
			// The host's counters count from when it started serving the
			// tenant: its first point holds what came before.
			sr = &series{ring: make([]Point, h.points)}
			h.tenants[s.App] = sr
		}
		p := Point{Time: now.UTC(), Memory: s.Memory, Loaded: s.Loaded != ""}
		p.Requests = s.Requests - min(sr.lastRequests, s.Requests)
		p.LimitHits = s.LimitHits - min(sr.lastLimit, s.LimitHits)
		sr.lastRequests, sr.lastLimit = s.Requests, s.LimitHits
		if v, ok := h.live.Load(s.App); ok {
			var counts [numBuckets]uint64
			l := v.(*liveInterval)
			for i := range counts {
				counts[i] = l.buckets[i].Swap(0)
			}
			p.Errors = l.errors.Swap(0)
			p.P50, p.P99 = quantile(&counts, 0.50), quantile(&counts, 0.99)
		}
		sr.add(p)
	}
	for app := range h.tenants {
		if !seen[app] {
			delete(h.tenants, app)
		}
	}
	h.live.Range(func(k, _ any) bool {
		if !seen[k.(string)] {
			h.live.Delete(k)
		}
		return true
	})
	if over := len(h.tenants) - h.maxTenants; over > 0 {
		apps := make([]string, 0, len(h.tenants))
		for app := range h.tenants {
			apps = append(apps, app)
		}
		sort.Slice(apps, func(i, j int) bool {
			ai, aj := h.tenants[apps[i]].activity(), h.tenants[apps[j]].activity()
			return ai < aj || ai == aj && apps[i] < apps[j]
		})
		for _, app := range apps[:over] {
			delete(h.tenants, app)
		}
	}
}

// Series returns app's points, oldest first; nil for a tenant not kept.
func (h *History) Series(app string) []Point {
	h.mu.Lock()
	defer h.mu.Unlock()
	sr := h.tenants[app]
	if sr == nil {
		return nil
	}
	return sr.points()
}

// Last returns app's latest point, and false if it has none.
func (h *History) Last(app string) (Point, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sr := h.tenants[app]
	if sr == nil || sr.n == 0 {
		return Point{}, false
	}
	return sr.ring[(sr.next+len(sr.ring)-1)%len(sr.ring)], true
}

// series is one tenant's ring of points.
type series struct {
	ring                    []Point
	next, n                 int
	lastRequests, lastLimit uint64 // the host's counters at the last sample
}

func (s *series) add(p Point) {
	s.ring[s.next] = p
	s.next = (s.next + 1) % len(s.ring)
	s.n = min(s.n+1, len(s.ring))
}

func (s *series) points() []Point {
	out := make([]Point, 0, s.n)
	for i := s.n; i > 0; i-- {
		out = append(out, s.ring[(s.next+len(s.ring)-i)%len(s.ring)])
	}
	return out
}

// activity is the requests the ring holds: what the cap keeps the most of.
func (s *series) activity() uint64 {
	var n uint64
	for _, p := range s.ring {
		n += p.Requests
	}
	return n
}

// The latency histogram of an interval: bucket i counts requests that took
// less than 2^i × 100 µs (the last, anything longer: over 26 s).
const (
	numBuckets = 19
	bucketBase = 100 * time.Microsecond
)

type liveInterval struct {
	buckets [numBuckets]atomic.Uint64
	errors  atomic.Uint64
}

// bucketOf is the bucket of a request that took d.
func bucketOf(d time.Duration) int {
	if d < bucketBase {
		return 0
	}
	return min(numBuckets-1, bits.Len64(uint64(d/bucketBase)))
}

// quantile is the upper bound, in milliseconds, of the bucket holding the
// q-quantile of counts; 0 for no request.
func quantile(counts *[numBuckets]uint64, q float64) float64 {
	var total uint64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q*float64(total) + 0.999999)
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= rank {
			return float64(bucketBase<<i) / float64(time.Millisecond)
		}
	}
	return float64(bucketBase<<(numBuckets-1)) / float64(time.Millisecond)
}
