package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/exampleapp"
)

// The tests here run the sandkit binary the way a user does: built with go
// build, started as a process, talked to over HTTP on loopback.

var sandkitBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandkit-e2e-")
	if err != nil {
		panic(err)
	}
	sandkitBin = filepath.Join(dir, "sandkit")
	// No test reaches the network: the npm ci that sandkit runs for an app
	// installs from the cache filled by scripts/install-deps.sh (ENOTCACHED
	// means: run that step).
	os.Setenv("npm_config_offline", "true")
	if out, err := exec.Command("go", "build", "-o", sandkitBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the repository's root folder.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyExample copies examples/NAME to a temporary folder, without its
// build output, database or npm packages, pointing its go.mod's replace
// directive back at this checkout.
func copyExample(t testing.TB, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	if err := exampleapp.Copy(repoRoot(t), name, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// server is a running "sandkit serve".
type server struct {
	url    string
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	out    bytes.Buffer  // what it printed on stdout
	wrote  chan struct{} // a value after each write to stderr
	exited chan error
}

func (s *server) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stderr.String()
}

// printed is what the server printed on stdout so far.
func (s *server) printed() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

type lockedWriter struct{ s *server }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	select {
	case w.s.wrote <- struct{}{}:
	default:
	}
	return w.s.stderr.Write(p)
}

// until calls done after each line the server logs, until it reports
// true; it fails t when the server exits or a minute passes first. A change
// the server makes (a rebuild, a reload) is logged, so no fixed sleep is
// needed between checks.
func (s *server) until(t *testing.T, what string, done func() bool) {
	t.Helper()
	timeout := time.After(time.Minute)
	for !done() {
		select {
		case <-s.wrote:
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("sandkit serve exited (%v) before %s\n%s", err, what, s.logs())
		case <-timeout:
			t.Fatalf("no %s after a minute\n%s", what, s.logs())
		}
	}
}

// startServe runs sandkit serve with args and waits for its address line.
// At cleanup it sends SIGINT and expects a clean exit.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	return startCommandEnv(t, nil, "serve", args...)
}

// startServeEnv is startServe with the environment env (nil: the test's).
func startServeEnv(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	return startCommandEnv(t, env, "serve", args...)
}

// startCommand is startServe for another serving command (serve, dev).
func startCommand(t *testing.T, sub string, args ...string) *server {
	t.Helper()
	return startCommandEnv(t, nil, sub, args...)
}

