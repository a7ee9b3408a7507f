package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/routing"
)

// guest is a C test guest of host/testdata/guests.
func guest(name string) string { return filepath.Join("..", "testdata", "guests", name) }

// writeArtifact writes to out an artifact of prebuilt modules: routes maps
// a route id ("", "spin") to a guest's file name; toml is its sandkit.toml.
func writeArtifact(t testing.TB, out string, routes map[string]string, toml string) {
	t.Helper()
	src := t.TempDir()
	spec := artifact.Spec{App: filepath.Base(out), Files: map[string]string{}, Contents: map[string][]byte{"sandkit.toml": []byte(toml)}}
	for id, g := range routes {
		rel := filepath.Join("routes", id, routing.WasmFile)
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(guest(g))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
		spec.Files[filepath.ToSlash(rel)] = filepath.Join(src, rel)
	}
	table, err := routing.Scan(os.DirFS(filepath.Join(src, "routes")))
	if err != nil {
		t.Fatal(err)
	}
	spec.Routes = artifact.RouteFiles(table)
	if _, err := artifact.Write(out, spec); err != nil {
		t.Fatal(err)
	}
}

// events is an observer that hands the host's events to the test.
type events chan Event

func (e events) observe(ev Event) {
	select {
	case e <- ev:
	default: // the test reads Stats for anything it missed
	}
}

// until waits for an event of kind for app; it fails t after a minute.
func (e events) until(t testing.TB, kind EventKind, app string) Event {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case ev := <-e:
			if ev.Kind == kind && ev.App == app {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event %d for %s in a minute", kind, app)
		}
	}
}

// testHost serves the bundle directory dir with cfg.
func testHost(t testing.TB, dir string, cfg Config, log io.Writer, opts ...Option) (*Host, events) {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	eng, err := host.NewEngine(host.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.OpenDir(dir, registry.WithLogger(logger), registry.WithPollInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	ev := make(events, 64)
	h, err := New(context.Background(), eng, reg, cfg, append([]Option{WithLogger(logger), WithObserver(ev.observe)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close(context.Background())
		eng.Close(context.Background())
	})
	return h, ev
}

type reply struct {
	status int
	header http.Header
	body   string
}

// get sends GET url with the Host header hostHeader to h.
func get(h http.Handler, hostHeader, url string) reply {
	req := httptest.NewRequest("GET", url, nil)
	req.Host = hostHeader
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Header(), rec.Body.String()}
}

// stats is tenant app's entry of h.Stats().
func stats(t testing.TB, h *Host, app string) TenantStats {
	t.Helper()
	for _, s := range h.Stats() {
		if s.App == app {
			return s
		}
	}
	t.Fatalf("no stats for %s in %+v", app, h.Stats())
	return TenantStats{}
}

func TestRouting(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "one"), map[string]string{"": "ok_v1.wasm"}, "")
	writeArtifact(t, filepath.Join(dir, "two"), map[string]string{"": "ok_v2.wasm"}, "")
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test", PathPrefix: true,
		Apps: map[string]AppConfig{"two": {Domains: []string{"two.example.org"}}}}, nil)
	for _, c := range []struct {
		host, url string
		status    int
		body      string
	}{
		{"one.apps.test", "/?v=1", 200, "v1"},
		{"ONE.apps.test:8080", "/?v=1", 200, "v1"},
		{"two.apps.test", "/?v=1", 200, "v2"},
		{"two.example.org", "/?v=1", 200, "v2"},
		{"127.0.0.1:8080", "/one/?v=1", 200, "v1"},
		{"127.0.0.1:8080", "/two?v=1", 200, "v2"},
		{"three.apps.test", "/", 404, `"status":404`},
		{"a.one.apps.test", "/", 404, `"status":404`},
		{"elsewhere.test", "/", 404, `"status":404`},
		{"127.0.0.1", "/three/", 404, `no app named three`},
		{"127.0.0.1", "/", 404, `"status":404`},
	} {
		r := get(h, c.host, c.url)
		if r.status != c.status || !strings.Contains(r.body, c.body) {
			t.Errorf("Host %s GET %s: %d %q, want %d %q", c.host, c.url, r.status, r.body, c.status, c.body)
		}
	}
}

