package compiler

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/internal/npmfixture"
	"sandkit.dev/sandkit/routing"
)

var updatePages = flag.Bool("update", false, "rewrite the golden files under testdata/pages")

// pagesExample is examples/pages, whose node_modules the deps step
// installs (npmfixture).
func pagesExample(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "examples", "pages")
	if err := npmfixture.Install(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyPagesApp copies the example's sources (not node_modules, which is
// linked, nor .sandkit) into a temporary folder, so tests build in
// isolation.
func copyPagesApp(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "pages")
	if err := copyPagesAppTo(pagesExample(t), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// copyPagesAppTo is copyPagesApp into dst.
func copyPagesAppTo(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			switch d.Name() {
			case ".sandkit":
				return fs.SkipDir
			case "node_modules":
				if err := os.Symlink(p, filepath.Join(dst, rel)); err != nil {
					return err
				}
				return fs.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// built is the example's production build, made once for the tests that
// only read it (a pages build takes seconds under the race detector).
var built struct {
	once sync.Once
	app  string
	res  *PagesResult
	err  error
}

// builtPages returns the shared production build of the example; the
// test must not change its folder.
func builtPages(t *testing.T) (string, *PagesResult) {
	t.Helper()
	src := pagesExample(t)
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "sandkit-pages-")
		if err != nil {
			built.err = err
			return
		}
		// Not t.TempDir: the build is shared by several tests (TestMain
		// removes it).
		built.app = filepath.Join(dir, "pages")
		if built.err = copyPagesAppTo(src, built.app); built.err == nil {
			built.res, built.err = BuildPages(context.Background(), built.app, PagesOptions{})
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.app, built.res
}

// pagesBuild builds a copy of the example (production) in a temporary
// folder the test removes: for a test that changes it.
func pagesBuild(t *testing.T) (string, *PagesResult) {
	t.Helper()
	dir := copyPagesApp(t)
	res, err := BuildPages(context.Background(), dir, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

// golden compares got with testdata/pages/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "pages", name)
	if *updatePages {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -run %s -update rewrites it)\ngot:\n%s\nwant:\n%s", p, t.Name(), got, want)
	}
}

var hashedName = regexp.MustCompile(`^(entry|chunk)-[A-Z0-9]{8}\.(js|css)$`)

func TestPagesManifest(t *testing.T) {
	app, res := builtPages(t)
	m := res.Manifest
	wantRoutes := map[string]string{
		"":                      "/",
		"marketing.group/about": "/about",
		"docs/path.all":         "/docs/{path:.*}",
		"posts":                 "/posts",
		"posts/id.param":        "/posts/{id}",
		"posts/new":             "/posts/new",
	}
	if len(m.Routes) != len(wantRoutes) {
		t.Errorf("manifest routes %d, want %d", len(m.Routes), len(wantRoutes))
	}
	for id, pat := range wantRoutes {
		a := m.Routes[id]
		if a == nil {
			t.Errorf("route %q missing from the manifest", id)
			continue
		}
		if a.Pattern != pat {
			t.Errorf("route %q: pattern %q, want %q", id, a.Pattern, pat)
		}
		if len(a.Preload) == 0 || a.Preload[0] != m.Entry {
			t.Errorf("route %q: preload %v does not start with the entry %s", id, a.Preload, m.Entry)
		}
		for _, f := range append(append([]string{}, a.Preload...), a.CSS...) {
			if !hashedName.MatchString(f) {
				t.Errorf("route %q: %s is not a content-hashed name", id, f)
			}
			if _, err := os.Stat(filepath.Join(res.Dir, "client", f)); err != nil {
				t.Errorf("route %q: %v", id, err)
			}
		}
		// nav.css comes with the root layout on every page.
		if !containsCSS(t, res.Dir, a.CSS, ".nav") {
			t.Errorf("route %q: no stylesheet has the Nav component's CSS: %v", id, a.CSS)
		}
	}
	// posts.css is imported by routes/posts/layout.tsx: only pages under
	// /posts link it.
	for id, want := range map[string]bool{"posts": true, "posts/id.param": true, "": false, "marketing.group/about": false} {
		if got := containsCSS(t, res.Dir, m.Routes[id].CSS, ".posts"); got != want {
			t.Errorf("route %q links posts.css: %t, want %t", id, got, want)
		}
	}
	mods := m.Routes["posts/id.param"].Modules
	if want := []string{"routes/layout.tsx", "routes/error.tsx", "routes/posts/layout.tsx", "routes/posts/id.param/page.tsx"}; strings.Join(mods, ",") != strings.Join(want, ",") {
		t.Errorf("posts/id.param modules %v, want %v", mods, want)
	}
	if m.NotFound[""] == nil {
		t.Errorf("manifest has no not-found assets for routes/404.tsx: %v", m.NotFound)
	}
	if res.Routes == nil || res.ServerBytes == 0 || res.ClientBytes == 0 {
		t.Errorf("result: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(app, "routes", ".sandkit")); err == nil {
		t.Error("the build wrote into routes/")
	}
	if _, err := os.Stat(filepath.Join(app, RuntimeTypesDir, "index.ts")); err != nil {
		t.Errorf("runtime sources for editors: %v", err)
	}
	// The entry knows which stylesheets lazily loaded modules need.
	entry, err := os.ReadFile(filepath.Join(res.Dir, "client", m.Entry))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(entry), cssPlaceholder) || !strings.Contains(string(entry), `routes/posts/layout.tsx`) {
		t.Error("the client entry lacks the stylesheet map")
	}
}

func containsCSS(t *testing.T, dir string, files []string, needle string) bool {
	t.Helper()
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, "client", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), needle) {
			return true
		}
	}
	return false
}

func TestPagesTreeGolden(t *testing.T) {
	dir := pagesExample(t)
	routesFS := os.DirFS(filepath.Join(dir, "routes"))
	table, err := routing.Scan(routesFS)
	if err != nil {
		t.Fatal(err)
	}
	nodes := pageTree(table, routesFS)
	golden(t, "tree.txt", treeString(nodes))
	golden(t, "client-entry.js", entrySource(nodes, false))
	golden(t, "server-entry.js", entrySource(nodes, true))
}

// renderCase is one render of the server bundle.
type renderCase struct {
	name  string
	input map[string]any
}

var renderCases = []renderCase{
	{"home", map[string]any{"route": "", "url": "/", "params": map[string]string{}, "data": map[string]string{"greeting": "Hello from the handler"}}},
	{"posts", map[string]any{"route": "posts", "url": "/posts?page=2", "params": map[string]string{}, "data": nil}},
	{"post", map[string]any{"route": "posts/id.param", "url": "/posts/2", "params": map[string]string{"id": "2"},
		"data": map[string]string{"id": "2", "title": "From <data> & \"JSON\"", "body": "x"}}},
	{"post-throws", map[string]any{"route": "posts/id.param", "url": "/posts/boom", "params": map[string]string{"id": "boom"}, "data": nil}},
	{"form", map[string]any{"route": "posts/new", "url": "/posts/new", "params": map[string]string{}, "data": nil}},
	{"catch-all", map[string]any{"route": "docs/path.all", "url": "/docs/guide/intro", "params": map[string]string{"path": "guide/intro"}, "data": nil}},
	{"group", map[string]any{"route": "marketing.group/about", "url": "/about", "params": map[string]string{}, "data": nil}},
	{"not-found", map[string]any{"route": "", "url": "/no/such/page", "params": map[string]string{}, "data": nil, "notFound": true}},
	{"form-refused", map[string]any{"route": "posts/new", "url": "/posts/new", "params": map[string]string{}, "data": nil,
		"action": map[string]any{"error": map[string]any{"status": 422, "message": "the form has errors", "fields": map[string]string{"title": "is required"}},
			"values": map[string]string{"title": "", "body": "draft"}}}},
	{"loader-error", map[string]any{"route": "posts/id.param", "url": "/posts/9", "params": map[string]string{"id": "9"}, "data": nil,
		"error": map[string]any{"status": 404, "message": "no post 9"}}},
}

// stackRE matches the stack of a thrown error in a render result: it
// names engine-specific frames, so it is left out of comparisons.
var stackRE = regexp.MustCompile(`"stack":"(?:[^"\\]|\\.)*"`)

func withoutStack(result string) string { return stackRE.ReplaceAllString(result, `"stack":"(stack)"`) }

// renderNode runs server.js in Node and calls __sandkit_render with each
// input; it returns the results in order.
func renderNode(t *testing.T, serverJS string, inputs []string) []string {
	t.Helper()
	script := `const fs = require("fs");
(0, eval)(fs.readFileSync(process.argv[1], "utf8"));
const out = [];
for (const input of JSON.parse(fs.readFileSync(0, "utf8"))) out.push(globalThis.__sandkit_render(input));
process.stdout.write(JSON.stringify(out));`
	in, _ := json.Marshal(inputs)
	cmd := exec.Command("node", "-e", script, serverJS)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var res []string
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node output: %v\n%s", err, out)
	}
	return res
}

