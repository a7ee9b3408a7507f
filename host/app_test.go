package host_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
)

var (
	engineOnce sync.Once
	engine     *host.Engine
)

// testEngine is one engine for every test, so each fixture compiles once.
func testEngine(t testing.TB) *host.Engine {
	engineOnce.Do(func() {
		var err error
		engine, err = host.NewEngine(host.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if err != nil {
			panic(err)
		}
	})
	return engine
}

// fixture is the path of a test guest in testdata/guests.
func fixture(name string) string { return filepath.Join("testdata", "guests", name) }

// appDir makes an app folder: routes maps a route folder to the fixture
// served there as handler.wasm; config is sandkit.toml's text.
func appDir(t testing.TB, routes map[string]string, config string) string {
	t.Helper()
	dir := t.TempDir()
	for id, fx := range routes {
		installGuest(t, dir, id, fx)
	}
	os.MkdirAll(filepath.Join(dir, "routes"), 0o755)
	if config != "" {
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// installGuest puts fixture fx at routes/id/handler.wasm, atomically.
func installGuest(t testing.TB, dir, id, fx string) {
	t.Helper()
	src := fx
	if !strings.ContainsRune(fx, '/') {
		src = fixture(fx)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(dir, "routes", filepath.FromSlash(id))
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(d, ".handler.wasm.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(d, "handler.wasm")); err != nil {
		t.Fatal(err)
	}
}

// serveApp opens the app in dir and serves it on loopback.
func serveApp(t testing.TB, dir string) (*host.App, *httptest.Server) {
	t.Helper()
	return serveAppOn(t, testEngine(t), dir)
}

// serveAppOn is serveApp on engine e, with opts.
func serveAppOn(t testing.TB, e *host.Engine, dir string, opts ...host.AppOption) (*host.App, *httptest.Server) {
	t.Helper()
	app, err := host.OpenApp(context.Background(), e, dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(func() {
		srv.Close()
		app.Close(context.Background())
	})
	return app, srv
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(t testing.TB, method, url, body string) response {
	t.Helper()
	return doCtx(t, context.Background(), method, url, body)
}

func doCtx(t testing.TB, ctx context.Context, method, url, body string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "text/x-test")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// expect checks a response's status and that its body contains want.
func expect(t testing.TB, r response, status int, want string) {
	t.Helper()
	if r.status != status || !strings.Contains(r.body, want) {
		t.Errorf("got %d %q, want %d with %q", r.status, r.body, status, want)
	}
}

func TestRouteKinds(t *testing.T) {
	hello := filepath.Join("..", "examples", "hello-c", "routes", "c", "handler.wasm")
	dir := appDir(t, map[string]string{
		"":                      hello,
		"posts":                 hello,
		"posts/new":             hello,
		"posts/slug.param":      "cgi.wasm",
		"posts/slug.param/edit": hello,
		"docs/rest.all":         "cgi.wasm",
		"marketing.group/about": hello,
		"_private/secret":       hello,
	}, "")
	_, srv := serveApp(t, dir)
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, "(route )"},
		{"/?name=Ada", 200, "Hello, Ada!"},
		{"/posts", 200, "(route posts)"},
		{"/posts/new", 200, "(route posts/new)"}, // static beats slug.param
		{"/posts/hello-world", 201, "SANDKIT_PARAM_slug=hello-world"},
		{"/posts/a%20b", 201, "SANDKIT_PARAM_slug=a b"},
		{"/posts/x/edit", 200, "(route posts/slug.param/edit)"},
		{"/docs/a/b/c", 201, "SANDKIT_PARAM_rest=a/b/c"},
		{"/docs", 201, "PATH_INFO=/docs"},
		{"/about", 200, "(route marketing.group/about)"},
		{"/_private/secret", 404, ""},
		{"/nope", 404, ""},
		{"/posts/x/y", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			expect(t, do(t, "GET", srv.URL+tc.path, ""), tc.status, tc.want)
		})
	}
	// A method the guest does not serve is its 405, with Allow.
	r := do(t, "PUT", srv.URL+"/posts", "x")
	expect(t, r, 405, "")
	if r.header.Get("Allow") == "" {
		t.Errorf("405 without Allow header")
	}
	expect(t, do(t, "POST", srv.URL+"/posts", "echo me"), 200, "echo me")
}

func TestCGI(t *testing.T) {
	dir := appDir(t, map[string]string{"cgi/id.param": "cgi.wasm"}, "")
	_, srv := serveApp(t, dir)
	r := do(t, "POST", srv.URL+"/cgi/7?a=1", "the body")
	expect(t, r, 201, "REQUEST_METHOD=POST\nPATH_INFO=/cgi/7\nQUERY_STRING=a=1\nSANDKIT_DATABASE_ENGINE=sqlite\nSANDKIT_PARAM_id=7\nthe body")
	if ct := r.header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type %q", ct)
	}
	expect(t, do(t, "GET", srv.URL+"/cgi/exit", ""), 500, "")
	expect(t, do(t, "GET", srv.URL+"/cgi/noblank", ""), 500, "")
}

func TestGuestFaultsFailOnlyTheirRequest(t *testing.T) {
	dir := appDir(t, map[string]string{
		"trap/p.all":   "trap.wasm",
		"badptr/p.all": "badptr.wasm",
		"huge/p.all":   "huge.wasm",
	}, `
[limits]
response_bytes = 1048576
`)
	_, srv := serveApp(t, dir)
	for _, path := range []string{
		"/trap/trap",
		"/badptr/write", "/badptr/neg", "/badptr/read", "/badptr/wrap", "/badptr/end",
		"/badptr/header", "/badptr/log", "/badptr/env", "/badptr/body",
		"/huge/x", "/huge/ignore",
	} {
		t.Run(path, func(t *testing.T) {
			r := do(t, "POST", srv.URL+path, "some body")
			if r.status != 500 || strings.Contains(r.body, "partial") || strings.Contains(r.body, "no trap") {
				t.Errorf("got %d %q, want a clean 500", r.status, r.body)
			}
			// The next request on the same route is served fine.
			next := strings.Join(strings.Split(path, "/")[:2], "/") + "/fine"
			if strings.HasPrefix(path, "/huge") {
				return
			}
			expect(t, do(t, "GET", srv.URL+next, ""), 200, "alive")
		})
	}
	expect(t, do(t, "GET", srv.URL+"/badptr/edge", ""), 200, "edge")
}

func TestSpinningGuestStoppedAtDeadline(t *testing.T) {
	dir := appDir(t, map[string]string{"spin/p.all": "spin.wasm", "ok": "ok.wasm"}, `
[limits]
request_timeout = "3s"
`)
	_, srv := serveApp(t, dir)
	var wg sync.WaitGroup
	spins := make(chan response, 2)
	var spinsDone atomic.Int64 // unix nanoseconds when the last spinner returned
	sent := make(chan struct{}, 2)
	trace := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { sent <- struct{}{} },
	})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spins <- doCtx(t, trace, "GET", srv.URL+"/spin/spin", "")
			spinsDone.Store(time.Now().UnixNano())
		}()
	}
	// While both spin (on every core of a small machine), other requests
	// keep being served: all of them finish before the spinners are stopped.
	<-sent
	<-sent
	for range 20 {
		expect(t, do(t, "GET", srv.URL+"/ok", ""), 200, "ok")
	}
	servedBy := time.Now().UnixNano()
	wg.Wait()
	if servedBy > spinsDone.Load() {
		t.Errorf("the other requests waited for the spinning guests to be stopped")
	}
	close(spins)
	for r := range spins {
		if r.status != http.StatusGatewayTimeout || strings.Contains(r.body, "partial") {
			t.Errorf("spinning guest: got %d %q, want a clean 504", r.status, r.body)
		}
	}
	expect(t, do(t, "GET", srv.URL+"/spin/after", ""), 200, "alive")
}

