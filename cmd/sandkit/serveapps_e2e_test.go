package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/internal/exampleapp"
)

// The multi-app host, sandkit serve --apps, run as a user runs it: the
// binary started with a bundle directory outside the repository, holding
// artifacts sandkit build -o wrote, reached over HTTP on loopback.

var (
	appsFixturesOnce sync.Once
	appsFixtures     struct {
		hello, todo string // artifacts of examples/hello and examples/todo
		err         string
	}
)

// builtExamples builds examples/hello and examples/todo into artifacts
// once per test binary (a Go build takes a minute under load).
func builtExamples(t *testing.T) (hello, todo string) {
	t.Helper()
	appsFixturesOnce.Do(func() {
		dir, err := os.MkdirTemp(filepath.Dir(sandkitBin), "apps-fixtures-") // removed by TestMain
		if err != nil {
			appsFixtures.err = err.Error()
			return
		}
		for _, name := range []string{"hello", "todo"} {
			src := filepath.Join(dir, "src", name)
			if err := exampleapp.Copy(repoRoot(t), name, src); err != nil {
				appsFixtures.err = err.Error()
				return
			}
			out := filepath.Join(dir, name)
			if code, b := sandkit(t, "build", src, "-o", out); code != 0 {
				appsFixtures.err = "sandkit build " + name + ":\n" + b
				return
			}
		}
		appsFixtures.hello, appsFixtures.todo = filepath.Join(dir, "hello"), filepath.Join(dir, "todo")
	})
	if appsFixtures.err != "" {
		t.Fatal(appsFixtures.err)
	}
	return appsFixtures.hello, appsFixtures.todo
}

