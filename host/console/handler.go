// The console's handler: its routes on the admin listener, who may use
// them (the operator token or a session), the JSON endpoints and the
// rollback action.

package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/tenant"
)

// Config is what the console reads and does.
type Config struct {
	// OperatorToken logs in (the admin listener's SANDKIT_ADMIN_TOKEN);
	// empty, nobody can.
	OperatorToken string
	// Registry lists the apps and their versions.
	Registry registry.Registry
	// Stats is the host's live counters (tenant.Host.Stats).
	Stats func() []tenant.TenantStats
	// History and Deploys are what the charts and the deploy list show.
	History *History
	Deploys *Deploys
	// Activate activates version of app (migrations first), as the deploy
	// API's POST /v1/apps/NAME/activate does: the rollback action.
	Activate func(ctx context.Context, app, version string) error
	// Log receives logins refused and rollbacks; nil: slog.Default().
	Log *slog.Logger
}

// TenantInfo is one tenant as GET /v1/console/tenants lists it.
type TenantInfo struct {
	Name      string             `json:"name"`
	Active    string             `json:"active"`
	Loaded    string             `json:"loaded"` // "" when not loaded
	Memory    int64              `json:"memory_bytes"`
	Running   int                `json:"running"`
	Queued    int                `json:"queued"`
	Requests  uint64             `json:"requests"`
	LimitHits uint64             `json:"limit_hits"`
	Versions  []registry.Version `json:"versions"`
}

// TenantList is the answer of GET /v1/console/tenants.
type TenantList struct {
	Tenants []TenantInfo   `json:"tenants"`
	Deploys []deploy.Event `json:"deploys"` // newest first
}

// Series is the answer of GET /v1/console/tenants/NAME/series.
type Series struct {
	Name     string  `json:"name"`
	Interval float64 `json:"interval_seconds"`
	Points   []Point `json:"points"` // oldest first
}

// handler is the console's http.Handler.
type handler struct {
	Config
	sess   *sessions
	logins *loginLimiter
	pages  *consolePages
	mux    *http.ServeMux
}

// Console is the console's http.Handler; Close frees its pages.
type Console struct {
	*handler
}

// New returns the console: mount it on the admin listener for Paths. It
// writes its pages into a temporary folder, removed by Close.
func New(cfg Config) (*Console, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	p, err := newPages()
	if err != nil {
		return nil, err
	}
	h := &handler{Config: cfg, sess: newSessions(cfg.OperatorToken), logins: newLoginLimiter(), pages: p, mux: http.NewServeMux()}
	h.mux.Handle("GET /console", h.pageRoute(routeOverview, h.overviewData))
	h.mux.Handle("/console/tenants/{name}", h.pageRoute(routeTenant, h.tenantData))
	h.mux.HandleFunc("GET /_sandkit/console/", h.assets)
	h.mux.HandleFunc("POST /console/login", h.login)
	h.mux.HandleFunc("POST /console/logout", h.logout)
	h.mux.Handle("GET /v1/console/tenants", h.operator(h.listTenants))
	h.mux.Handle("GET /v1/console/tenants/{app}", h.operator(h.oneTenant))
	h.mux.Handle("GET /v1/console/tenants/{app}/series", h.operator(h.series))
	h.mux.Handle("GET /v1/console/deploys", h.operator(h.deploys))
	return &Console{h}, nil
}

// Close frees the pages' engine and removes their folder.
func (c *Console) Close(ctx context.Context) { c.pages.close(ctx) }

