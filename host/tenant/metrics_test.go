package tenant

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The metrics count a tenant's requests by status class and time them,
// and report its loads and memory.
func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "one"), map[string]string{"": "ok_v1.wasm"}, "")
	m := NewMetrics()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test"}, nil, WithMetrics(m))
	get(h, "one.apps.test", "/?v=1")
	get(h, "one.apps.test", "/?v=1")
	get(h, "one.apps.test", "/nope")
	want := `
# HELP sandkit_requests_total Requests served, by tenant and status class (2xx, 3xx, 4xx, 5xx).
# TYPE sandkit_requests_total counter
sandkit_requests_total{code="1xx",tenant="one"} 0
sandkit_requests_total{code="2xx",tenant="one"} 2
sandkit_requests_total{code="3xx",tenant="one"} 0
sandkit_requests_total{code="4xx",tenant="one"} 1
sandkit_requests_total{code="5xx",tenant="one"} 0
# HELP sandkit_tenant_loads_total Versions of the tenant opened: first requests, wakes after eviction, swaps.
# TYPE sandkit_tenant_loads_total counter
sandkit_tenant_loads_total{tenant="one"} 1
# HELP sandkit_tenant_loaded 1 if a version of the tenant is loaded.
# TYPE sandkit_tenant_loaded gauge
sandkit_tenant_loaded{tenant="one"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "sandkit_requests_total", "sandkit_tenant_loads_total", "sandkit_tenant_loaded"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m, "sandkit_request_duration_seconds"); n != 1 {
		t.Errorf("%d latency series, want 1 (tenant one)", n)
	}
}