func TestMemoryBombStoppedAtLimit(t *testing.T) {
	dir := appDir(t, map[string]string{"bomb/p.all": "membomb.wasm"}, `
[limits]
memory_pages = 256
`)
	_, srv := serveApp(t, dir)
	start := time.Now()
	expect(t, do(t, "GET", srv.URL+"/bomb/grow", ""), 200, "256")
	expect(t, do(t, "GET", srv.URL+"/bomb/malloc", ""), 200, "")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("memory bombs took %v", d)
	}
}

func TestHeadersAndLimits(t *testing.T) {
	dir := appDir(t, map[string]string{"h": "headers.wasm", "body": "body.wasm", "env": "env.wasm", "log/p.all": "log.wasm"}, `
[limits]
body_bytes = 100000
[env]
GREETING = "hi there"
`)
	_, srv := serveApp(t, dir)
	r := do(t, "GET", srv.URL+"/h", "")
	for _, want := range strings.Fields("crlf=-3 lf=-3 nul=-3 name300=-3 name0=-3 badname=-3 name256=0 val8k=0 val8k1=-3 status99=-3 status1000=-3 status200=0 many_ok=98 many_rc=-2 after_body_header=-4 after_body_status=-4") {
		if !strings.Contains(r.body, want+"\n") && !strings.HasSuffix(r.body, want) {
			t.Errorf("headers: missing %q in\n%s", want, r.body)
		}
	}
	body := strings.Repeat("abcdefghij", 9000)
	var sum uint32
	for i := range len(body) {
		sum += uint32(body[i])
	}
	expect(t, do(t, "POST", srv.URL+"/body", body), 200, fmt.Sprintf("len=%d sum=%d", len(body), sum))
	expect(t, do(t, "POST", srv.URL+"/body", strings.Repeat("x", 100001)), 413, "rc=-2")
	expect(t, do(t, "POST", srv.URL+"/body", strings.Repeat("x", 100000)), 200, "len=100000")
	expect(t, do(t, "GET", srv.URL+"/env?k=GREETING", ""), 200, "hi there")
	expect(t, do(t, "GET", srv.URL+"/env?k=PATH", ""), 404, "unset")
	expect(t, do(t, "GET", srv.URL+"/env?k="+strings.Repeat("k", 300), ""), 400, "rc=-3")
	// The database engine: through env_get, and in the WASI environment
	// (getenv), which holds nothing else, from initialisation on.
	expect(t, do(t, "GET", srv.URL+"/env?k=SANDKIT_DATABASE_ENGINE", ""), 200, "sqlite")
	expect(t, do(t, "GET", srv.URL+"/env?g=SANDKIT_DATABASE_ENGINE", ""), 200, "sqlite")
	expect(t, do(t, "GET", srv.URL+"/env?init=1", ""), 200, "sqlite")
	expect(t, do(t, "GET", srv.URL+"/env?g=GREETING", ""), 404, "unset")
	expect(t, do(t, "GET", srv.URL+"/env?g=PATH", ""), 404, "unset")
	expect(t, do(t, "GET", srv.URL+"/log/stdio", ""), 200, "logged")
}

