package deploy_test

import (
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"sandkit.dev/sandkit/host/deploy"
)

// /healthz answers anyone; /readyz answers 503 until the host says it is
// ready; /metrics serves the host's registry, with the deploy API's
// counters, to the operator only.
func TestHealthReadyMetrics(t *testing.T) {
	var ready atomic.Bool
	metrics := prometheus.NewRegistry()
	wakes := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sandkit_tenant_wakes_total", Help: "test"}, []string{"tenant"})
	metrics.MustRegister(wakes)
	wakes.WithLabelValues("shop").Add(3)
	a := newAdmin(t, deploy.WithMetrics(metrics), deploy.WithReadiness(func() error {
		if !ready.Load() {
			return errors.New("the registry is not read yet")
		}
		return nil
	}))

	expect(t, "healthz", a.call(t, "GET", "/healthz", "", nil), 200, "ok")
	expect(t, "readyz before", a.call(t, "GET", "/readyz", "", nil), 503, `"status":503`, "the registry is not read yet")
	ready.Store(true)
	expect(t, "readyz after", a.call(t, "GET", "/readyz", "", nil), 200, "ready")
	if got := a.call(t, "HEAD", "/healthz", "", nil); got.status != 200 || got.body != "" {
		t.Errorf("HEAD /healthz: %d %q", got.status, got.body)
	}

	expect(t, "metrics without a token", a.call(t, "GET", "/metrics", "", nil), 401)
	expect(t, "a refused bundle", a.call(t, "POST", "/v1/apps/shop/versions", opToken, []byte("junk")), 400)
	got := a.call(t, "GET", "/metrics", opToken, nil)
	expect(t, "metrics", got, 200,
		`sandkit_tenant_wakes_total{tenant="shop"} 3`,
		`sandkit_deploys_total{outcome="refused"} 1`,
		`sandkit_deploys_total{outcome="activated"} 0`)
	if !strings.HasPrefix(got.header.Get("Content-Type"), "text/plain") {
		t.Errorf("metrics Content-Type %q", got.header.Get("Content-Type"))
	}

	// Without WithMetrics: the handler's own registry, with the Go runtime's.
	b := newAdmin(t)
	expect(t, "default metrics", b.call(t, "GET", "/metrics", opToken, nil), 200, "go_goroutines", "sandkit_deploys_total")
	expect(t, "default readyz", b.call(t, "GET", "/readyz", "", nil), http.StatusOK)
}
