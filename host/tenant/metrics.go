// Metrics: the host's Prometheus metrics, per tenant — requests by status
// class and their latency, instances of load and unload, limit hits,
// memory counted against the budget, requests running and queued.

package tenant

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// maxLabelled bounds the tenants a Metrics labels by name: the requests of
// any tenant past it count under tenant="_other", so a host with many
// tenants exports a bounded number of series.
const maxLabelled = 1000

// otherTenant is the label of the tenants past maxLabelled.
const otherTenant = "_other"

// Metrics exports a Host's metrics to Prometheus. Make one with
// NewMetrics, pass it to New with WithMetrics and register it in a
// prometheus.Registry.
type Metrics struct {
	host     func() *Host
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec

	mu       sync.Mutex
	labelled map[string]bool
	// series holds each tenant's request series, by tenant name, so that a
	// request finds them without a lock or a label lookup.
	series sync.Map // string → *tenantSeries
}

// tenantSeries are the request series of one tenant label.
type tenantSeries struct {
	latency prometheus.Observer
	codes   [5]prometheus.Counter // 1xx … 5xx
}

// NewMetrics returns the collector of a host's metrics.
func NewMetrics() *Metrics {
	m := &Metrics{labelled: map[string]bool{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sandkit_requests_total",
		Help: "Requests served, by tenant and status class (2xx, 3xx, 4xx, 5xx).",
	}, []string{"tenant", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sandkit_request_duration_seconds",
		Help:    "Time to serve a request, by tenant: queueing, loading and the guest.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"tenant"})
	return m
}

// WithMetrics makes the host report to m.
func WithMetrics(m *Metrics) Option {
	return func(h *Host) {
		h.metrics = m
		m.host = func() *Host { return h }
	}
}

// label is the tenant label of app name.
func (m *Metrics) label(name string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.labelled[name] {
		return name
	}
	if len(m.labelled) >= maxLabelled {
		return otherTenant
	}
	m.labelled[name] = true
	return name
}

// observe records one request of tenant name.
func (m *Metrics) observe(name string, status int, took time.Duration) {
	ts := m.seriesOf(name)
	ts.codes[min(max(status/100, 1), 5)-1].Inc()
	ts.latency.Observe(took.Seconds())
}

// seriesOf returns tenant name's request series, made on its first request.
func (m *Metrics) seriesOf(name string) *tenantSeries {
	if ts, ok := m.series.Load(name); ok {
		return ts.(*tenantSeries)
	}
	l := m.label(name)
	ts := &tenantSeries{latency: m.latency.WithLabelValues(l)}
	for i := range ts.codes {
		ts.codes[i] = m.requests.WithLabelValues(l, strconv.Itoa(i+1)+"xx")
	}
	got, _ := m.series.LoadOrStore(name, ts)
	return got.(*tenantSeries)
}

var (
	descLoaded = prometheus.NewDesc("sandkit_tenant_loaded", "1 if a version of the tenant is loaded.", []string{"tenant"}, nil)
	descMemory = prometheus.NewDesc("sandkit_tenant_memory_bytes", "Guest memory the loaded tenant may hold, counted against the host's memory budget.", []string{"tenant"}, nil)
	descRun    = prometheus.NewDesc("sandkit_tenant_requests_running", "Requests of the tenant being served.", []string{"tenant"}, nil)
	descQueue  = prometheus.NewDesc("sandkit_tenant_requests_queued", "Requests of the tenant waiting for a turn.", []string{"tenant"}, nil)
	descLimit  = prometheus.NewDesc("sandkit_tenant_limit_hits_total", "Requests refused 503 at the tenant's concurrency and queue limits.", []string{"tenant"}, nil)
	descLoads  = prometheus.NewDesc("sandkit_tenant_loads_total", "Versions of the tenant opened: first requests, wakes after eviction, swaps.", []string{"tenant"}, nil)
	descFail   = prometheus.NewDesc("sandkit_tenant_load_failures_total", "Versions of the tenant that failed to open.", []string{"tenant"}, nil)
	descEvict  = prometheus.NewDesc("sandkit_tenant_evictions_total", "Times the tenant was unloaded (idle or over the memory budget).", []string{"tenant"}, nil)
	descWake   = prometheus.NewDesc("sandkit_tenant_wake_seconds_total", "Time spent opening versions of the tenant.", []string{"tenant"}, nil)
	descBudget = prometheus.NewDesc("sandkit_host_memory_budget_bytes", "The host's memory budget for loaded tenants.", nil, nil)
	descUsed   = prometheus.NewDesc("sandkit_host_memory_counted_bytes", "Guest memory the loaded tenants may hold together.", nil, nil)
)

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	m.requests.Describe(ch)
	m.latency.Describe(ch)
	for _, d := range []*prometheus.Desc{descLoaded, descMemory, descRun, descQueue, descLimit, descLoads, descFail, descEvict, descWake, descBudget, descUsed} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.requests.Collect(ch)
	m.latency.Collect(ch)
	if m.host == nil {
		return
	}
	h := m.host()
	var used int64
	other := TenantStats{App: otherTenant}
	emit := func(s TenantStats, loaded float64) {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, s.App)
		}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, s.App)
		}
		gauge(descLoaded, loaded)
		gauge(descMemory, float64(s.Memory))
		gauge(descRun, float64(s.Running))
		gauge(descQueue, float64(s.Queued))
		counter(descLimit, float64(s.LimitHits))
		counter(descLoads, float64(s.Loads))
		counter(descFail, float64(s.LoadFailures))
		counter(descEvict, float64(s.Evictions))
		counter(descWake, s.WakeTotal.Seconds())
	}
	var otherLoaded float64
	for _, s := range h.Stats() {
		used += s.Memory
		loaded := 0.0
		if s.Loaded != "" {
			loaded = 1
		}
		if m.label(s.App) == otherTenant {
			other.Memory += s.Memory
			other.Running += s.Running
			other.Queued += s.Queued
			other.LimitHits += s.LimitHits
			other.Loads += s.Loads
			other.LoadFailures += s.LoadFailures
			other.Evictions += s.Evictions
			other.WakeTotal += s.WakeTotal
			otherLoaded += loaded
			continue
		}
		emit(s, loaded)
	}
	if other.Loads > 0 || other.Memory > 0 || other.Requests > 0 {
		emit(other, otherLoaded)
	}
	ch <- prometheus.MustNewConstMetric(descBudget, prometheus.GaugeValue, float64(h.cfg.MemoryBudget))
	ch <- prometheus.MustNewConstMetric(descUsed, prometheus.GaugeValue, float64(used))
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
