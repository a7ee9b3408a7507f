package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// noToolsEnv is an environment whose PATH is an empty folder: neither go
// nor node (nor npm, nor anything else) can be run.
func noToolsEnv(t *testing.T) []string {
	t.Helper()
	bin := t.TempDir()
	for _, tool := range []string{"go", "node", "npm"} {
		if _, err := exec.LookPath(filepath.Join(bin, tool)); err == nil {
			t.Fatalf("%s found in %s", tool, bin)
		}
	}
	return []string{"PATH=" + bin, "HOME=" + t.TempDir()}
}

// buildArtifact runs sandkit build APP -o OUT and returns OUT.
func buildArtifact(t *testing.T, app string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "dist")
	b, err := exec.Command(sandkitBin, "build", app, "-o", out).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "sandkit: artifact "+out) {
		t.Fatalf("sandkit build -o: %v\n%s", err, b)
	}
	return out
}

// The todo app built into an artifact and served with no go and no node:
// a Go handler, a server-rendered page, a static file and migrations
// applied to a fresh database.
func TestE2EArtifactServesWithoutTools(t *testing.T) {
	app := copyExample(t, "todo")
	out := buildArtifact(t, app)
	os.RemoveAll(app) // nothing of the app folder is needed any more
	if _, err := os.Stat(filepath.Join(out, "data")); err == nil {
		t.Fatal("the artifact holds a database")
	}

	s := startServeEnv(t, noToolsEnv(t), out)
	if !strings.Contains(s.logs(), "migrations applied") || !strings.Contains(s.logs(), "0001_create_todos,0002_index_done") {
		t.Errorf("no migrations applied at start:\n%s", s.logs())
	}
	expect := func(method, path, ctype, body string, status int, want ...string) reply {
		t.Helper()
		r := request(t, method, s.url+path, ctype, body)
		if r.status != status {
			t.Errorf("%s %s: status %d, want %d\n%s", method, path, r.status, status, r.body)
		}
		for _, w := range want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s %s: body lacks %q:\n%.600s", method, path, w, r.body)
			}
		}
		return r
	}
	expect("POST", "/api/todos", "application/json", `{"title":"ship it"}`, 201, `"title":"ship it"`)
	expect("GET", "/api/todos", "", "", 200, `[{"id":1,"title":"ship it","done":false`)
	// A title of control characters and HTML makes valid JSON answers (the
	// SDK's JSONBuilder; strconv.Quote, used before, wrote \a and \x1b).
	odd := "\u0007bell \u001b[31mred\u001b[0m \u2028<b>&\"\\ \u007f"
	in, _ := json.Marshal(map[string]string{"title": odd})
	var created, list, conflict struct {
		Title string
		Error string
	}
	for _, c := range []struct {
		status int
		path   string
		into   any
	}{{201, "POST /api/todos", &created}, {409, "POST /api/todos", &conflict}, {200, "GET /api/todos?done=false", &[]any{nil, &list}}} {
		method, path, _ := strings.Cut(c.path, " ")
		r := expect(method, path, "application/json", string(in), c.status)
		if !json.Valid([]byte(r.body)) {
			t.Errorf("%s: %d answer is not JSON: %q", c.path, c.status, r.body)
		} else if err := json.Unmarshal([]byte(r.body), c.into); err != nil {
			t.Errorf("%s: %v: %q", c.path, err, r.body)
		}
	}
	if created.Title != odd || list.Title != odd {
		t.Errorf("title %q made %q (201) and %q (list)", odd, created.Title, list.Title)
	}
	if want := `a todo titled "` + odd + `" already exists`; conflict.Error != want {
		t.Errorf("409: %q, want %q", conflict.Error, want)
	}
	expect("POST", "/api/todos", "application/json", `{"title":"nul\u0000"}`, 400, `{"error":"a title cannot contain a NUL character"}`)
	page := expect("GET", "/todos", "", "", 200, "<!DOCTYPE html>", "ship it", "/_sandkit/pages/")
	if ct := page.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("page Content-Type %q", ct)
	}
	fav, _ := os.ReadFile(filepath.Join(repoRoot(t), "examples", "todo", "public", "favicon.ico"))
	if r := expect("GET", "/favicon.ico", "", "", 200); r.body != string(fav) {
		t.Errorf("favicon.ico: %d bytes, want the %d of public/favicon.ico", len(r.body), len(fav))
	}
	if _, err := os.Stat(filepath.Join(out, "data", "app.db")); err != nil {
		t.Errorf("the database is not in the artifact's data/: %v", err)
	}
	cmd := exec.Command(sandkitBin, "migrate", "status", out)
	cmd.Env = noToolsEnv(t)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "0002_index_done") || !strings.Contains(string(b), "applied 20") {
		t.Errorf("migrate status of the artifact: %v\n%s", err, b)
	}
}

// A prebuilt handler.wasm (a C guest) goes into the artifact as it is.
func TestE2EArtifactPrebuiltWasm(t *testing.T) {
	out := buildArtifact(t, filepath.Join(repoRoot(t), "examples", "hello-c"))
	s := startServeEnv(t, noToolsEnv(t), out)
	if r := request(t, "GET", s.url+"/c", "", ""); r.status != 200 {
		t.Errorf("GET /c: %d %s", r.status, r.body)
	}
}

// A missing or damaged file stops serve before it listens, naming the
// file; a folder that is not an artifact is refused as -o.
func TestE2EArtifactChecked(t *testing.T) {
	out := buildArtifact(t, filepath.Join(repoRoot(t), "examples", "hello-c"))
	serve := func(want ...string) {
		t.Helper()
		cmd := exec.Command(sandkitBin, "serve", out, "--addr", "127.0.0.1:0")
		cmd.Env = noToolsEnv(t)
		b, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
			t.Errorf("serve of a broken artifact: exit %d, %v", code, err)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("serve output lacks %q:\n%s", w, b)
			}
		}
	}
	wasm := filepath.Join(out, "routes", "c", "handler.wasm")
	b, _ := os.ReadFile(wasm)
	b[len(b)-1] ^= 1
	os.WriteFile(wasm, b, 0o644)
	serve("routes/c/handler.wasm: sha256", "corrupt", "build it again")
	os.Remove(wasm)
	serve("routes/c/handler.wasm: missing")

	notArtifact := t.TempDir()
	os.WriteFile(filepath.Join(notArtifact, "keep.txt"), []byte("mine"), 0o644)
	cmd := exec.Command(sandkitBin, "build", filepath.Join(repoRoot(t), "examples", "hello-c"), "-o", notArtifact)
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "is not empty") {
		t.Errorf("build -o into a folder of other files: %v\n%s", err, b)
	}
}
