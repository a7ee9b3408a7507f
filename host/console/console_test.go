package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host/console"
	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/tenant"
)

const opToken = "operator-secret"

// put stores a version of app in reg: the C handler of examples/hello-c
// at /c, with a settings file that tells the versions apart.
func put(t *testing.T, reg registry.Registry, app, tag string) registry.Version {
	t.Helper()
	wasm, err := filepath.Abs("../../examples/hello-c/routes/c/handler.wasm")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "artifact")
	if _, err := artifact.Write(out, artifact.Spec{App: app, Routes: []string{"c/handler.wasm"},
		Files:    map[string]string{"routes/c/handler.wasm": wasm},
		Contents: map[string][]byte{"sandkit.toml": []byte("# " + tag + "\n")}}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := registry.Pack(out, &b); err != nil {
		t.Fatal(err)
	}
	v, err := reg.Put(context.Background(), app, &b, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Activate(context.Background(), app, v.Name); err != nil {
		t.Fatal(err)
	}
	return v
}

// fakeStats are a host's counters the test sets.
type fakeStats struct {
	mu sync.Mutex
	s  map[string]tenant.TenantStats
}

func (f *fakeStats) set(s tenant.TenantStats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.s[s.App] = s
}

func (f *fakeStats) stats() []tenant.TenantStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []tenant.TenantStats
	for _, s := range f.s {
		out = append(out, s)
	}
	return out
}

type fixture struct {
	url   string
	reg   *registry.Dir
	stats *fakeStats
	hist  *console.History
}

// newFixture serves the console beside the deploy API on loopback, as
// sandkit serve --admin-addr does, over a registry with apps blog (v1)
// and shop (v1, v2 active).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, err := registry.OpenDir(t.TempDir(), registry.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	put(t, reg, "blog", "b1")
	put(t, reg, "shop", "s1")
	put(t, reg, "shop", "s2")
	f := &fixture{reg: reg, stats: &fakeStats{s: map[string]tenant.TenantStats{}}}
	f.stats.set(tenant.TenantStats{App: "blog"})
	f.stats.set(tenant.TenantStats{App: "shop", Active: "v2"})
	f.hist = console.NewHistory(f.stats.stats)
	deploys := console.NewDeploys(0)
	api := deploy.New(reg, deploy.WithOperatorToken(opToken), deploy.WithOnDeploy(deploys.Record), deploy.WithLogger(quiet))
	con, err := console.New(console.Config{OperatorToken: opToken, Registry: reg, Stats: f.stats.stats, History: f.hist,
		Deploys: deploys, Activate: console.ActivateVia(api, opToken), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { con.Close(context.Background()) })
	mux := http.NewServeMux()
	mux.Handle("/", api)
	for _, p := range console.Paths {
		mux.Handle(p, con)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

type answer struct {
	status int
	header http.Header
	body   string
}

// browser is a client with a cookie jar that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values, hdr ...string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func want(t *testing.T, what string, got answer, status int, contains ...string) {
	t.Helper()
	if got.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, got.status, status, got.body)
	}
	for _, s := range contains {
		if !strings.Contains(got.body, s) {
			t.Fatalf("%s: the answer lacks %q:\n%s", what, s, got.body)
		}
	}
}