func TestPrefixRedirect(t *testing.T) {
	rec := httptest.NewRecorder()
	w, r := stripPrefix(rec, httptest.NewRequest("POST", "/todo/todos?x=1", nil), "/todo")
	if r.URL.Path != "/todos" || r.URL.RawQuery != "x=1" || r.RequestURI != "/todos?x=1" {
		t.Errorf("stripped: %q %q %q", r.URL.Path, r.URL.RawQuery, r.RequestURI)
	}
	if b := pageserve.Base(r.Context()); b != "/todo" {
		t.Errorf("base path %q, want /todo", b)
	}
	for loc, want := range map[string]string{"/todos/1": "/todo/todos/1", "//evil.test/": "//evil.test/", "https://x.test/": "https://x.test/"} {
		for _, k := range []string{"Location", pageserve.RedirectHeader} {
			rec := httptest.NewRecorder()
			w, _ := stripPrefix(rec, httptest.NewRequest("GET", "/todo/", nil), "/todo")
			w.Header().Set(k, loc)
			w.WriteHeader(303)
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s %q became %q, want %q", k, loc, got, want)
			}
		}
	}
	_ = w
}

// Concurrent first requests wait for one load.
func TestFirstRequestsShareOneLoad(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "one"), map[string]string{"": "ok.wasm"}, "")
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test"}, nil)
	if s := stats(t, h, "one"); s.Loads != 0 || s.Loaded != "" {
		t.Fatalf("loaded before any request: %+v", s)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if r := get(h, "one.apps.test", "/"); r.status != 200 {
				t.Errorf("GET: %d %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
	if s := stats(t, h, "one"); s.Loads != 1 || s.Loaded != registry.ArtifactVersion || s.Requests != 8 || s.LastWake <= 0 {
		t.Errorf("after 8 concurrent first requests: %+v", s)
	}
}

// A tenant that fails to load answers 503 with Retry-After, is not tried
// again before load_retry, and is tried again after it.
func TestLoadFailureRetried(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "one")
	writeArtifact(t, art, map[string]string{"": "ok.wasm"}, "")
	wasm := filepath.Join(art, "routes", routing.WasmFile)
	good, _ := os.ReadFile(wasm)
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	os.WriteFile(wasm, bad, 0o644)
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test", LoadRetry: settings.Duration(time.Hour)}, nil)
	for range 2 {
		r := get(h, "one.apps.test", "/")
		var body struct{ Error struct{ Status int } }
		json.Unmarshal([]byte(r.body), &body)
		if r.status != 503 || r.header.Get("Retry-After") != "3600" || body.Error.Status != 503 {
			t.Errorf("corrupt tenant: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if s := stats(t, h, "one"); s.LoadFailures != 1 {
		t.Errorf("load failures %d, want 1 (the second request within load_retry does not load)", s.LoadFailures)
	}
	os.WriteFile(wasm, good, 0o644)
	h.cfg.LoadRetry = 0 // as if load_retry had passed
	if r := get(h, "one.apps.test", "/"); r.status != 200 {
		t.Errorf("after the fix: %d %s", r.status, r.body)
	}
}

// twoSmallTenants is a bundle directory of tenants one and two, whose
// instances have 16 pages, and the memory 4 such instances take.
func twoSmallTenants(t *testing.T) (dir string, fourInstances int64) {
	dir = t.TempDir()
	for _, name := range []string{"one", "two"} {
		writeArtifact(t, filepath.Join(dir, name), map[string]string{"": "ok.wasm"}, "[limits]\nmemory_pages = 16\n")
	}
	return dir, 4 * 16 * pageBytes
}

// Past the memory budget the least recently used tenant is unloaded;
// an idle tenant is unloaded after idle_timeout and wakes on its next
// request.
func TestEviction(t *testing.T) {
	dir, perTenant := twoSmallTenants(t)
	h, ev := testHost(t, dir, Config{BaseDomain: "apps.test", MemoryBudget: perTenant, IdleTimeout: settings.Duration(time.Hour),
		Limits: Limits{MemoryBytes: perTenant}}, nil)
	get(h, "one.apps.test", "/")
	if s := stats(t, h, "one"); s.Memory != perTenant {
		t.Errorf("tenant's memory counted %d, want %d (4 instances of 16 pages)", s.Memory, perTenant)
	}
	get(h, "two.apps.test", "/")
	ev.until(t, EventEvict, "one")
	if s1, s2 := stats(t, h, "one"), stats(t, h, "two"); s1.Loaded != "" || s1.Evictions != 1 || s2.Loaded == "" {
		t.Errorf("over the budget: one %+v, two %+v", s1, s2)
	}

	h2, ev2 := testHost(t, dir, Config{BaseDomain: "apps.test", IdleTimeout: settings.Duration(20 * time.Millisecond)}, nil)
	if r := get(h2, "one.apps.test", "/"); r.status != 200 {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}
	ev2.until(t, EventEvict, "one")
	if s := stats(t, h2, "one"); s.Loaded != "" || s.Evictions != 1 {
		t.Errorf("after idle_timeout: %+v", s)
	}
	if r := get(h2, "one.apps.test", "/"); r.status != 200 {
		t.Errorf("wake: %d %s", r.status, r.body)
	}
	if s := stats(t, h2, "one"); s.Loads != 2 {
		t.Errorf("after the wake: %+v", s)
	}
}

// TestIdleTrim: a tenant quiet for a quarter of idle_timeout gives back its
// instances once, stays loaded, serves its next request without a load,
// and is trimmed again after that request's quiet spell.
func TestIdleTrim(t *testing.T) {
	dir, _ := twoSmallTenants(t)
	h, ev := testHost(t, dir, Config{BaseDomain: "apps.test", IdleTimeout: settings.Duration(10 * time.Second)}, nil)
	for round := 1; round <= 2; round++ {
		if r := get(h, "one.apps.test", "/"); r.status != 200 {
			t.Fatalf("round %d: GET: %d %s", round, r.status, r.body)
		}
		ev.until(t, EventTrim, "one")
		if s := stats(t, h, "one"); s.Loaded == "" || s.Loads != 1 || s.Evictions != 0 {
			t.Errorf("round %d, after the trim: %+v", round, s)
		}
	}
	if r := get(h, "one.apps.test", "/"); r.status != 200 {
		t.Errorf("after two trims: %d %s", r.status, r.body)
	}
}

// The operator's limits are what a tenant gets unless it asks for less.
func TestCapLimits(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "asks"), map[string]string{"": "ok.wasm"},
		"[limits]\nmemory_pages = 4096\nrequest_timeout = \"1s\"\nbody_bytes = 1000\n")
	writeArtifact(t, filepath.Join(dir, "quiet"), map[string]string{"": "ok.wasm"}, "")
	h, _ := testHost(t, dir, Config{Limits: Limits{MemoryBytes: 1 << 30}}, nil)
	h.cfg.Limits.MemoryPages = 512
	h.cfg.Limits.RequestTimeout = settings.Duration(3 * time.Second)
	h.cfg.Limits.BodyBytes = 1 << 30
	for _, c := range []struct {
		app            string
		pages          uint32
		timeout        time.Duration
		body           int64
		instanceBudget int64
	}{
		{"asks", 512, time.Second, 1000, 32},         // more memory than allowed: capped; less of the rest: its own
		{"quiet", 512, 3 * time.Second, 1 << 30, 32}, // sets nothing: the operator's
	} {
		p, err := h.place(c.app, filepath.Join(dir, c.app))
		if err != nil {
			t.Fatal(err)
		}
		l := p.tenant.Limits(mustLimits(t, filepath.Join(dir, c.app)))
		if l.MemoryPages != c.pages || l.RequestTimeout.Std() != c.timeout || l.BodyBytes != c.body || p.memory != c.instanceBudget*512*pageBytes {
			t.Errorf("%s: pages %d timeout %v body %d memory %d", c.app, l.MemoryPages, l.RequestTimeout, l.BodyBytes, p.memory)
		}
		if p.tenant.Name != c.app || p.tenant.DataDir != filepath.Join(dir, c.app, "data") {
			t.Errorf("%s placed as %q in %s", c.app, p.tenant.Name, p.tenant.DataDir)
		}
	}
}

// mustLimits are the limits the app in dir asks for.
func mustLimits(t testing.TB, dir string) settings.Limits {
	t.Helper()
	c, err := settings.LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c.Limits
}

// A tenant's settings see the environment the operator gives it, never
// the host process's.
func TestTenantEnvironment(t *testing.T) {
	t.Setenv("HOST_SECRET", "hunter2")
	dir := t.TempDir()
	toml := "[env]\nSECRET = { from_env = \"HOST_SECRET\", default = \"none\" }\n"
	writeArtifact(t, filepath.Join(dir, "plain"), map[string]string{"env": "env.wasm"}, toml)
	writeArtifact(t, filepath.Join(dir, "given"), map[string]string{"env": "env.wasm"}, toml)
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test",
		Apps: map[string]AppConfig{"given": {Env: map[string]string{"HOST_SECRET": "from the operator"}}}}, nil)
	for app, want := range map[string]string{"plain": "none", "given": "from the operator"} {
		if r := get(h, app+".apps.test", "/env?k=SECRET"); r.status != 200 || r.body != want {
			t.Errorf("%s: SECRET is %d %q, want %q", app, r.status, r.body, want)
		}
	}
}

