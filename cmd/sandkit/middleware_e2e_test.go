package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// middlewareFiles is an app's routes/ beside examples/pages' own: /admin/*
// needs the cookie admin=yes (else a redirect to /login), /admin/deep/*
// also the header X-Deep (else 403), and /public needs nothing.
var middlewareFiles = map[string]string{
	"routes/admin/middleware.go": `package admin

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Middleware lets only requests with the cookie admin=yes through.
func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc {
	return func(r *sandkit.Request) sandkit.Response {
		if v, _ := r.Cookie("admin"); v != "yes" {
			return sandkit.Redirect(302, "/login?next="+r.Path())
		}
		return next(r).WithHeader("X-Passed", "admin")
	}
}
`,
	"routes/admin/deep/middleware.go": `package deep

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc {
	return func(r *sandkit.Request) sandkit.Response {
		if r.Header("X-Deep") == "" {
			return sandkit.Error(403, "deep: no X-Deep")
		}
		return next(r).WithHeader("X-Passed", "deep")
	}
}
`,
	"routes/admin/deep/secret/handler.go": `package secret

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "deep secret") }
`,
	"routes/admin/api/stats/handler.go": `package stats

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.RawJSON(200, []byte(` + "`" + `{"users":42}` + "`" + `)) }
`,
	"routes/admin/dash/handler.go": `package dash

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

type Data struct {
	Secret string ` + "`json:\"secret\"`" + `
}

func Get(r *sandkit.Request) sandkit.Response { return sandkit.JSON(200, Data{Secret: "dash-s3cret"}) }
`,
	"routes/admin/dash/page.tsx": `import { useData } from "sandkit/client";

export default function Dash() {
  const d = useData<{ secret: string }>();
  return <p>dashboard {d.secret}</p>;
}
`,
	// A page whose Go defines no loader: the build gives it one.
	"routes/admin/plain/handler.go": "package plain\n",
	"routes/admin/plain/page.tsx": `export default function Plain() {
  return <p>plain admin page</p>;
}
`,
	// A layout with a loader under the middleware, and a page inside it.
	"routes/admin/panel/layout.tsx": `import { useLayoutData } from "sandkit/client";

export default function Panel({ children }: { children: React.ReactNode }) {
  const d = useLayoutData<{ who: string }>("admin/panel");
  return <section>panel layout {d?.who}{children}</section>;
}
`,
	"routes/admin/panel/layout.go": `package panel

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Layout(r *sandkit.Request) sandkit.Response { return sandkit.RawJSON(200, []byte(` + "`" + `{"who":"layout-s3cret"}` + "`" + `)) }
`,
	"routes/admin/panel/home/handler.go": "package home\n",
	"routes/admin/panel/home/page.tsx": `export default function Home() {
  return <p>panel home</p>;
}
`,
	"routes/public/handler.go": `package public

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "public") }
`,
	"public/admin/notes.txt": "a static file under /admin\n",
}