// TestDatabaseEngineIsolated: under request isolation, where every request
// runs in memory restored to just after initialisation, a guest still has
// the engine it read while initialising, and its environment.
func TestDatabaseEngineIsolated(t *testing.T) {
	dir := appDir(t, map[string]string{"env": "env.wasm"}, "isolation = \"request\"\n")
	_, srv := serveApp(t, dir)
	for range 3 {
		expect(t, do(t, "GET", srv.URL+"/env?init=1", ""), 200, "sqlite")
		expect(t, do(t, "GET", srv.URL+"/env?g=SANDKIT_DATABASE_ENGINE", ""), 200, "sqlite")
	}
}

func TestBadModulesRefusedAtOpen(t *testing.T) {
	for _, tc := range []struct{ fx, want string }{
		{"badversion.wasm", "ABI version 999"},
		{"noexports.wasm", "exports neither sandkit_handle"},
	} {
		t.Run(tc.fx, func(t *testing.T) {
			dir := appDir(t, map[string]string{"x": tc.fx}, "")
			_, err := host.OpenApp(context.Background(), testEngine(t), dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "routes/x/handler.wasm") {
				t.Errorf("got %v, want an error naming routes/x/handler.wasm with %q", err, tc.want)
			}
		})
	}
	dir := appDir(t, nil, "[limits]\nmemory_pagez = 3\n")
	if _, err := host.OpenApp(context.Background(), testEngine(t), dir); err == nil || !strings.Contains(err.Error(), "memory_pagez") {
		t.Errorf("unknown setting: got %v", err)
	}
}

func TestResponseNotSentOnFailure(t *testing.T) {
	dir := appDir(t, map[string]string{"trap/p.all": "trap.wasm"}, "")
	_, srv := serveApp(t, dir)
	r := do(t, "GET", srv.URL+"/trap/trap", "")
	if bytes.Contains([]byte(r.body), []byte("partial")) {
		t.Fatalf("partial output leaked: %q", r.body)
	}
}

func removeAll(dir, rel string) error {
	return os.RemoveAll(filepath.Join(dir, filepath.FromSlash(rel)))
}

// TestRespSend drives resp_send through a C guest over HTTP: each refusal
// of spec/abi.md §5 with its code, nothing of a refused call reaching the
// client, a header range outside memory trapping, and a body over the
// response limit failing the request.
func TestRespSend(t *testing.T) {
	dir := appDir(t, map[string]string{"s": "send.wasm"}, "[limits]\nresponse_bytes = 100000\n")
	_, srv := serveApp(t, dir)
	r := do(t, "GET", srv.URL+"/s", "")
	if r.status != 201 {
		t.Fatalf("status %d, want 201:\n%s", r.status, r.body)
	}
	for _, want := range strings.Fields("status99=-3 short=-3 trailing=-3 count101=-2 crlf=-3 reserved=-3 over100=-2 again=-4 header_after=-4") {
		if !strings.Contains(r.body, want+"\n") {
			t.Errorf("missing %q in\n%s", want, r.body)
		}
	}
	if got := r.header.Get("X-Refused"); got != "" {
		t.Errorf("a header of a refused resp_send was sent: X-Refused: %s", got)
	}
	if r.header.Get("X-Before") != "kept" || r.header.Get("X-Probe") != "ok" || r.header.Get("Content-Type") != "text/plain" || r.header.Get("X-Late") != "" {
		t.Errorf("headers: %v", r.header)
	}
	expect(t, do(t, "GET", srv.URL+"/s?case=empty", ""), 202, "fine")
	expect(t, do(t, "GET", srv.URL+"/s?case=trap", ""), 500, "")
	expect(t, do(t, "GET", srv.URL+"/s?case=big", ""), 500, "")
	// The instance that trapped was replaced: the route still answers.
	if r := do(t, "GET", srv.URL+"/s", ""); r.status != 201 {
		t.Errorf("after the trap: %d", r.status)
	}
}