// probeArtifact builds, into out, an artifact of C test guests: /spin
// spins until its deadline, /env answers the [env] value ?k= names (SECRET
// is read from the environment variable HOST_SECRET), / answers "ok".
// toml is added to its sandkit.toml.
func probeArtifact(t *testing.T, out, toml string) {
	t.Helper()
	src := t.TempDir()
	for route, g := range map[string]string{"spin": "spin.wasm", "env": "env.wasm", "": "ok.wasm"} {
		b, err := os.ReadFile(filepath.Join(repoRoot(t), "host", "testdata", "guests", g))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(src, "routes", route), 0o755)
		if err := os.WriteFile(filepath.Join(src, "routes", route, "handler.wasm"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	toml = "[env]\nSECRET = { from_env = \"HOST_SECRET\", default = \"none\" }\n" + toml
	if err := os.WriteFile(filepath.Join(src, "sandkit.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, b := sandkit(t, "build", src, "-o", out); code != 0 {
		t.Fatalf("sandkit build:\n%s", b)
	}
}

// copyArtifact copies the artifact folder src to dst.
func copyArtifact(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
}

// hostDo sends method url with the Host header hostHeader ("" keeps the
// URL's).
func hostDo(t *testing.T, method, url, hostHeader, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if hostHeader != "" {
		req.Host = hostHeader
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(t, req)
}

// writeHostConfig writes a host configuration file and returns its path.
func writeHostConfig(t *testing.T, toml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "host.toml")
	if err := os.WriteFile(p, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// count is how many log lines of s match re.
func count(s *server, re string) int {
	return len(regexp.MustCompile(re).FindAllString(s.logs(), -1))
}

// Two built examples and two probes in a bundle directory: reached by Host
// header and by path prefix, loaded on their first request, each with its
// own data even when its sandkit.toml claims another tenant's name, and
// settings that cannot read the host's environment.
func TestE2EAppsHost(t *testing.T) {
	helloArt, todoArt := builtExamples(t)
	apps := t.TempDir()
	copyArtifact(t, helloArt, filepath.Join(apps, "hello"))
	copyArtifact(t, todoArt, filepath.Join(apps, "todo"))
	copyArtifact(t, todoArt, filepath.Join(apps, "imposter")) // its sandkit.toml says name = "todo"
	probeArtifact(t, filepath.Join(apps, "probe"), "")
	if b, _ := os.ReadFile(filepath.Join(apps, "imposter", "sandkit.toml")); !strings.Contains(string(b), `name = "todo"`) {
		t.Fatalf("the imposter does not claim todo's name:\n%s", b)
	}
	cfg := writeHostConfig(t, "[apps.todo]\ndomains = [\"todo.example.org\"]\n")
	env := append(noToolsEnv(t), "HOST_SECRET=hunter2")
	s := startServeEnv(t, env, "--apps", apps, "--base-domain", "apps.test", "--path-prefix", "--host-config", cfg)
	if n := count(s, `msg="app loaded"`); n != 0 {
		t.Errorf("%d apps loaded before any request:\n%s", n, s.logs())
	}

	expect := func(method, path, hostHeader, body string, status int, want string) reply {
		t.Helper()
		r := hostDo(t, method, s.url+path, hostHeader, body)
		if r.status != status || !strings.Contains(r.body, want) {
			t.Errorf("%s %s (Host %s): %d %.300q, want %d with %q", method, path, hostHeader, r.status, r.body, status, want)
		}
		return r
	}
	expect("GET", "/", "hello.apps.test", "", 200, "Hello from sandkit")
	s.until(t, "hello loaded", func() bool { return count(s, `msg="app loaded" app=hello `) == 1 })
	if n := count(s, `msg="app loaded" app=todo `); n != 0 {
		t.Errorf("todo loaded before its first request")
	}
	expect("GET", "/hello/Ada", "hello.apps.test:80", "", 200, "Hello, Ada!")
	expect("GET", "/hello/hello/Ada", "", "", 200, "Hello, Ada!") // path prefix
	expect("GET", "/api/info", "HELLO.apps.test", "", 200, `"app":"hello"`)
	expect("GET", "/", "nobody.apps.test", "", 404, `"status":404`)
	expect("GET", "/", "elsewhere.example", "", 404, `"status":404`)
	expect("GET", "/nobody/", "", "", 404, `"status":404`)

	// todo: by its custom domain, its base-domain name and its prefix; its
	// migrations applied on its first request.
	expect("POST", "/api/todos", "todo.example.org", `{"title":"todo's secret"}`, 201, `"title":"todo's secret"`)
	expect("GET", "/api/todos", "todo.apps.test", "", 200, "todo's secret")
	expect("GET", "/todo/api/todos", "", "", 200, "todo's secret")
	expect("GET", "/todo/todos", "", "", 200, "todo's secret") // a page, rendered under the prefix

	// The imposter claims todo's name: it is "imposter" all the same, with
	// its own database.
	r := expect("GET", "/api/todos", "imposter.apps.test", "", 200, "")
	if strings.Contains(r.body, "todo's secret") {
		t.Errorf("the imposter reads todo's data: %s", r.body)
	}
	expect("POST", "/api/todos", "imposter.apps.test", `{"title":"imposter's own"}`, 201, "imposter's own")
	if r := expect("GET", "/api/todos", "todo.apps.test", "", 200, ""); strings.Contains(r.body, "imposter's own") {
		t.Errorf("todo reads the imposter's data: %s", r.body)
	}
	for _, name := range []string{"todo", "imposter"} {
		if _, err := os.Stat(filepath.Join(apps, name, "data", "app.db")); err != nil {
			t.Errorf("%s's database is not in its own folder: %v", name, err)
		}
	}
	s.until(t, "the imposter's request logged", func() bool { return count(s, `msg=request app=imposter `) >= 2 })
	if n := count(s, `msg="app loaded" app=(todo|hello) `); n != 2 {
		t.Errorf("todo and hello loaded %d times, want once each:\n%s", n, s.logs())
	}

	// The probe's SECRET comes from HOST_SECRET, which the host process
	// has but the tenant's environment does not.
	expect("GET", "/env?k=SECRET", "probe.apps.test", "", 200, "none")
	if r := hostDo(t, "GET", s.url+"/env?k=SECRET", "probe.apps.test", ""); strings.Contains(r.body, "hunter2") {
		t.Errorf("a tenant read the host's environment: %q", r.body)
	}
	expect("GET", "/env?k=PATH", "probe.apps.test", "", 404, "unset")
}

// An idle tenant is unloaded after idle_timeout and woken by its next
// request; waking (within the process, and in a new process from the
// on-disk compilation cache) is timed for a handler app and a pages app.
func TestE2EAppsIdleWake(t *testing.T) {
	helloArt, todoArt := builtExamples(t)
	apps, cache := t.TempDir(), t.TempDir()
	copyArtifact(t, helloArt, filepath.Join(apps, "hello"))
	copyArtifact(t, todoArt, filepath.Join(apps, "todo"))
	cfg := writeHostConfig(t, "idle_timeout = \"300ms\"\n")
	paths := map[string]string{"hello": "/hello/Ada", "todo": "/todos"}
	// loads returns the load times app's logs show, once there are n.
	loads := func(s *server, app string, n int) []string {
		t.Helper()
		re := regexp.MustCompile(`msg="app loaded" app=` + app + ` .*took=(\S+)`)
		s.until(t, app+" loaded", func() bool { return len(re.FindAllString(s.logs(), -1)) >= n })
		var out []string
		for _, m := range re.FindAllStringSubmatch(s.logs(), -1) {
			out = append(out, m[1])
		}
		return out
	}
	get := func(s *server, app string) {
		t.Helper()
		if r := hostDo(t, "GET", s.url+paths[app], app+".apps.test", ""); r.status != 200 {
			t.Fatalf("GET %s of %s: %d %.300s", paths[app], app, r.status, r.body)
		}
	}

	s := startServeEnv(t, noToolsEnv(t), "--apps", apps, "--base-domain", "apps.test", "--host-config", cfg, "--cache-dir", cache)
	const wakes = 4
	for _, app := range []string{"hello", "todo"} {
		get(s, app)
		for i := 1; i <= wakes; i++ {
			s.until(t, app+" unloaded", func() bool {
				return count(s, `msg="app unloaded" app=`+app+` app_version=artifact why=idle`) == i
			})
			get(s, app) // wakes it
		}
		all := loads(s, app, wakes+1)
		t.Logf("%s: first load (compiling) %s; wakes after idling %v", app, all[0], all[1:])
	}

	// New processes with the same cache folder: the first request loads
	// the app from the on-disk compilation cache.
	for _, app := range []string{"hello", "todo"} {
		s2 := startServeEnv(t, noToolsEnv(t), "--apps", apps, "--base-domain", "apps.test", "--host-config", cfg, "--cache-dir", cache)
		get(s2, app)
		t.Logf("%s: first load in a new process, from the on-disk cache: %s", app, loads(s2, app, 1)[0])
	}
}

// Replacing a tenant's active version through the deploy API under a
// bounded concurrent load fails no request and the new version answers;
// removing the tenant makes it 404.
func TestE2EAppsSwap(t *testing.T) {
	apps, src := t.TempDir(), t.TempDir()
	guests := filepath.Join(repoRoot(t), "host", "testdata", "guests")
	for _, v := range []string{"v1", "v2"} {
		app := filepath.Join(src, v)
		os.MkdirAll(filepath.Join(app, "routes"), 0o755)
		b, _ := os.ReadFile(filepath.Join(guests, "ok_"+v+".wasm"))
		os.WriteFile(filepath.Join(app, "routes", "handler.wasm"), b, 0o644)
		if code, b := sandkit(t, "build", app, "-o", filepath.Join(src, v+"-art")); code != 0 {
			t.Fatalf("build %s:\n%s", v, b)
		}
	}
	reg, err := registry.OpenDir(apps)
	if err != nil {
		t.Fatal(err)
	}
	deploy := func(art string) string {
		t.Helper()
		var b bytes.Buffer
		if err := registry.Pack(art, &b); err != nil {
			t.Fatal(err)
		}
		v, err := reg.Put(context.Background(), "shop", &b, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.Activate(context.Background(), "shop", v.Name); err != nil {
			t.Fatal(err)
		}
		return v.Name
	}
	deploy(filepath.Join(src, "v1-art"))
	s := startServeEnv(t, append(noToolsEnv(t), "SANDKIT_ADMIN_TOKEN=op"), "--apps", apps, "--base-domain", "apps.test", "--admin-addr", "127.0.0.1:0")
	admin := adminLine.FindStringSubmatch(s.printed())
	if admin == nil {
		t.Fatalf("no admin address in the output:\n%s", s.printed())
	}
	if r := hostDo(t, "GET", s.url+"/?v=1", "shop.apps.test", ""); r.body != "v1" {
		t.Fatalf("before: %d %q", r.status, r.body)
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		answers  = map[string]int{}
		failures []string
		started  = make(chan struct{}, 4)
		sawV2    = make(chan struct{})
		v2Once   sync.Once
	)
	client := &http.Client{Timeout: time.Minute}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-sawV2:
					return
				default:
				}
				req, _ := http.NewRequest("GET", s.url+"/?v=1", nil)
				req.Host = "shop.apps.test"
				resp, err := client.Do(req)
				var body string
				if err == nil {
					var b bytes.Buffer
					b.ReadFrom(resp.Body)
					resp.Body.Close()
					body = b.String()
				}
				mu.Lock()
				answers[body]++
				if err != nil || resp.StatusCode != 200 || (body != "v1" && body != "v2") {
					failures = append(failures, body)
				}
				mu.Unlock()
				select {
				case started <- struct{}{}:
				default:
				}
				if body == "v2" {
					v2Once.Do(func() { close(sawV2) })
				}
			}
		})
	}
	<-started
	// v2 goes through the deploy API, as an operator deploys: sandkit
	// deploy builds, uploads, migrates and activates it under the load.
	if v, _ := fleetDeploy(t, filepath.Join(src, "v2"), admin[1], "shop"); v != "v2" {
		t.Fatalf("deployed %q, want v2", v)
	}
	select {
	case <-sawV2:
	case <-time.After(2 * time.Minute):
		t.Errorf("v2 never answered\n%s", s.logs())
		v2Once.Do(func() { close(sawV2) })
	}
	wg.Wait()
	if len(failures) > 0 || answers["v1"] == 0 {
		t.Errorf("during the swap: %d failed requests %q; answers %v", len(failures), failures, answers)
	}
	if r := hostDo(t, "GET", s.url+"/?v=1", "shop.apps.test", ""); r.body != "v2" {
		t.Errorf("after the swap: %d %q", r.status, r.body)
	}
	t.Logf("requests during the swap: %v", answers)

	if err := reg.Delete(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	s.until(t, "shop removed", func() bool { return count(s, `msg="app removed" app=shop`) == 1 })
	if r := hostDo(t, "GET", s.url+"/", "shop.apps.test", ""); r.status != 404 {
		t.Errorf("after delete: %d %s", r.status, r.body)
	}
}

// A tenant with concurrency 1 and a queue of 1 answers the third of three
// concurrent requests 503 with Retry-After while its neighbour answers 200.
func TestE2EAppsQueue(t *testing.T) {
	apps := t.TempDir()
	probeArtifact(t, filepath.Join(apps, "busy"), "")
	probeArtifact(t, filepath.Join(apps, "calm"), "")
	cfg := writeHostConfig(t, `
[apps.busy.limits]
concurrency = 1
queue = 1
queue_timeout = "1m"
request_timeout = "1m"
`)
	s := startServeEnv(t, noToolsEnv(t), "--apps", apps, "--base-domain", "apps.test", "--host-config", cfg, "--log-level", "debug")
	if r := hostDo(t, "GET", s.url+"/", "busy.apps.test", ""); r.status != 200 {
		t.Fatalf("GET /: %d %s", r.status, r.body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for range 2 { // one spins, one waits in the queue
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/spin", nil)
			req.Host = "busy.apps.test"
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	s.until(t, "a request queued", func() bool { return count(s, `msg="request queued" app=busy`) == 1 })
	r := hostDo(t, "GET", s.url+"/", "busy.apps.test", "")
	if r.status != 503 || r.header.Get("Retry-After") == "" || !strings.Contains(r.body, `{"error":{"status":503,`) {
		t.Errorf("third request: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	for range 20 {
		if r := hostDo(t, "GET", s.url+"/", "calm.apps.test", ""); r.status != 200 || r.body != "ok" {
			t.Fatalf("the neighbour: %d %q", r.status, r.body)
		}
	}
	cancel() // the spinning requests' clients leave; the guests stop
	wg.Wait()
	s.until(t, "the refusal logged", func() bool {
		return count(s, `msg="request refused: the app is at its concurrency limit" app=busy`) == 1
	})
}