// TestE2EMiddleware serves an app built outside the repository whose
// routes/admin/middleware.go guards everything below it: API handlers,
// page loaders (the document and the client's fetch), nested middleware
// outer first; /public and static files are not guarded.
func TestE2EMiddleware(t *testing.T) {
	app := copyExample(t, "pages")
	for rel, content := range middlewareFiles {
		p := filepath.Join(app, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkMiddleware(t, startServe(t, app))
	// The same app built into an artifact: no Go source ships, the
	// middleware is inside the app module.
	checkMiddleware(t, startServe(t, buildArtifact(t, app)))
}

func checkMiddleware(t *testing.T, s *server) {
	get := func(path string, headers ...string) reply {
		t.Helper()
		req, err := http.NewRequest("GET", s.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return reply{resp.StatusCode, resp.Header, b.String()}
	}
	const html, admin = "text/html,application/xhtml+xml", "admin=yes"
	passed := func(what string, r reply, want ...string) {
		t.Helper()
		if got := r.header.Values("X-Passed"); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: X-Passed %q, want %q", what, got, want)
		}
	}

	r := get("/public")
	expect(t, "/public without a cookie", r, 200, "", "public")
	passed("/public", r)

	r = get("/admin/api/stats")
	expect(t, "API without the cookie", r, 302, "/login?next=/admin/api/stats")
	r = get("/admin/api/stats", "Cookie", admin)
	expect(t, "API with the cookie", r, 200, "", `{"users":42}`)
	passed("API", r, "admin")

	// Nested: the outer middleware runs first and may refuse alone.
	expect(t, "deep without anything", get("/admin/deep/secret"), 302, "/login?next=/admin/deep/secret")
	expect(t, "deep without the cookie", get("/admin/deep/secret", "X-Deep", "1"), 302, "/login?next=/admin/deep/secret")
	r = get("/admin/deep/secret", "Cookie", admin)
	expect(t, "deep without X-Deep", r, 403, "", "deep: no X-Deep")
	passed("deep refused", r, "admin")
	r = get("/admin/deep/secret", "Cookie", admin, "X-Deep", "1")
	expect(t, "deep with both", r, 200, "", "deep secret")
	passed("deep", r, "deep", "admin")

	// A page's document and its client fetch go through its loader.
	r = get("/admin/dash", "Accept", html)
	expect(t, "dashboard document without the cookie", r, 302, "/login?next=/admin/dash")
	if strings.Contains(r.body, "dash-s3cret") {
		t.Errorf("the refused document holds the loader's data:\n%s", r.body)
	}
	expect(t, "dashboard document with the cookie", get("/admin/dash", "Accept", html, "Cookie", admin), 200, "", "dashboard <!-- -->dash-s3cret")
	r = get("/admin/dash?_data", "Accept", "application/json", "X-Sandkit-Client", "1")
	expect(t, "dashboard data without the cookie", r, 204, "")
	if got := r.header.Get("X-Sandkit-Redirect"); got != "/login?next=/admin/dash" {
		t.Errorf("dashboard data: X-Sandkit-Redirect %q, want /login?next=/admin/dash", got)
	}
	if strings.Contains(r.body, "dash-s3cret") {
		t.Errorf("the refused fetch holds the loader's data: %s", r.body)
	}
	r = get("/admin/dash?_data", "Accept", "application/json", "X-Sandkit-Client", "1", "Cookie", admin)
	expect(t, "dashboard data with the cookie", r, 200, "", `{"secret":"dash-s3cret"}`)
	passed("dashboard data", r, "admin")

	// A page whose Go has no Get gets a loader, which the middleware wraps.
	expect(t, "plain page without the cookie", get("/admin/plain", "Accept", html), 302, "/login?next=/admin/plain")
	expect(t, "plain page data without the cookie", get("/admin/plain?_data", "Accept", "application/json"), 302, "/login?next=/admin/plain")
	expect(t, "plain page with the cookie", get("/admin/plain", "Accept", html, "Cookie", admin), 200, "", "plain admin page")
	expect(t, "plain page data with the cookie", get("/admin/plain?_data", "Accept", "application/json", "Cookie", admin), 200, "", "null")

	// A layout's loader under the folder is wrapped too: asked for alone
	// (a client navigation) and for the document.
	r = get("/admin/panel/home?_data=layout:admin/panel", "Accept", "application/json", "X-Sandkit-Client", "1")
	expect(t, "layout data without the cookie", r, 204, "")
	if got := r.header.Get("X-Sandkit-Redirect"); got != "/login?next=/admin/panel/home" {
		t.Errorf("layout data: X-Sandkit-Redirect %q, want /login?next=/admin/panel/home", got)
	}
	r = get("/admin/panel/home?_data=layout:admin/panel", "Accept", "application/json", "X-Sandkit-Client", "1", "Cookie", admin)
	expect(t, "layout data with the cookie", r, 200, "", `{"who":"layout-s3cret"}`)
	passed("layout data", r, "admin")
	r = get("/admin/panel/home", "Accept", html)
	expect(t, "panel document without the cookie", r, 302, "/login?next=/admin/panel/home")
	if strings.Contains(r.body, "layout-s3cret") {
		t.Errorf("the refused document holds the layout's data:\n%s", r.body)
	}
	expect(t, "panel document with the cookie", get("/admin/panel/home", "Accept", html, "Cookie", admin), 200, "", "layout-s3cret", "panel home")

	// routes/admin/ itself is no route (its only Go file is middleware.go),
	// a URL no route matches never reaches the guest, and static files
	// are served by the host.
	expect(t, "an unmatched URL", get("/nope", "Accept", html), 404, "", "Not found")
	expect(t, "an unmatched URL under /admin", get("/admin/nope", "Accept", html), 404, "", "Not found")
	// (A document GET of /admin itself answers 500 "no 404 page for
	// /admin", with or without a middleware: the pages runtime matches a
	// folder that holds only pages below it. Asked as JSON it is the
	// host's 404.)
	r = get("/admin", "Accept", "application/json")
	expect(t, "/admin", r, 404, "", `"message":"no route matches /admin"`)
	passed("/admin", r)
	expect(t, "a static file under /admin", get("/admin/notes.txt"), 200, "", "a static file under /admin")
}