// The server bundle run in Node is the reference the SSR engine's output
// must equal byte for byte: the golden files hold Node's results.
func TestPagesServerBundleInNode(t *testing.T) {
	_, res := builtPages(t)
	var inputs []string
	for _, c := range renderCases {
		b, _ := json.Marshal(c.input)
		inputs = append(inputs, string(b))
	}
	outs := renderNode(t, res.ServerPath, inputs)
	for i, c := range renderCases {
		var r struct {
			HTML     string          `json:"html"`
			Head     string          `json:"head"`
			Status   int             `json:"status"`
			Route    string          `json:"route"`
			NotFound *string         `json:"notFound"`
			State    json.RawMessage `json:"state"`
			Thrown   *struct{ Name, Message, Stack string }
		}
		if err := json.Unmarshal([]byte(outs[i]), &r); err != nil {
			t.Fatalf("%s: result is not JSON: %v\n%s", c.name, err, outs[i])
		}
		golden(t, "render/"+c.name+".json", withoutStack(outs[i])+"\n")
		want := map[string]struct {
			status int
			html   []string
			head   string
		}{
			"home":         {200, []string{`<nav class="nav">`, `<h1>Hello from the handler</h1>`, `aria-current="page" class="active" href="/"`}, "<title>Home · sandkit pages</title>"},
			"posts":        {200, []string{`<div class="posts"><aside>`, `<a href="/posts/1"`}, "<title>Posts · sandkit pages</title>"},
			"post":         {200, []string{`<h1>From &lt;data&gt; &amp; &quot;JSON&quot;</h1>`, `<div class="posts">`}, `<title>From &lt;data&gt; &amp; &quot;JSON&quot; · sandkit pages</title>`},
			"post-throws":  {500, []string{`<nav class="nav">`, `<h1>Something went wrong</h1>`, `<p class="error">Unexpected Server Error</p>`}, "<title>Error · sandkit pages</title>"},
			"form":         {200, []string{`action="/posts/new" method="post"`, `name="title"`}, "<title>New post · sandkit pages</title>"},
			"catch-all":    {200, []string{`guide/intro`}, "<title>Docs: guide/intro · sandkit pages</title>"},
			"group":        {200, []string{`<h1>About</h1>`}, "<title>About · sandkit pages</title>"},
			"not-found":    {404, []string{`<nav class="nav">`, `<h1>Not found</h1>`, `<code>/no/such/page</code>`}, "<title>Not found · sandkit pages</title>"},
			"form-refused": {200, []string{`<p class="error">title <!-- -->is required</p>`, `<textarea name="body">draft</textarea>`}, "<title>New post · sandkit pages</title>"},
			"loader-error": {404, []string{`<div class="app"><nav`, `<h1>Something went wrong</h1><p class="error">no post 9</p>`}, "<title>Error · sandkit pages</title>"},
		}[c.name]
		if r.Status != want.status {
			t.Errorf("%s: status %d, want %d", c.name, r.Status, want.status)
		}
		for _, s := range want.html {
			if !strings.Contains(r.HTML, s) {
				t.Errorf("%s: html lacks %s:\n%s", c.name, s, r.HTML)
			}
		}
		if !strings.HasPrefix(r.Head, want.head) {
			t.Errorf("%s: head %q, want it to start with %q", c.name, r.Head, want.head)
		}
		if strings.Contains(r.HTML, "<title>") {
			t.Errorf("%s: <title> left in the body markup", c.name)
		}
		// What was thrown reaches the host's log, not the page.
		if (c.name == "post-throws") != (r.Thrown != nil) {
			t.Errorf("%s: thrown %+v", c.name, r.Thrown)
		} else if r.Thrown != nil && (r.Thrown.Message != "post boom exploded" || r.Thrown.Name != "Error" || r.Thrown.Stack == "") {
			t.Errorf("%s: thrown %+v", c.name, r.Thrown)
		}
		if (c.name == "not-found") != (r.NotFound != nil) {
			t.Errorf("%s: notFound %v", c.name, r.NotFound)
		}
	}
}

