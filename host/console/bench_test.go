package console_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/tenant"
)

// BenchmarkObserve is the cost a request pays for the history.
func BenchmarkObserve(b *testing.B) {
	h := console.NewHistory(func() []tenant.TenantStats { return nil })
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Observe("blog", 200, 3*time.Millisecond)
		}
	})
}

// BenchmarkHistoryMemory reports the heap an hour of history takes per
// tenant, and the time of one Sample, with 500 tenants.
func BenchmarkHistoryMemory(b *testing.B) {
	const n = 500
	stats := make([]tenant.TenantStats, n)
	for i := range stats {
		stats[i] = tenant.TenantStats{App: fmt.Sprintf("app%d", i), Requests: uint64(i)}
	}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := console.NewHistory(func() []tenant.TenantStats { return stats })
		t0 := time.Now()
		for i := range console.DefaultPoints {
			for j := range stats {
				h.Observe(stats[j].App, 200, time.Millisecond)
			}
			h.Sample(t0.Add(time.Duration(i) * console.DefaultInterval))
		}
		start := time.Now()
		h.Sample(t0.Add(time.Hour))
		took := time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/tenant")
		b.ReportMetric(float64(took.Microseconds()), "µs/sample")
		runtime.KeepAlive(h)
	}
}