// Past its concurrency and queue a tenant answers 503 with Retry-After;
// its neighbour keeps answering.
func TestQueue(t *testing.T) {
	dir := t.TempDir()
	writeArtifact(t, filepath.Join(dir, "busy"), map[string]string{"": "spin.wasm", "spin": "spin.wasm"}, "")
	writeArtifact(t, filepath.Join(dir, "calm"), map[string]string{"": "ok.wasm"}, "")
	h, ev := testHost(t, dir, Config{BaseDomain: "apps.test", Apps: map[string]AppConfig{"busy": {Limits: Limits{
		Concurrency: 1, Queue: 1, QueueTimeout: settings.Duration(time.Minute)}}}}, nil)
	if r := get(h, "busy.apps.test", "/"); r.status != 200 { // loaded
		t.Fatalf("GET /: %d %s", r.status, r.body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	send := func(path string) <-chan reply {
		ch := make(chan reply, 1)
		go func() {
			req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
			req.Host = "busy.apps.test"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			ch <- reply{rec.Code, rec.Header(), rec.Body.String()}
		}()
		return ch
	}
	// Two spinning requests: one runs, one waits in the queue.
	first, second := send("/spin"), send("/spin")
	ev.until(t, EventQueued, "busy")
	r := get(h, "busy.apps.test", "/")
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, `"status":503`) {
		t.Errorf("third request: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := get(h, "calm.apps.test", "/"); r.status != 200 {
		t.Errorf("neighbour: %d %s", r.status, r.body)
	}
	cancel() // the spinning requests' clients go away: the guest stops
	<-first
	<-second
	if r := get(h, "busy.apps.test", "/"); r.status != 200 {
		t.Errorf("after the load: %d %s", r.status, r.body)
	}
	if s := stats(t, h, "busy"); s.LimitHits != 1 {
		t.Errorf("limit hits %d, want 1", s.LimitHits)
	}
}

// deploy stores the artifact folder art as a new version of app in the
// bundle directory dir and activates it, as the deploy API does.
func deploy(t testing.TB, dir, app, art string) string {
	t.Helper()
	reg, err := registry.OpenDir(dir, registry.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := registry.Pack(art, &b); err != nil {
		t.Fatal(err)
	}
	v, err := reg.Put(context.Background(), app, &b, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Activate(context.Background(), app, v.Name); err != nil {
		t.Fatal(err)
	}
	return v.Name
}

// A new active version is swapped in under load with no failed request;
// a deleted tenant is then not served.
func TestSwapAndRemove(t *testing.T) {
	dir, src := t.TempDir(), t.TempDir()
	writeArtifact(t, filepath.Join(src, "v1"), map[string]string{"": "ok_v1.wasm"}, "")
	writeArtifact(t, filepath.Join(src, "v2"), map[string]string{"": "ok_v2.wasm"}, "")
	deploy(t, dir, "one", filepath.Join(src, "v1"))
	h, ev := testHost(t, dir, Config{BaseDomain: "apps.test"}, nil)
	if r := get(h, "one.apps.test", "/?v=1"); r.body != "v1" {
		t.Fatalf("before: %d %q", r.status, r.body)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		seen     = map[string]int{}
		stop     = make(chan struct{})
		started  = make(chan struct{}, 4)
		failures int
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := get(h, "one.apps.test", "/?v=1")
				mu.Lock()
				seen[r.body]++
				if r.status != 200 || (r.body != "v1" && r.body != "v2") {
					failures++
				}
				mu.Unlock()
				select {
				case started <- struct{}{}:
				default:
				}
			}
		})
	}
	<-started // the load runs before the deploy
	v2 := deploy(t, dir, "one", filepath.Join(src, "v2"))
	ev.until(t, EventSwap, "one")
	if r := get(h, "one.apps.test", "/?v=1"); r.body != "v2" {
		t.Errorf("after the swap: %d %q", r.status, r.body)
	}
	close(stop)
	wg.Wait()
	if failures > 0 || seen["v1"] == 0 {
		t.Errorf("during the swap: %d failures; answers %v", failures, seen)
	}
	if s := stats(t, h, "one"); s.Loaded != v2 || s.Swaps != 1 {
		t.Errorf("after the swap: %+v", s)
	}

	reg, _ := registry.OpenDir(dir)
	if err := reg.Delete(context.Background(), "one"); err != nil {
		t.Fatal(err)
	}
	ev.until(t, EventRemove, "one")
	if r := get(h, "one.apps.test", "/"); r.status != 404 {
		t.Errorf("after delete: %d %s", r.status, r.body)
	}
}

// Two tenants whose memory does not fit the budget together, asked in
// turn by concurrent clients: each load unloads the other while its
// requests run. No request fails, and every unloaded version is closed
// only after its requests.
func TestEvictionHammer(t *testing.T) {
	dir, perTenant := twoSmallTenants(t)
	h, _ := testHost(t, dir, Config{BaseDomain: "apps.test", MemoryBudget: perTenant, Limits: Limits{MemoryBytes: perTenant}}, nil)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 40 {
				app := []string{"one", "two"}[(i+j)%2]
				if r := get(h, app+".apps.test", "/"); r.status != 200 || r.body != "ok" {
					t.Errorf("%s: %d %q", app, r.status, r.body)
					return
				}
			}
		})
	}
	wg.Wait()
	s1, s2 := stats(t, h, "one"), stats(t, h, "two")
	if s1.Evictions+s2.Evictions == 0 || s1.Requests+s2.Requests != 160 {
		t.Errorf("no unloads under the budget, or requests lost: %+v %+v", s1, s2)
	}
	t.Logf("loads %d+%d, unloads %d+%d", s1.Loads, s2.Loads, s1.Evictions, s2.Evictions)
}