func TestPagesServerBundleThrowsWithoutErrorPage(t *testing.T) {
	app := copyPagesApp(t)
	os.Remove(filepath.Join(app, "routes", "error.tsx"))
	os.Remove(filepath.Join(app, "routes", "404.tsx"))
	res, err := BuildPages(context.Background(), app, PagesOptions{Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	script := `const fs = require("fs");
(0, eval)(fs.readFileSync(process.argv[1], "utf8"));
for (const input of process.argv.slice(2)) {
  try { globalThis.__sandkit_render(input); console.log("no error"); } catch (e) { console.log("threw: " + e.message); }
}`
	out, err := exec.Command("node", "-e", script, res.ServerPath,
		`{"route":"posts/id.param","url":"/posts/boom","params":{"id":"boom"},"data":null}`,
		`{"route":"","url":"/nope","params":{},"data":null,"notFound":true}`).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	want := "threw: post boom exploded\nthrew: no 404 page for /nope (hint: add routes/404.tsx)\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestPagesDevBuild(t *testing.T) {
	app := copyPagesApp(t)
	res, err := BuildPages(context.Background(), app, PagesOptions{Dev: true, PublicPath: "/assets/"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest.PublicPath != "/assets/" {
		t.Errorf("public path %q", res.Manifest.PublicPath)
	}
	entry := filepath.Join(res.Dir, "client", res.Manifest.Entry)
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "//# sourceMappingURL=") {
		t.Error("dev entry has no source map link")
	}
	if _, err := os.Stat(entry + ".map"); err != nil {
		t.Error(err)
	}
	if !strings.Contains(string(b), `\"/assets/`) {
		t.Error("the stylesheet map does not use the public path")
	}
}

func TestPagesCache(t *testing.T) {
	app := copyPagesApp(t)
	ctx := context.Background()
	first, err := BuildPages(ctx, app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	again, err := BuildPages(ctx, app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || !again.Cached {
		t.Fatalf("cached: first %t, again %t", first.Cached, again.Cached)
	}
	if again.Manifest.Entry != first.Manifest.Entry {
		t.Error("a cached build reports another entry")
	}
	writeFile(t, app, "routes/posts/posts.css", ".posts { color: red }\n")
	third, err := BuildPages(ctx, app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if third.Cached {
		t.Fatal("a changed stylesheet was served from the cache")
	}
	if a, b := first.Manifest.Routes["posts"].CSS, third.Manifest.Routes["posts"].CSS; strings.Join(a, ",") == strings.Join(b, ",") {
		t.Errorf("stylesheet names did not change with their content: %v", a)
	}
	// A linked file gone: the cache entry is not trusted.
	os.Remove(filepath.Join(third.Dir, PagesClientDir, third.Manifest.Routes["posts"].CSS[0]))
	fourth, err := BuildPages(ctx, app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fourth.Cached {
		t.Error("a build whose stylesheet was deleted was served from the cache")
	}
	// Files not touched keep their names (content hashes).
	if first.Manifest.Routes[""].Preload[1] != third.Manifest.Routes[""].Preload[1] {
		t.Error("a chunk whose content did not change got a new name")
	}
}

func TestPagesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, src string
		want            []string
	}{
		{"syntax", "routes/posts/id.param/page.tsx", "export default function Page() {\n  return <div>{1 + }</div>;\n}\n",
			[]string{`routes/posts/id.param/page.tsx:2:20: Unexpected "}"`, "(hint: fix the syntax at this position)"}},
		{"import", "routes/page.tsx", "import { x } from \"./_nope\";\nexport default function P() { return <p>{x}</p>; }\n",
			[]string{`routes/page.tsx:1:19: Could not resolve "./_nope"`, "hint: check the import path"}},
		{"missing export", "routes/page.tsx", "import { nothing } from \"sandkit/client\";\nexport default function P() { return <p>{nothing}</p>; }\n",
			[]string{`routes/page.tsx:1:10: No matching export in "sandkit:client/index.ts" for import "nothing"`}},
		{"no default export", "routes/posts/layout.tsx", "export function Layout() { return null; }\n",
			[]string{"routes/posts/layout.tsx: no default export (hint: export default function Layout({ children }) { ... })"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := copyPagesApp(t)
			writeFile(t, app, tc.file, tc.src)
			_, err := BuildPages(context.Background(), app, PagesOptions{})
			var pe *PagesError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *PagesError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestPagesRouteErrors(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/posts/[slug]/page.tsx", "export default function P() { return null; }\n")
	_, err := BuildPages(context.Background(), app, PagesOptions{})
	if err == nil || !strings.Contains(err.Error(), `routes/posts/[slug]: folder name "[slug]"`) || !strings.Contains(err.Error(), "rename the folder slug.param") {
		t.Errorf("error: %v", err)
	}
}

func TestPagesWarnings(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/marketing.group/about/page.tsx", "export default function About() { const o = { a: 1, a: 2 }; return <p>{o.a}</p>; }\n")
	res, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "routes/marketing.group/about/page.tsx:1:") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestPagesSegmentSyntax(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/what?/page.tsx", "export default function P() { return null; }\n")
	_, err := BuildPages(context.Background(), app, PagesOptions{})
	if err == nil || !strings.Contains(err.Error(), `routes/what?: folder name "what?" cannot be part of a page's URL`) {
		t.Errorf("error: %v", err)
	}
}

func TestPagesNoPages(t *testing.T) {
	app := t.TempDir()
	stale := filepath.Join(app, ".sandkit", "build", "pages", "server.js")
	writeFile(t, app, ".sandkit/build/pages/server.js", "old")
	writeFile(t, app, "routes/api/handler.go", "package api\n")
	res, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Routes) != 0 || res.Manifest != nil {
		t.Errorf("result %+v", res)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale server.js kept: %v", err)
	}
}

func TestPagesNoNodeModules(t *testing.T) {
	app := t.TempDir()
	writeFile(t, app, "routes/page.tsx", "export default function P() { return null; }\n")
	_, err := BuildPages(context.Background(), app, PagesOptions{})
	if err == nil || !strings.Contains(err.Error(), "hint: run `npm install react react-dom react-router`") {
		t.Errorf("error: %v", err)
	}
}

// An error page catches what its folder's pages throw, inside its folder's
// layout; what that layout throws goes to the error page above it.
func TestPagesNestedErrorPages(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/posts/error.tsx", `export default function E({ error }) { return <p>posts error: {error.message}</p>; }`)
	writeFile(t, app, "routes/posts/layout.tsx", `import { useLocation } from "sandkit/client";
export default function L({ children }) {
  if (useLocation().search === "?layout-throws") throw Object.assign(new Error("layout failed"), { status: 503 });
  return <div className="posts">{children}</div>;
}`)
	res, err := BuildPages(context.Background(), app, PagesOptions{Dev: true}) // error pages show messages
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Manifest.Routes["posts/id.param"].Modules; !slices.Contains(got, "routes/posts/error.tsx") {
		t.Errorf("modules %v lack the section's error page", got)
	}
	outs := renderNode(t, res.ServerPath, []string{
		`{"route":"posts/id.param","url":"/posts/boom","params":{"id":"boom"},"data":null}`,
		`{"route":"posts/id.param","url":"/posts/1?layout-throws","params":{"id":"1"},"data":null}`,
	})
	for i, want := range []struct {
		status int
		html   string
	}{
		{500, `<div class="posts"><p>posts error: <!-- -->post boom exploded</p></div>`},
		{503, `<main><h1>Something went wrong</h1><p class="error">layout failed</p></main>`},
	} {
		var r struct {
			HTML   string
			Status int
		}
		json.Unmarshal([]byte(outs[i]), &r)
		if r.Status != want.status || !strings.Contains(r.HTML, want.html) {
			t.Errorf("render %d: status %d, html %s; want %d and %s", i, r.Status, r.HTML, want.status, want.html)
		}
	}
}

func TestPagesNoCache(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/marketing.group/about/page.tsx", `export const cache = false;
export default function About() { return <p>{String(Math.random())}</p>; }`)
	res, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id, a := range res.Manifest.Routes {
		if a.NoCache != (id == "marketing.group/about") {
			t.Errorf("route %q: noCache %t", id, a.NoCache)
		}
	}
}

func TestPagesNoSSR(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/marketing.group/about/page.tsx", `export const ssr: boolean = false;
export default function About() { return <p>{window.location.href}</p>; }`)
	res, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id, a := range res.Manifest.Routes {
		if a.NoSSR != (id == "marketing.group/about") || a.NoCache {
			t.Errorf("route %q: noSSR %t, noCache %t", id, a.NoSSR, a.NoCache)
		}
	}
}

// TestPagesFolderURLNotFound: the URL of a folder with pages only below it
// (/shop for routes/shop/items/page.tsx, /posts/2/x for a page under a
// parameter folder) renders the 404 page that applies there, inside the
// folder's layout, instead of failing the render: React Router would match
// the folder's own route and find no page.
func TestPagesFolderURLNotFound(t *testing.T) {
	app := copyPagesApp(t)
	writeFile(t, app, "routes/shop/items/page.tsx", "export default function Items() { return <p>items</p>; }\n")
	writeFile(t, app, "routes/posts/id.param/edit/x/page.tsx", "export default function X() { return <p>x</p>; }\n")
	res, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, url := range []string{"/shop", "/posts/2/edit", "/shop/items/more"} {
		b, _ := json.Marshal(map[string]any{"route": "", "url": url, "params": map[string]string{}, "data": nil, "notFound": true})
		inputs = append(inputs, string(b))
	}
	for i, out := range renderNode(t, res.ServerPath, inputs) {
		var r struct {
			HTML   string `json:"html"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v: %.300s", inputs[i], err, out)
		}
		if r.Status != 404 || !strings.Contains(r.HTML, "<h1>Not found</h1>") {
			t.Errorf("%s: status %d, html %.300s", inputs[i], r.Status, r.HTML)
		}
	}
	// /posts/2/edit is under posts/layout.tsx: its 404 is inside it, as
	// /posts/2/nothing's is.
	b, _ := json.Marshal(map[string]any{"route": "", "url": "/posts/2/nothing", "params": map[string]string{}, "data": nil, "notFound": true})
	want := renderNode(t, res.ServerPath, []string{string(b)})[0]
	got := renderNode(t, res.ServerPath, []string{inputs[1]})[0]
	if strings.ReplaceAll(want, "/posts/2/nothing", "/posts/2/edit") != got {
		t.Errorf("the 404 of /posts/2/edit is not that of /posts/2/nothing:\n%s\n%s", got, want)
	}
}