func TestLogin(t *testing.T) {
	f := newFixture(t)
	c := browser(t)
	want(t, "no cookie", send(t, c, "GET", f.url+"/console", nil), 401, `name="token"`)
	want(t, "a tenant's page, no cookie", send(t, c, "GET", f.url+"/console/tenants/shop", nil), 401, `name="token"`)
	want(t, "JSON, no token", send(t, c, "GET", f.url+"/v1/console/tenants", nil), 401)
	want(t, "JSON, wrong token", send(t, c, "GET", f.url+"/v1/console/tenants", nil, "Authorization", "Bearer nope"), 401)

	wrong := send(t, c, "POST", f.url+"/console/login", url.Values{"token": {"nope"}}, "Origin", f.url)
	want(t, "wrong token", wrong, 401, "not the operator token")
	if wrong.header.Get("Set-Cookie") != "" {
		t.Fatalf("a wrong token got a cookie: %s", wrong.header.Get("Set-Cookie"))
	}
	want(t, "no Origin", send(t, c, "POST", f.url+"/console/login", url.Values{"token": {opToken}}), 403)
	want(t, "another Origin", send(t, c, "POST", f.url+"/console/login", url.Values{"token": {opToken}}, "Origin", "http://evil.example"), 403)
	want(t, "still no session", send(t, c, "GET", f.url+"/console", nil), 401)

	ok := send(t, c, "POST", f.url+"/console/login", url.Values{"token": {opToken}}, "Origin", f.url)
	want(t, "login", ok, 303)
	ck := ok.header.Get("Set-Cookie")
	for _, s := range []string{console.CookieName + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(ck, s) {
			t.Fatalf("cookie %q lacks %s", ck, s)
		}
	}
	if strings.Contains(ck, "Secure") {
		t.Fatalf("cookie %q is Secure on loopback over HTTP: a browser would not send it", ck)
	}
	// Behind a proxy (a public Host, https in the browser) it is Secure.
	req, _ := http.NewRequest("POST", f.url+"/console/login", strings.NewReader("token="+opToken))
	req.Host = "console.example.com"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://console.example.com")
	resp, err := browser(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ck := resp.Header.Get("Set-Cookie"); resp.StatusCode != 303 || !strings.Contains(ck, "Secure") {
		t.Fatalf("a login through a proxy: %d, cookie %q, want 303 and Secure", resp.StatusCode, ck)
	}
	want(t, "overview", send(t, c, "GET", f.url+"/console", nil), 200, `href="/console/tenants/blog"`, `href="/console/tenants/shop"`)
	want(t, "JSON with the session", send(t, c, "GET", f.url+"/v1/console/tenants", nil), 200, `"shop"`)

	// A forged cookie is no session.
	other := browser(t)
	u, _ := url.Parse(f.url)
	other.Jar.SetCookies(u, []*http.Cookie{{Name: console.CookieName, Value: strings.Repeat("0", 64)}})
	want(t, "forged cookie", send(t, other, "GET", f.url+"/console", nil), 401)

	want(t, "logout", send(t, c, "POST", f.url+"/console/logout", url.Values{}, "Origin", f.url), 303)
	want(t, "after logout", send(t, c, "GET", f.url+"/console", nil), 401)
}

func TestEndpoints(t *testing.T) {
	f := newFixture(t)
	c := browser(t)
	auth := []string{"Authorization", "Bearer " + opToken}

	var list console.TenantList
	a := send(t, c, "GET", f.url+"/v1/console/tenants", nil, auth...)
	want(t, "tenants", a, 200)
	if err := json.Unmarshal([]byte(a.body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Tenants) != 2 || list.Tenants[1].Name != "shop" || list.Tenants[1].Active != "v2" || len(list.Tenants[1].Versions) != 2 {
		t.Fatalf("tenants: %+v", list.Tenants)
	}

	// Two intervals: the first sees 3 requests (one 503 at the limits),
	// the second none.
	t0 := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	f.hist.Sample(t0)
	f.hist.Observe("shop", 200, 2*time.Millisecond)
	f.hist.Observe("shop", 200, 3*time.Millisecond)
	f.hist.Observe("shop", 503, 40*time.Millisecond)
	f.stats.set(tenant.TenantStats{App: "shop", Active: "v2", Loaded: "v2", Memory: 64 << 20, Requests: 3, LimitHits: 1})
	f.hist.Sample(t0.Add(10 * time.Second))
	f.hist.Sample(t0.Add(20 * time.Second))

	var s console.Series
	a = send(t, c, "GET", f.url+"/v1/console/tenants/shop/series", nil, auth...)
	want(t, "series", a, 200)
	if err := json.Unmarshal([]byte(a.body), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 3 {
		t.Fatalf("series: %d points, want 3: %+v", len(s.Points), s.Points)
	}
	p := s.Points[1]
	if p.Requests != 3 || p.Errors != 1 || p.LimitHits != 1 || !p.Loaded || p.Memory != 64<<20 || p.P50 != 3.2 || p.P99 != 51.2 {
		t.Fatalf("the busy interval: %+v", p)
	}
	if q := s.Points[2]; q.Requests != 0 || q.P99 != 0 || !q.Time.Equal(t0.Add(20*time.Second)) {
		t.Fatalf("the idle interval: %+v", q)
	}
	want(t, "no such tenant", send(t, c, "GET", f.url+"/v1/console/tenants/nope/series", nil, auth...), 404)
	want(t, "not a name", send(t, c, "GET", f.url+"/v1/console/tenants/Nope/series", nil, auth...), 404)
	want(t, "one tenant", send(t, c, "GET", f.url+"/v1/console/tenants/shop", nil, auth...), 200, `"version":"v1"`, `"version":"v2"`)
	want(t, "a wrong method", send(t, c, "DELETE", f.url+"/v1/console/tenants", nil, auth...), 405, `"status":405`)
	want(t, "no such page", send(t, c, "GET", f.url+"/console/nope", nil, auth...), 404, `"status":404`)
}

func TestRollback(t *testing.T) {
	f := newFixture(t)
	c := browser(t)
	rollback := f.url + "/console/tenants/shop"
	v1 := url.Values{"version": {"v1"}}
	want(t, "no session", send(t, c, "POST", rollback, v1, "Origin", f.url), 401)
	want(t, "login", send(t, c, "POST", f.url+"/console/login", url.Values{"token": {opToken}}, "Origin", f.url), 303)
	want(t, "page", send(t, c, "GET", f.url+"/console/tenants/shop", nil), 200, `value="v1"`, `<b id="active">v2</b>`)
	want(t, "no Origin", send(t, c, "POST", rollback, v1), 403)
	want(t, "another Origin", send(t, c, "POST", rollback, v1, "Origin", "http://evil.example"), 403)
	if got := active(t, f.reg, "shop"); got != "v2" {
		t.Fatalf("refused rollbacks changed the active version to %s", got)
	}
	want(t, "unknown version", send(t, c, "POST", rollback, url.Values{"version": {"v9"}}, "Origin", f.url), 404)

	a := send(t, c, "POST", rollback, v1, "Origin", f.url)
	want(t, "rollback", a, 303)
	if loc := a.header.Get("Location"); loc != "/console/tenants/shop" {
		t.Fatalf("rollback redirects to %q", loc)
	}
	if got := active(t, f.reg, "shop"); got != "v1" {
		t.Fatalf("after the rollback the active version is %s, want v1", got)
	}
	want(t, "deploys", send(t, c, "GET", f.url+"/v1/console/deploys?app=shop", nil), 200,
		`"app":"shop","version":"v1","outcome":"activated","by":"operator"`)
	want(t, "page after", send(t, c, "GET", f.url+"/console/tenants/shop", nil), 200, `<b id="active">v1</b>`, `activated`)
}

func active(t *testing.T, reg registry.Registry, app string) string {
	t.Helper()
	vs, err := reg.Versions(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Active {
			return v.Name
		}
	}
	return ""
}

// The history keeps a bounded ring per tenant and a bounded number of
// tenants, dropping the least active and those the host no longer serves.
func TestHistoryBounds(t *testing.T) {
	f := &fakeStats{s: map[string]tenant.TenantStats{}}
	h := console.NewHistory(f.stats, console.WithPoints(4), console.WithMaxTenants(2))
	for _, app := range []string{"a", "b", "c"} {
		f.set(tenant.TenantStats{App: app})
	}
	t0 := time.Unix(0, 0)
	h.Sample(t0)
	// b and c get requests, a none: a is dropped past the cap of 2.
	f.set(tenant.TenantStats{App: "b", Requests: 5})
	f.set(tenant.TenantStats{App: "c", Requests: 1})
	for i := 1; i <= 9; i++ {
		h.Sample(t0.Add(time.Duration(i) * time.Second))
	}
	if h.Series("a") != nil {
		t.Fatal("the least active tenant is kept past the cap")
	}
	pts := h.Series("b")
	if len(pts) != 4 || !pts[3].Time.Equal(t0.Add(9*time.Second).UTC()) || !pts[0].Time.Equal(t0.Add(6*time.Second).UTC()) {
		t.Fatalf("b's ring: %+v", pts)
	}
	// c leaves the host: it is forgotten at the next sample.
	f.mu.Lock()
	delete(f.s, "c")
	f.mu.Unlock()
	h.Observe("c", 200, time.Millisecond)
	h.Sample(t0.Add(10 * time.Second))
	if h.Series("c") != nil {
		t.Fatal("a removed tenant is kept")
	}
}

// Login attempts from one address are rate-limited: past LoginBurst the
// console answers 429 with Retry-After, even to the right token, and sets
// no cookie.
func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t)
	c := browser(t)
	for i := range console.LoginBurst {
		want(t, fmt.Sprintf("wrong token %d", i+1), send(t, c, "POST", f.url+"/console/login", url.Values{"token": {"guess"}}, "Origin", f.url), 401)
	}
	limited := send(t, c, "POST", f.url+"/console/login", url.Values{"token": {opToken}}, "Origin", f.url)
	want(t, "past the burst", limited, 429, "Too many login attempts")
	if ra := limited.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("429 with Retry-After %q", ra)
	}
	if ck := limited.header.Get("Set-Cookie"); ck != "" {
		t.Errorf("a rate-limited login got a cookie: %s", ck)
	}
	want(t, "still no session", send(t, c, "GET", f.url+"/console", nil), 401)
	// The bearer token of the JSON API is not a login: it is not limited.
	want(t, "JSON with the token", send(t, c, "GET", f.url+"/v1/console/tenants", nil, "Authorization", "Bearer "+opToken), 200)
}
