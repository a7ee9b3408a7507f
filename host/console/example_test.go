package console_test

import (
	"fmt"
	"time"

	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/tenant"
)

// A History fed by a host's request observer and sampled every interval.
func ExampleHistory() {
	requests := uint64(0)
	stats := func() []tenant.TenantStats {
		return []tenant.TenantStats{{App: "blog", Loaded: "v3", Memory: 32 << 20, Requests: requests}}
	}
	h := console.NewHistory(stats) // and tenant.WithRequestObserver(h.Observe)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.Sample(start)
	for _, ms := range []int{1, 2, 2, 30} {
		h.Observe("blog", 200, time.Duration(ms)*time.Millisecond)
		requests++
	}
	h.Sample(start.Add(console.DefaultInterval))
	p, _ := h.Last("blog")
	fmt.Printf("%s: %d requests, p50 < %.1f ms, p99 < %.1f ms, %d MiB\n", p.Time.Format("15:04:05"), p.Requests, p.P50, p.P99, p.Memory>>20)
	// Output:
	// 00:00:10: 4 requests, p50 < 3.2 ms, p99 < 51.2 ms, 32 MiB
}