// startCommandEnv is startCommand with the environment env (nil: the test's).
func startCommandEnv(t *testing.T, env []string, sub string, args ...string) *server {
	t.Helper()
	s := &server{wrote: make(chan struct{}, 1), exited: make(chan error, 1)}
	s.cmd = exec.Command(sandkitBin, append([]string{sub, "--addr", "127.0.0.1:0", "--cache-dir", t.TempDir()}, args...)...)
	s.cmd.Env = env
	s.cmd.Stderr = lockedWriter{s}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			s.mu.Lock()
			s.out.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if m := regexp.MustCompile(`serving \S+ on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	go func() { s.exited <- s.cmd.Wait() }()
	select {
	case s.url = <-urls:
	case err := <-s.exited:
		t.Fatalf("sandkit serve exited before serving: %v\n%s", err, s.logs())
	case <-time.After(3 * time.Minute):
		s.cmd.Process.Kill()
		t.Fatalf("sandkit serve did not start in time\n%s", s.logs())
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-s.exited:
			if err != nil {
				t.Errorf("sandkit serve exited with %v after SIGINT\n%s", err, s.logs())
			}
		case <-time.After(15 * time.Second):
			s.cmd.Process.Kill()
			t.Errorf("sandkit serve did not stop on SIGINT")
		}
	})
	return s
}

type reply struct {
	status int
	header http.Header
	body   string
}

func request(t *testing.T, method, url, contentType, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

// do sends req and reads the whole reply.
func do(t *testing.T, req *http.Request) reply {
	t.Helper()
	return doWith(t, http.DefaultClient, req)
}

// doWith sends req with client and reads the whole reply.
func doWith(t *testing.T, client *http.Client, req *http.Request) reply {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func TestE2EServeHello(t *testing.T) {
	app := copyExample(t, "hello")
	s := startServe(t, app)

	for _, c := range []struct {
		method, path, ctype, body string
		status                    int
		want                      string
	}{
		{"GET", "/", "", "", 200, "Hello from sandkit\n"},
		{"GET", "/hello/Ada", "", "", 200, "Hello, Ada!\n"},
		{"GET", "/hello/%C3%89mile", "", "", 200, "Hello, Émile!\n"},
		{"POST", "/echo", "text/plain", "round trip", 200, "round trip"},
		{"GET", "/echo", "", "", 405, ""},
		{"GET", "/no/such/route", "", "", 404, ""},
	} {
		r := request(t, c.method, s.url+c.path, c.ctype, c.body)
		if r.status != c.status || (c.want != "" && r.body != c.want) {
			t.Errorf("%s %s: got %d %q, want %d %q", c.method, c.path, r.status, r.body, c.status, c.want)
		}
	}
	if r := request(t, "GET", s.url+"/echo", "", ""); r.header.Get("Allow") != "POST" {
		t.Errorf("405 Allow = %q, want POST", r.header.Get("Allow"))
	}

	r := request(t, "GET", s.url+"/api/info", "", "")
	var info map[string]string
	if err := json.Unmarshal([]byte(r.body), &info); err != nil || r.status != 200 {
		t.Fatalf("/api/info: %d %q: %v", r.status, r.body, err)
	}
	if info["app"] != "hello" || info["route"] != "api/info" || info["method"] != "GET" || info["request_id"] == "" {
		t.Errorf("/api/info = %v", info)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("/api/info Content-Type = %q", ct)
	}

	// A handler.wasm dropped into routes/ goes live without a restart.
	ok, err := os.ReadFile(filepath.Join(repoRoot(t), "host", "testdata", "guests", "ok.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	dropped := filepath.Join(app, "routes", "dropped")
	os.MkdirAll(dropped, 0o755)
	if err := os.WriteFile(filepath.Join(dropped, ".tmp"), ok, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Rename(filepath.Join(dropped, ".tmp"), filepath.Join(dropped, "handler.wasm"))
	waitFor(t, s, s.url+"/dropped", "ok")
	// The Go routes still answer after the reload.
	if r := request(t, "GET", s.url+"/hello/Bo", "", ""); r.body != "Hello, Bo!\n" {
		t.Errorf("after reload: %d %q", r.status, r.body)
	}

	// Every request is logged with its id, route, module version and
	// duration (the test reads the log through a pipe: wait for the line).
	re := regexp.MustCompile(`(?m)^.*msg=request .*path=/hello/Ada.*$`)
	s.until(t, "the access line of /hello/Ada", func() bool { return re.MatchString(s.logs()) })
	line := re.FindString(s.logs())
	for _, key := range []string{"request_id=", "route=", "version=", "took=", "status=200"} {
		if !strings.Contains(line, key) {
			t.Errorf("access log line lacks %s: %q", key, line)
		}
	}
}

func TestE2EServeCGuest(t *testing.T) {
	s := startServe(t, filepath.Join(repoRoot(t), "examples", "hello-c"))
	r := request(t, "GET", s.url+"/c?name=wasm", "", "")
	if r.status != 200 || !strings.Contains(r.body, "wasm") {
		t.Errorf("/c: %d %q", r.status, r.body)
	}
}

func TestE2ECommandLine(t *testing.T) {
	noRoutes := t.TempDir()
	broken := copyExample(t, "hello")
	os.WriteFile(filepath.Join(broken, "routes", "echo", "handler.go"), []byte("package echo\n\nfunc Post( {\n"), 0o644)

	for _, c := range []struct {
		name     string
		args     []string
		code     int
		stdout   string // a substring of standard output
		stderr   string // a substring of standard error
		noOutput bool
	}{
		{name: "no arguments", args: nil, code: 2, stdout: "Commands:"},
		{name: "help", args: []string{"help"}, code: 0, stdout: "serve"},
		{name: "--help", args: []string{"--help"}, code: 0, stdout: "sandkit COMMAND"},
		{name: "serve --help", args: []string{"serve", "--help"}, code: 0, stderr: "-addr"},
		{name: "help serve", args: []string{"help", "serve"}, code: 0, stderr: "Usage: sandkit serve [APPDIR]"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{name: "unknown flag", args: []string{"serve", "--adress", "x"}, code: 2, stderr: "flag provided but not defined: -adress"},
		{name: "two folders", args: []string{"serve", "a", "b"}, code: 2, stderr: "one APPDIR expected"},
		{name: "bad log level", args: []string{"serve", noRoutes, "--log-level", "loud"}, code: 2, stderr: "--log-level"},
		{name: "no routes folder", args: []string{"serve", noRoutes}, code: 1, stderr: "has no routes/ folder"},
		{name: "build", args: []string{"build", filepath.Join(repoRoot(t), "examples", "hello-c")}, code: 0, stdout: "has no Go handlers"},
		{name: "build --help", args: []string{"build", "--help"}, code: 0, stderr: "Usage: sandkit build [APPDIR]"},
		{name: "build no routes folder", args: []string{"build", noRoutes}, code: 1, stderr: "has no routes/ folder"},
		{name: "build does not compile", args: []string{"build", broken}, code: 1, stderr: "routes/echo/handler.go:3"},
		{name: "handler does not compile", args: []string{"serve", broken, "--addr", "127.0.0.1:0"}, code: 1, stderr: "routes/echo/handler.go:3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(sandkitBin, c.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != c.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, c.code, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), c.stdout) {
				t.Errorf("stdout lacks %q:\n%s", c.stdout, &stdout)
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, &stderr)
			}
		})
	}
}

// published is what the server logs after it makes a new version of an
// app's routes live.
const published = "routes published"

// untilPublished checks cond now and again each time the server publishes
// a new version, until it holds; it fails t after a minute.
func (s *server) untilPublished(t *testing.T, what string, cond func() bool) {
	t.Helper()
	seen := -1
	s.until(t, what, func() bool {
		n := strings.Count(s.logs(), published)
		if n == seen {
			return false
		}
		seen = n
		return cond()
	})
}

// waitFor asks url now and again each time the server publishes a new
// version, until it answers want; it fails t after a minute.
func waitFor(t *testing.T, s *server, url, want string) {
	t.Helper()
	s.untilPublished(t, "GET "+url+" answering "+want, func() bool {
		r := request(t, "GET", url, "", "")
		return r.status == 200 && r.body == want
	})
}

// Editing a handler.go while serving rebuilds and swaps the app module; a
// broken edit keeps the last good version serving.
func TestE2EServeRebuildsGo(t *testing.T) {
	app := copyExample(t, "hello")
	s := startServe(t, app)
	root := filepath.Join(app, "routes", "handler.go")
	src, err := os.ReadFile(root)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "Hello from sandkit", "Hello again", 1)
	if edited == string(src) {
		t.Fatal("examples/hello/routes/handler.go no longer says Hello from sandkit")
	}
	os.WriteFile(root, []byte(edited), 0o644)
	waitFor(t, s, s.url+"/", "Hello again\n")

	os.WriteFile(root, []byte(edited+"\nfunc broken( {\n"), 0o644)
	s.until(t, "build failure logged", func() bool { return strings.Contains(s.logs(), "build failed") })
	if !strings.Contains(s.logs(), "routes/handler.go:") {
		t.Errorf("the build failure does not name the file and line\n%s", s.logs())
	}
	if r := request(t, "GET", s.url+"/", "", ""); r.body != "Hello again\n" {
		t.Errorf("after a broken edit: %d %q, want the last good version", r.status, r.body)
	}

	// A new route folder with a handler goes live too.
	os.MkdirAll(filepath.Join(app, "routes", "fresh"), 0o755)
	os.WriteFile(root, []byte(edited), 0o644)
	os.WriteFile(filepath.Join(app, "routes", "fresh", "handler.go"), []byte(`package fresh

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "fresh") }
`), 0o644)
	waitFor(t, s, s.url+"/fresh", "fresh")
}

func TestE2EBuild(t *testing.T) {
	app := copyExample(t, "hello")
	for i, want := range []string{"4 Go routes -> .sandkit/build/handlers.wasm", "from the build cache"} {
		out, err := exec.Command(sandkitBin, "build", app).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) || !strings.Contains(string(out), "routes/hello/name.param") {
			t.Errorf("build #%d: %v\n%s\nwant %q", i+1, err, out, want)
		}
	}
	if _, err := os.Stat(filepath.Join(app, ".sandkit", "build", "handlers.json")); err != nil {
		t.Error(err)
	}
}

// Editing a page while serving rebuilds the bundles and the next document
// is rendered from the new ones.
func TestE2EServeRebuildsPages(t *testing.T) {
	app := copyExample(t, "todo")
	s := startServe(t, app)
	page := filepath.Join(app, "routes", "page.tsx")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "<h1>Todo</h1>", "<h1>Todo, edited</h1>", 1)
	if edited == string(src) {
		t.Fatal("examples/todo/routes/page.tsx no longer has <h1>Todo</h1>")
	}
	if r := request(t, "GET", s.url+"/", "", ""); !strings.Contains(r.body, "<h1>Todo</h1>") {
		t.Fatalf("before the edit: %d %s", r.status, r.body)
	}
	os.WriteFile(page, []byte(edited), 0o644)
	s.untilPublished(t, "the edited page served", func() bool {
		return strings.Contains(request(t, "GET", s.url+"/", "", "").body, "<h1>Todo, edited</h1>")
	})
}
