// The console pages' data: the Go handlers the pages (app/routes/console)
// get their data from as JSON on GET, and whose POST is the rollback
// action (spec/pages.md, "Serving a page route").

package console

import (
	"errors"
	"net/http"
	"strings"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/registry"
)

// Columns is a tenant's points as one array per measure, oldest first:
// what the pages chart.
type Columns struct {
	Requests  []uint64  `json:"requests"`
	Errors    []uint64  `json:"errors"`
	LimitHits []uint64  `json:"limit_hits"`
	P50       []float64 `json:"p50_ms"`
	P99       []float64 `json:"p99_ms"`
	Memory    []int64   `json:"memory_bytes"`
}

func columns(pts []Point) Columns {
	c := Columns{Requests: []uint64{}, Errors: []uint64{}, LimitHits: []uint64{}, P50: []float64{}, P99: []float64{}, Memory: []int64{}}
	for _, p := range pts {
		c.Requests = append(c.Requests, p.Requests)
		c.Errors = append(c.Errors, p.Errors)
		c.LimitHits = append(c.LimitHits, p.LimitHits)
		c.P50 = append(c.P50, p.P50)
		c.P99 = append(c.P99, p.P99)
		c.Memory = append(c.Memory, p.Memory)
	}
	return c
}

// OverviewData is the data of the tenants page (/console).
type OverviewData struct {
	Slots    int            `json:"slots"` // points an hour holds: the charts' width
	Interval float64        `json:"interval_seconds"`
	Tenants  []TenantRow    `json:"tenants"`
	Deploys  []deploy.Event `json:"deploys"`
}

// TenantRow is one tenant of the overview.
type TenantRow struct {
	Tenant TenantInfo `json:"tenant"`
	Series Columns    `json:"series"`
}

// TenantData is the data of a tenant's page (/console/tenants/NAME).
type TenantData struct {
	Slots    int            `json:"slots"`
	Interval float64        `json:"interval_seconds"`
	Tenant   TenantInfo     `json:"tenant"`
	Series   Columns        `json:"series"`
	Deploys  []deploy.Event `json:"deploys"`
}

// overviewData answers the tenants page's data.
func (h *handler) overviewData(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		httperr.JSON(w, http.StatusMethodNotAllowed, "the tenants page has no action")
		return
	}
	ts, err := h.tenants(r.Context(), true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := OverviewData{Slots: h.History.points, Interval: h.History.interval.Seconds(), Tenants: []TenantRow{}, Deploys: h.Deploys.Last("")}
	for _, t := range ts {
		d.Tenants = append(d.Tenants, TenantRow{Tenant: t, Series: columns(h.History.Series(t.Name))})
	}
	httperr.WriteJSON(w, http.StatusOK, d)
}

// tenantData answers a tenant page's data (GET) and its rollback form
// (POST version=vN: activate that version).
func (h *handler) tenantData(w http.ResponseWriter, r *http.Request) {
	app := r.PathValue("name")
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		t, err := h.tenant(r.Context(), app)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		httperr.WriteJSON(w, http.StatusOK, TenantData{Slots: h.History.points, Interval: h.History.interval.Seconds(), Tenant: t,
			Series: columns(h.History.Series(app)), Deploys: h.Deploys.Last(app)})
	case http.MethodPost:
		h.rollback(w, r, app)
	default:
		httperr.JSON(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
	}
}

// rollback activates the version the form names (any stored version: a
// rollback, or a version uploaded without activating it). The session was
// checked before; the form must come from the console's own page.
func (h *handler) rollback(w http.ResponseWriter, r *http.Request, app string) {
	if !sameOrigin(r) {
		httperr.JSON(w, http.StatusForbidden, "a console form must be posted from the console's own page (Origin)")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	version := strings.TrimSpace(r.PostFormValue("version"))
	if !registry.NameRE.MatchString(app) || version == "" {
		httperr.JSON(w, http.StatusBadRequest, "the form needs the version to activate")
		return
	}
	if err := h.Activate(r.Context(), app, version); err != nil {
		if errors.Is(err, registry.ErrNotFound) {
			httperr.JSON(w, http.StatusNotFound, err.Error())
			return
		}
		h.Log.Warn("console: activation failed", "app", app, "version", version, "err", err)
		httperr.JSON(w, http.StatusUnprocessableEntity, "activating "+version+" failed: "+err.Error())
		return
	}
	h.Log.Info("console: version activated", "app", app, "version", version, "by", "operator (console)")
	http.Redirect(w, r, "/console/tenants/"+app, http.StatusSeeOther)
}