// Paths are the paths the console answers, for the admin listener's mux.
var Paths = []string{"/console", "/console/", "/v1/console/", "/_sandkit/console/"}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern == "" {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			if _, p := h.mux.Handler(&http.Request{Method: m, URL: r.URL, Host: r.Host}); p != "" {
				httperr.JSON(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
				return
			}
		}
		httperr.JSON(w, http.StatusNotFound, "no console page "+r.URL.Path)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/_sandkit/") {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Header().Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

// operator admits the operator: its bearer token or a session cookie.
func (h *handler) operator(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok, ok := bearer(r); ok && h.sess.isOperator(tok) || h.sess.valid(r) {
			next(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="sandkit admin"`)
		httperr.JSON(w, http.StatusUnauthorized, "the console needs the operator token (Authorization: Bearer TOKEN) or a login at /console")
	})
}

// tenants is every tenant the registry lists, with the host's counters.
func (h *handler) tenants(ctx context.Context, withVersions bool) ([]TenantInfo, error) {
	apps, err := h.Registry.Apps(ctx)
	if err != nil {
		return nil, fmt.Errorf("console: listing apps: %w", err)
	}
	stats := map[string]tenant.TenantStats{}
	if h.Stats != nil {
		for _, s := range h.Stats() {
			stats[s.App] = s
		}
	}
	out := make([]TenantInfo, 0, len(apps))
	for _, a := range apps {
		s := stats[a.Name]
		t := TenantInfo{Name: a.Name, Active: a.Active, Loaded: s.Loaded, Memory: s.Memory, Running: s.Running,
			Queued: s.Queued, Requests: s.Requests, LimitHits: s.LimitHits, Versions: []registry.Version{}}
		if withVersions {
			vs, err := h.Registry.Versions(ctx, a.Name)
			if err != nil && !errors.Is(err, registry.ErrNotFound) {
				return nil, fmt.Errorf("console: app %q: listing versions: %w", a.Name, err)
			}
			if vs != nil {
				t.Versions = vs
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// tenant is app's TenantInfo; registry.ErrNotFound if it is not a tenant.
func (h *handler) tenant(ctx context.Context, app string) (TenantInfo, error) {
	if !registry.NameRE.MatchString(app) {
		return TenantInfo{}, fmt.Errorf("console: %q is not an app name: %w", app, registry.ErrNotFound)
	}
	ts, err := h.tenants(ctx, false)
	if err != nil {
		return TenantInfo{}, err
	}
	for _, t := range ts {
		if t.Name == app {
			vs, err := h.Registry.Versions(ctx, app)
			if err != nil {
				return TenantInfo{}, fmt.Errorf("console: app %q: listing versions: %w", app, err)
			}
			t.Versions = vs
			return t, nil
		}
	}
	return TenantInfo{}, fmt.Errorf("console: no app %q: %w", app, registry.ErrNotFound)
}

func (h *handler) listTenants(w http.ResponseWriter, r *http.Request) {
	ts, err := h.tenants(r.Context(), true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httperr.WriteJSON(w, http.StatusOK, TenantList{Tenants: ts, Deploys: h.Deploys.Last("")})
}

func (h *handler) oneTenant(w http.ResponseWriter, r *http.Request) {
	t, err := h.tenant(r.Context(), r.PathValue("app"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	httperr.WriteJSON(w, http.StatusOK, t)
}

func (h *handler) series(w http.ResponseWriter, r *http.Request) {
	app := r.PathValue("app")
	if _, err := h.tenant(r.Context(), app); err != nil {
		h.fail(w, r, err)
		return
	}
	pts := h.History.Series(app)
	if pts == nil {
		pts = []Point{}
	}
	httperr.WriteJSON(w, http.StatusOK, Series{Name: app, Interval: h.History.interval.Seconds(), Points: pts})
}

func (h *handler) deploys(w http.ResponseWriter, r *http.Request) {
	httperr.WriteJSON(w, http.StatusOK, struct {
		Deploys []deploy.Event `json:"deploys"`
	}{h.Deploys.Last(r.URL.Query().Get("app"))})
}

// fail answers err: 404 for what the registry does not hold, else 500,
// logged.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, registry.ErrNotFound) {
		httperr.JSON(w, http.StatusNotFound, err.Error())
		return
	}
	h.Log.Error("console: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	httperr.JSON(w, http.StatusInternalServerError, "internal error (the host's log has it)")
}
