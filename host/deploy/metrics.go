// Prometheus metrics: the registry the host's collectors are registered
// in, served at /metrics, and the deploy API's own counters.

package deploy

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the handler's metrics and the registry they are served from.
type metrics struct {
	serve   http.HandlerFunc
	deploys *prometheus.CounterVec // by outcome: a handful of values, never a tenant's name
}

// newMetrics registers the handler's metrics in reg, or in a registry of
// its own (with the Go runtime's and the process's) if reg is nil.
func newMetrics(reg *prometheus.Registry, log *slog.Logger) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		deploys: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sandkit_deploys_total",
			Help: "Uploads and activations through the deploy API, by outcome: activated, stored (not activated), refused (an invalid bundle), too_large, migration_failed, failed (the host's error).",
		}, []string{"outcome"}),
	}
	if err := reg.Register(m.deploys); err != nil {
		// A second handler on the same registry shares the first one's counter.
		are, ok := err.(prometheus.AlreadyRegisteredError)
		if !ok {
			panic(err) // a different metric of the same name: a programming error
		}
		m.deploys = are.ExistingCollector.(*prometheus.CounterVec)
	}
	for _, o := range []string{"activated", "stored", "refused", "too_large", "migration_failed", "failed"} {
		m.deploys.WithLabelValues(o) // every outcome shows, at 0
	}
	m.serve = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
	}).ServeHTTP
	return m
}
