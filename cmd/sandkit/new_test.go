// Tests of sandkit new and sandkit version, run as a new user would: in a
// temporary folder outside the repository, through the binary, with no
// replace directive written by hand.

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	sdksrc "sandkit.dev/sandkit"
	"sandkit.dev/sandkit/internal/npmfixture"
)

// runIn runs name args in dir with Go's and npm's network turned off and
// returns the combined output; it fails t on an error.
func runIn(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off", "npm_config_offline=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

// TestNewThenServe is the walk-through of the README: sandkit new, Go's
// tools in the app (with parameter, catch-all and group routes added),
// then sandkit serve.
func TestNewThenServe(t *testing.T) {
	// The template's packages come from the npm cache that the deps step
	// filled by installing the same lock here (a clear error if it did not).
	if err := npmfixture.Install(filepath.Join("testdata", "newapp")); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	out := runIn(t, work, sandkitBin, "new", "--offline", "demo")
	if !strings.Contains(out, "npm packages installed") {
		t.Errorf("sandkit new printed no npm progress:\n%s", out)
	}
	app := filepath.Join(work, "demo")
	for _, f := range []string{"routes/layout.tsx", "routes/page.tsx", "routes/handler.go", "routes/api/hello/handler.go",
		"migrations/0001_create_greetings.up.sql", "sandkit.toml", "package.json", "package-lock.json", "tsconfig.json",
		".gitignore", "README.md", "go.mod", ".sandkit/sdk/go.mod", ".sandkit/sdk/guest-sdk/go/handle.go",
		".sandkit/sdk/guest-sdk/go/db/fast.go", ".sandkit/sdk/abi/abi.go", "node_modules/react/package.json",
		"node_modules/typescript/package.json", "node_modules/@types/react/package.json"} {
		if _, err := os.Stat(filepath.Join(app, f)); err != nil {
			t.Errorf("sandkit new wrote no %s: %v", f, err)
		}
	}

	// Routes of every kind, each a Go package, as a user adds them.
	for p, src := range map[string]string{
		"routes/notes/id.param/handler.go": `package note

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.JSON(200, map[string]string{"id": r.Param("id")}) }
`,
		"routes/notes/id.param/handler_test.go": `package note

import "testing"

func TestBuilds(t *testing.T) {}
`,
		"routes/notes/id.param/page.tsx": `import { useData } from "sandkit/client";
export default function Note() { const d = useData<{ id: string }>(); return <h1>note {d.id}</h1>; }
`,
		"routes/files/path.all/handler.go": `package files

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "file "+r.Param("path")) }
`,
		"routes/site.group/about/handler.go": `package about

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "about") }
`,
	} {
		if err := writeNewFile(filepath.Join(app, p), []byte(src)); err != nil {
			t.Fatal(err)
		}
	}
	modBefore, err := os.ReadFile(filepath.Join(app, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	list := runIn(t, app, "go", "list", "./...")
	for _, pkg := range []string{"demo/routes/notes/id.param", "demo/routes/files/path.all", "demo/routes/site.group/about", "demo/routes/api/hello"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(pkg) + `$`).MatchString(list) {
			t.Errorf("go list ./... does not list %s:\n%s", pkg, list)
		}
	}
	runIn(t, app, "go", "build", "./...")
	runIn(t, app, "go", "vet", "./...")
	if test := runIn(t, app, "go", "test", "./..."); !strings.Contains(test, "ok  \tdemo/routes/notes/id.param") ||
		!strings.Contains(test, "ok  \tdemo/routes/api/hello") {
		t.Errorf("go test ./... did not run the routes' tests:\n%s", test)
	}
	// go.mod lists every module the SDK's packages import, so a route may
	// import auth or sandkittest at once; go mod tidy drops those the app
	// does not use yet, and must find nothing missing or wrong.
	runIn(t, app, "go", "mod", "tidy")
	modAfter, _ := os.ReadFile(filepath.Join(app, "go.mod"))
	before, after := requires(t, modBefore), requires(t, modAfter)
	for p, v := range after {
		if before[p] != v {
			t.Errorf("go mod tidy requires %s %s; sandkit new wrote %q", p, v, before[p])
		}
	}
	if after["sandkit.dev/sandkit"] != "v0.0.0" {
		t.Errorf("go mod tidy dropped sandkit.dev/sandkit:\n%s", modAfter)
	}

	s := startServe(t, app)
	if r := request(t, "GET", s.url+"/", "", ""); r.status != 200 || !strings.Contains(r.body, "<h1>Hello from demo</h1>") ||
		!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("GET / = %d %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := request(t, "GET", s.url+"/api/hello?name=Ada", "", ""); r.status != 200 || r.body != `{"message":"Hello, Ada!"}` ||
		r.header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /api/hello = %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := request(t, "GET", s.url+"/notes/7", "", ""); r.status != 200 || !strings.Contains(r.body, "note <!-- -->7") && !strings.Contains(r.body, "note 7") {
		t.Errorf("GET /notes/7 = %d\n%s", r.status, r.body)
	}
	if r := request(t, "GET", s.url+"/files/a/b.txt", "", ""); r.status != 200 || r.body != "file a/b.txt" {
		t.Errorf("GET /files/a/b.txt = %d %s", r.status, r.body)
	}
	if r := request(t, "GET", s.url+"/about", "", ""); r.status != 200 || r.body != "about" {
		t.Errorf("GET /about = %d %s", r.status, r.body)
	}
}

// requires maps each module a go.mod requires to its version.
func requires(t *testing.T, gomod []byte) map[string]string {
	t.Helper()
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range f.Require {
		out[r.Mod.Path] = r.Mod.Version
	}
	return out
}

func TestNewRefuses(t *testing.T) {
	work := t.TempDir()
	if err := writeNewFile(filepath.Join(work, "taken", "x.txt"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"new", "taken"}, 1, "taken already exists and is not empty"},
		{[]string{"new", "My App"}, 2, `app name "My App": use lowercase letters`},
		{[]string{"new"}, 2, "want one argument"},
	} {
		cmd := exec.Command(sandkitBin, tc.args...)
		cmd.Dir = work
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != tc.code || !strings.Contains(string(out), tc.want) {
			t.Errorf("sandkit %v = %d\n%s\nwant %d and %q", tc.args, code, out, tc.code, tc.want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(work, "taken")); len(entries) != 1 {
		t.Errorf("sandkit new wrote into an existing folder: %v", entries)
	}
	// An empty folder is fine.
	if err := os.Mkdir(filepath.Join(work, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	runIn(t, work, sandkitBin, "new", "--no-install", "empty")
}

// TestNewTemplateLockInstalled keeps the npm fixture that fills the npm
// cache (scripts/install-deps.sh) equal to what sandkit new writes, so that
// the offline install above finds every package.
func TestNewTemplateLockInstalled(t *testing.T) {
	for _, f := range []string{"package.json", "package-lock.json"} {
		tmpl, err := newTemplate.ReadFile("template/" + f + ".tmpl")
		if err != nil {
			t.Fatal(err)
		}
		fixture, err := os.ReadFile(filepath.Join("testdata", "newapp", f))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(string(tmpl), "{{.Name}}", "newapp"); string(fixture) != want {
			t.Errorf("testdata/newapp/%s differs from template/%s.tmpl (with the name newapp): copy it over", f, f)
		}
	}
}

func TestVersion(t *testing.T) {
	out := runIn(t, t.TempDir(), sandkitBin, "version")
	if !regexp.MustCompile(`^sandkit \S+.* \(go1\.\d+.*, \w+/\w+\)\n$`).MatchString(out) {
		t.Errorf("sandkit version printed %q", out)
	}
}

// TestNewThenDev: the app sandkit new writes works at once under sandkit
// dev, type check included: an edit of its page goes live, a type error
// keeps the last good page serving and says where, and its fix goes live.
func TestNewThenDev(t *testing.T) {
	if err := npmfixture.Install(filepath.Join("testdata", "newapp")); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	runIn(t, work, sandkitBin, "new", "--offline", "demo")
	app := filepath.Join(work, "demo")
	s := startCommand(t, "dev", "--tools-dir", t.TempDir(), app)
	if r := requestAccept(t, s.url+"/", "text/html"); r.status != 200 || !strings.Contains(r.body, "<h1>Hello from demo</h1>") ||
		!strings.Contains(r.body, "/_sandkit/dev/client.js") {
		t.Fatalf("GET / = %d\n%s", r.status, r.body)
	}
	page := filepath.Join(app, "routes", "page.tsx")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) {
		t.Helper()
		b := bytes.Replace(src, []byte(from), []byte(to), 1)
		if bytes.Equal(b, src) {
			t.Fatalf("routes/page.tsx has no %q", from)
		}
		if err := os.WriteFile(page, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	served := func(want string) func() bool {
		return func() bool { return strings.Contains(request(t, "GET", s.url+"/", "", "").body, want) }
	}
	edit("<h1>{data.message}</h1>", "<h1>Edited: {data.message}</h1>")
	s.until(t, "the edited page served", served("Edited: <!-- -->Hello from demo"))

	edit("<h1>{data.message}</h1>", "<h1>{data.mesage}</h1>")
	s.until(t, "the type error reported", func() bool {
		return strings.Contains(s.logs(), "routes/page.tsx:") && strings.Contains(s.logs(), "mesage")
	})
	if !served("Edited: <!-- -->Hello from demo")() {
		t.Errorf("the last good page is not served while the type error lasts")
	}
	edit("<h1>{data.message}</h1>", "<h1>Fixed: {data.message}</h1>")
	s.until(t, "the fixed page served", served("Fixed: <!-- -->Hello from demo"))
}

// TestUpgrade: sandkit upgrade replaces an app's SDK copy with the one the
// binary carries (a changed file restored, a stale one gone, the app still
// builds), and refuses an app whose go.mod does not use such a copy.
func TestUpgrade(t *testing.T) {
	work := t.TempDir()
	runIn(t, work, sandkitBin, "new", "--no-install", "demo")
	app := filepath.Join(work, "demo")
	sdk := filepath.Join(app, ".sandkit", "sdk")
	abiFile := filepath.Join(sdk, "abi", "abi.go")
	want, err := sdksrc.GuestSDK.ReadFile("abi/abi.go")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(abiFile, append(append([]byte(nil), want...), "\n// an older SDK\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeNewFile(filepath.Join(sdk, "abi", "stale.go"), []byte("package abi\n\nconst Stale = 1\n")); err != nil {
		t.Fatal(err)
	}
	// The app was made by a sandkit whose SDK imported only the standard
	// library (a go.mod with no other requirement, no go.sum), and it
	// requires a module of its own.
	rootSum, err := sdksrc.GuestSDK.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	var ownSum []byte
	for _, l := range strings.SplitAfter(string(rootSum), "\n") {
		if strings.HasPrefix(l, "github.com/gorilla/mux v1.8.1") {
			ownSum = append(ownSum, l...)
		}
	}
	if err := os.WriteFile(filepath.Join(app, "go.mod"), []byte("module demo\n\ngo 1.26\n\nrequire (\n\tgithub.com/gorilla/mux v1.8.1\n\tsandkit.dev/sandkit v0.0.0\n)\n\nreplace sandkit.dev/sandkit => ./.sandkit/sdk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "go.sum"), ownSum, 0o644); err != nil {
		t.Fatal(err)
	}
	code, o, e := runCLI(t, work, nil, "upgrade", "demo")
	expectOutput(t, code, o, e, 0, []string{"guest SDK", "requirements of the guest SDK updated"}, nil)
	info, err := sdksrc.GuestSDKModule()
	if err != nil {
		t.Fatal(err)
	}
	mod, _ := os.ReadFile(filepath.Join(app, "go.mod"))
	req := requires(t, mod)
	if req["github.com/gorilla/mux"] != "v1.8.1" || req["sandkit.dev/sandkit"] != "v0.0.0" {
		t.Errorf("the upgrade lost the app's own requirements:\n%s", mod)
	}
	for _, r := range info.Requires {
		if req[r.Mod.Path] != r.Mod.Version {
			t.Errorf("after the upgrade go.mod requires %s %q, want %s:\n%s", r.Mod.Path, req[r.Mod.Path], r.Mod.Version, mod)
		}
	}
	if !bytes.Contains(mod, []byte("\ngo "+info.Go+"\n")) {
		t.Errorf("the go line was not raised to the SDK's %s:\n%s", info.Go, mod)
	}
	sum, _ := os.ReadFile(filepath.Join(app, "go.sum"))
	if !bytes.Contains(sum, ownSum) || !bytes.Contains(sum, []byte("golang.org/x/crypto ")) {
		t.Errorf("go.sum after the upgrade:\n%s", sum)
	}
	// Now a route may use auth and form, with no go mod tidy, offline.
	if err := writeNewFile(filepath.Join(app, "routes", "api", "signup", "handler.go"), []byte(signupHandler)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(abiFile); !bytes.Equal(got, want) {
		t.Errorf("abi/abi.go was not replaced by the carried SDK's")
	}
	if _, err := os.Stat(filepath.Join(sdk, "abi", "stale.go")); !os.IsNotExist(err) {
		t.Errorf("a file the carried SDK does not have is still there: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(app, ".sandkit")); len(entries) != 1 {
		t.Errorf(".sandkit holds %d entries after the upgrade, want only sdk", len(entries))
	}
	runIn(t, app, "go", "build", "./...")

	other := filepath.Join(work, "other")
	if err := writeNewFile(filepath.Join(other, "routes", "handler.go"), []byte("package home\n")); err != nil {
		t.Fatal(err)
	}
	if err := writeNewFile(filepath.Join(other, "go.mod"), []byte("module other\n\ngo 1.26\n\nrequire sandkit.dev/sandkit v0.0.0\n\nreplace sandkit.dev/sandkit => ../sandkit\n")); err != nil {
		t.Fatal(err)
	}
	code, o, e = runCLI(t, work, nil, "upgrade", "other")
	expectOutput(t, code, o, e, 1, []string{"does not replace sandkit.dev/sandkit with ./.sandkit/sdk", "hint:"}, nil)
}
