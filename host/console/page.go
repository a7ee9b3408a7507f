// The console's pages: the login form, the tenants overview and a
// tenant's page, rendered on the server with hand-drawn SVG charts of the
// last hour.

package console

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// chart is one SVG polyline of a series over the ring's width.
type chart struct {
	Label  string
	Points string // the polyline's "x,y x,y …"; "" with no point
	Max    string // the top of the scale, for the label
	W, H   int
}

// newChart draws vs (oldest first) right-aligned on a width of slots
// points, scaled to the largest value.
func newChart(label string, vs []float64, slots int, unit func(float64) string) chart {
	c := chart{Label: label, W: 240, H: 40}
	var top float64
	for _, v := range vs {
		top = max(top, v)
	}
	c.Max = unit(top)
	if len(vs) == 0 {
		return c
	}
	if top == 0 {
		top = 1
	}
	var b strings.Builder
	step := float64(c.W) / float64(max(1, slots-1))
	for i, v := range vs {
		x := float64(c.W) - float64(len(vs)-1-i)*step
		y := float64(c.H) - v/top*float64(c.H-2) - 1
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	c.Points = strings.TrimSpace(b.String())
	return c
}

// charts are a tenant's charts: requests, latency p99 and memory.
func (h *handler) charts(app string) []chart {
	pts := h.History.Series(app)
	var req, p50, p99, mem []float64
	for _, p := range pts {
		req = append(req, float64(p.Requests))
		p50 = append(p50, p.P50)
		p99 = append(p99, p.P99)
		mem = append(mem, float64(p.Memory))
	}
	n := h.History.points
	count := func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }
	ms := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " ms" }
	return []chart{
		newChart("requests / "+h.History.interval.String(), req, n, count),
		newChart("latency p50", p50, n, ms),
		newChart("latency p99", p99, n, ms),
		newChart("memory", mem, n, func(v float64) string { return mib(int64(v)) }),
	}
}

func mib(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 0, 64) + " MiB" }

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"mib":  mib,
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
}).Parse(`
{{define "head"}}<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{.}} · sandkit console</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}
td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
svg{background:#f6f8fa;display:block}polyline{fill:none;stroke:#0969da;stroke-width:1.5}
.chart{display:inline-block;margin-right:1rem}.chart small{color:#666}.err{color:#b00}
</style></head><body>{{end}}
{{define "login"}}{{template "head" "log in"}}
<h1>sandkit console</h1>
{{if .}}<p class="err" id="error">{{.}}</p>{{end}}
<form method="post" action="/console/login">
<label>Operator token <input type="password" name="token" autocomplete="current-password" autofocus></label>
<button type="submit">Log in</button></form></body></html>{{end}}
{{define "charts"}}{{range .}}<div class="chart"><small>{{.Label}} (max {{.Max}})</small>
<svg width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="{{.Label}}">{{if .Points}}<polyline points="{{.Points}}"/>{{end}}</svg></div>{{end}}{{end}}
{{define "logout"}}<form method="post" action="/console/logout" style="float:right"><button>Log out</button></form>{{end}}
{{define "overview"}}{{template "head" "tenants"}}{{template "logout"}}
<h1>Tenants</h1>
<table id="tenants"><tr><th>app</th><th>active</th><th>loaded</th><th>memory</th><th>requests</th><th>limit hits</th><th>last hour</th></tr>
{{range .Tenants}}<tr data-app="{{.Info.Name}}"><td><a href="/console/tenants/{{.Info.Name}}">{{.Info.Name}}</a></td><td>{{.Info.Active}}</td>
<td>{{if .Info.Loaded}}{{.Info.Loaded}}{{else}}no{{end}}</td><td>{{mib .Info.Memory}}</td><td>{{.Info.Requests}}</td><td>{{.Info.LimitHits}}</td>
<td>{{template "charts" .Charts}}</td></tr>{{end}}</table>
<h2>Deploys</h2>
<table id="deploys"><tr><th>when</th><th>app</th><th>version</th><th>outcome</th><th>by</th></tr>
{{range .Deploys}}<tr><td>{{when .Time}}</td><td>{{.App}}</td><td>{{.Version}}</td><td>{{.Outcome}}</td><td>{{.By}}</td></tr>{{else}}<tr><td colspan="5">none since the host started</td></tr>{{end}}</table>
</body></html>{{end}}
{{define "tenant"}}{{template "head" .Info.Name}}{{template "logout"}}
<p><a href="/console">← tenants</a></p>
<h1>{{.Info.Name}}</h1>
{{if .Message}}<p class="err" id="error">{{.Message}}</p>{{end}}
<p>active <b id="active">{{.Info.Active}}</b> · loaded {{if .Info.Loaded}}{{.Info.Loaded}}{{else}}no{{end}} · {{mib .Info.Memory}} · {{.Info.Requests}} requests · {{.Info.LimitHits}} limit hits</p>
{{template "charts" .Charts}}
<h2>Versions</h2>
<table id="versions"><tr><th>version</th><th>created</th><th>size</th><th></th></tr>
{{range .Info.Versions}}<tr data-version="{{.Name}}"><td>{{.Name}}</td><td>{{when .Created}}</td><td>{{.Size}} B</td><td>{{if .Active}}active{{else}}
<form method="post" action="/console/tenants/{{$.Info.Name}}/rollback"><input type="hidden" name="version" value="{{.Name}}"><button type="submit">Activate {{.Name}}</button></form>{{end}}</td></tr>{{end}}</table>
<h2>Deploys</h2>
<table id="deploys"><tr><th>when</th><th>version</th><th>outcome</th><th>by</th></tr>
{{range .Deploys}}<tr><td>{{when .Time}}</td><td>{{.Version}}</td><td>{{.Outcome}}</td><td>{{.By}}</td></tr>{{else}}<tr><td colspan="4">none since the host started</td></tr>{{end}}</table>
</body></html>{{end}}
`))

// render writes template name with data, or a 500.
func (h *handler) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		h.Log.Error("console: rendering a page", "page", name, "err", err)
		http.Error(w, "internal error (the host's log has it)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (h *handler) loginForm(w http.ResponseWriter, status int, msg string) {
	h.render(w, status, "login", msg)
}

func (h *handler) overview(w http.ResponseWriter, r *http.Request) {
	ts, err := h.tenants(r.Context(), false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type row struct {
		Info   TenantInfo
		Charts []chart
	}
	data := struct {
		Tenants []row
		Deploys any
	}{Deploys: h.Deploys.Last("")}
	for _, t := range ts {
		data.Tenants = append(data.Tenants, row{t, h.charts(t.Name)})
	}
	h.render(w, http.StatusOK, "overview", data)
}

func (h *handler) tenantPage(w http.ResponseWriter, r *http.Request) {
	h.tenantPageMsg(w, r, http.StatusOK, "")
}

func (h *handler) tenantPageMsg(w http.ResponseWriter, r *http.Request, status int, msg string) {
	app := r.PathValue("app")
	t, err := h.tenant(r.Context(), app)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, status, "tenant", struct {
		Info    TenantInfo
		Charts  []chart
		Deploys any
		Message string
	}{t, h.charts(app), h.Deploys.Last(app), msg})
}
