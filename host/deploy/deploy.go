// The admin handler: its options and its route table.

package deploy

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// DefaultMaxBundleBytes is the largest bundle an upload may send unless
// [WithMaxBundleBytes] says otherwise (spec/hosting.md, max_bundle_bytes).
const DefaultMaxBundleBytes = 256 << 20

// Option configures the handler [New] makes.
type Option func(*options)

type options struct {
	operator   *[sha256.Size]byte // hash of the operator token; nil: none
	maxBundle  int64
	onActivate func(app string)
	onDeploy   func(Event)
	log        *slog.Logger
	metrics    *prometheus.Registry
	ready      func() error
	place      func(app string) host.Tenant
	dropData   func(ctx context.Context, app string) error
}

// WithOperatorToken sets the operator token, which may do everything. Only
// its SHA-256 is kept. An empty token sets none: then only deploy tokens
// are accepted, and the operator's endpoints answer 401.
func WithOperatorToken(token string) Option {
	return func(o *options) {
		if token == "" {
			o.operator = nil
			return
		}
		h := sha256.Sum256([]byte(token))
		o.operator = &h
	}
}

// WithMaxBundleBytes bounds an upload's body (the compressed bundle):
// larger is answered 413 and nothing is stored. n <= 0 keeps the default,
// [DefaultMaxBundleBytes].
func WithMaxBundleBytes(n int64) Option {
	return func(o *options) {
		if n > 0 {
			o.maxBundle = n
		}
	}
}

// WithOnActivate calls f with an app's name after a version of it is
// activated, before the request that activated it is answered, so that a
// host can swap the new version in at once (it also learns of it through
// the registry's Changes). f should not block for long.
func WithOnActivate(f func(app string)) Option {
	return func(o *options) { o.onActivate = f }
}

// WithDropData calls drop after an app is deleted (DELETE /v1/apps/NAME),
// for the data the registry does not hold: on PostgreSQL, the app's role
// and schema (postgres.Drop). A failure is answered 500 and logged; the app
// is deleted from the registry either way.
func WithDropData(drop func(ctx context.Context, app string) error) Option {
	return func(o *options) { o.dropData = drop }
}

// Event is one upload or activation through the API and its outcome, as
// sandkit_deploys_total counts it.
type Event struct {
	App     string    `json:"app"`
	Version string    `json:"version"` // "" when the bundle was not stored
	Outcome string    `json:"outcome"` // activated, stored, refused, too_large, migration_failed, failed
	By      string    `json:"by"`      // operator, or token:ID
	Time    time.Time `json:"time"`
}

// WithOnDeploy calls f after each upload or activation with its outcome
// (an operator console keeps the last ones). f must not block.
func WithOnDeploy(f func(Event)) Option {
	return func(o *options) { o.onDeploy = f }
}

// WithLogger logs each deploy, activation, deletion and refused request to
// log (default: slog.Default()).
func WithLogger(log *slog.Logger) Option {
	return func(o *options) {
		if log != nil {
			o.log = log
		}
	}
}

// WithMetrics serves reg's metrics at GET /metrics (operator only) and
// registers the handler's own in it (sandkit_deploys_total). The host
// registers its per-tenant collectors in the same registry. Without it,
// /metrics serves a registry of the handler's own metrics and the Go
// runtime's and process's.
func WithMetrics(reg *prometheus.Registry) Option {
	return func(o *options) { o.metrics = reg }
}

// WithReadiness makes GET /readyz answer 503 with ready's error until
// ready returns nil (a host is ready once it has read the registry).
// Without it, /readyz answers 200 as /healthz does.
func WithReadiness(ready func() error) Option {
	return func(o *options) { o.ready = ready }
}

// WithTenants says how the host places an app (host.Tenant): the
// environment its settings are read with, its data folder and its limit
// caps. Migrations run with it, as the host will open the app. By default
// an app is placed with its name, the registry's DataDir and an empty
// environment (never the host process's). The Name is always the app's
// and an empty DataDir is the registry's.
func WithTenants(place func(app string) host.Tenant) Option {
	return func(o *options) { o.place = place }
}

// handler is the admin listener's http.Handler.
type handler struct {
	reg registry.Registry
	options
	router  *mux.Router
	metrics *metrics
	locks   sync.Map // app name -> *sync.Mutex: one change of an app at a time
}

// New returns the admin handler over reg: the deploy API, /healthz,
// /readyz and /metrics (spec/hosting.md, "The deploy API").
func New(reg registry.Registry, opts ...Option) http.Handler {
	o := options{maxBundle: DefaultMaxBundleBytes, log: slog.Default()}
	for _, f := range opts {
		f(&o)
	}
	h := &handler{reg: reg, options: o}
	h.metrics = newMetrics(o.metrics, o.log)

	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httperr.JSON(w, http.StatusNotFound, "no endpoint "+r.URL.Path+" (spec/hosting.md, \"The deploy API\")")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httperr.JSON(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
	})
	app := "/v1/apps/{app:" + nameRE + "}"
	r.Handle("/v1/apps", h.auth(operatorOnly, h.listApps)).Methods("GET")
	r.Handle(app+"/versions", h.auth(operatorOrApp, h.upload)).Methods("POST")
	r.Handle(app+"/versions", h.auth(operatorOrApp, h.listVersions)).Methods("GET")
	r.Handle(app+"/activate", h.auth(operatorOrApp, h.activate)).Methods("POST")
	r.Handle(app+"/versions/{version}", h.auth(operatorOnly, h.deleteVersion)).Methods("DELETE")
	r.Handle(app, h.auth(operatorOnly, h.deleteApp)).Methods("DELETE")
	r.Handle(app+"/tokens", h.auth(operatorOnly, h.addToken)).Methods("POST")
	r.HandleFunc("/healthz", h.healthz).Methods("GET", "HEAD")
	r.HandleFunc("/readyz", h.readyz).Methods("GET", "HEAD")
	r.Handle("/metrics", h.auth(operatorOnly, h.metrics.serve)).Methods("GET")
	h.router = r
	return h
}

// record counts a deploy's outcome and reports it to WithOnDeploy's f.
func (h *handler) record(app, version, outcome, by string) {
	h.metrics.deploys.WithLabelValues(outcome).Inc()
	if h.onDeploy != nil {
		h.onDeploy(Event{App: app, Version: version, Outcome: outcome, By: by, Time: time.Now().UTC()})
	}
}

// nameRE is registry.NameRE without its anchors, for a route variable.
const nameRE = `[a-z][a-z0-9-]{0,62}`

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.router.ServeHTTP(w, r)
}

// lock takes app's lock: uploads, activations and deletions of one app run
// one at a time, so that the version activated last is the one a client
// was answered about last.
func (h *handler) lock(app string) (unlock func()) {
	m, _ := h.locks.LoadOrStore(app, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// place is the tenant app is, as the host opens it.
func (h *handler) place(app string) host.Tenant {
	t := host.Tenant{Lookup: func(string) (string, bool) { return "", false }}
	if h.options.place != nil {
		t = h.options.place(app)
	}
	t.Name = app
	if t.DataDir == "" {
		t.DataDir = h.reg.DataDir(app)
	}
	return t
}
