package host_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
)

// pageServer is a hand-written server bundle (no React): it shows the
// render protocol's input so tests can read what the host passed.
const pageServer = `globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  const out = (status, html, head) => JSON.stringify({html, head: head || '', status, route: i.route, state: i});
  if (i.notFound) return out(404, '<h1 class="error">404 nothing at ' + i.url + '</h1>');
  if (i.error) return out(i.error.status, '<h1 class="error">' + i.error.status + ' ' + i.error.message + '</h1>');
  if (i.route === 'boom') throw new TypeError('kaboom');
  if (i.route === 'caught') return out(500, '<h1 class="error">500 caught by error.tsx</h1>');
  if (i.route === 'fresh') { globalThis.n = (globalThis.n || 0) + 1; return out(200, '<p>' + globalThis.n + '</p>'); }
  if (i.route === 'clock') return out(200, '<p>' + Date.now() + ' ' + performance.now() + '</p>');
  return out(200, '<main data-route="' + i.route + '">' + JSON.stringify({data: i.data, params: i.params, action: i.action || null}) + '</main>',
    '<title>' + i.route + '</title>');
};`

const noteHandler = `package note

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response {
	switch id := r.Param("id"); id {
	case "missing":
		return sandkit.RawJSON(404, []byte(` + "`" + `{"error":"no such note"}` + "`" + `))
	case "away":
		return sandkit.Redirect(302, "/")
	default:
		return sandkit.RawJSON(200, []byte(` + "`" + `{"id":"` + "`" + `+id+` + "`" + `"}` + "`" + `))
	}
}

func Post(r *sandkit.Request) sandkit.Response {
	body, _ := r.ReadBody()
	if string(body) == "title=" {
		return sandkit.RawJSON(422, []byte(` + "`" + `{"errors":{"title":"required"}}` + "`" + `))
	}
	return sandkit.RawJSON(200, []byte(` + "`" + `{"ok":true}` + "`" + `))
}
`

// pagesApp makes an app with pages and a Go handler, builds its handlers
// and writes a pages build by hand.
func pagesApp(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	root, _ := filepath.Abs("..")
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                                    "module example.com/pagetest\n\ngo 1.26.8\n\nrequire sandkit.dev/sandkit v0.0.0\n\nreplace sandkit.dev/sandkit => " + root + "\n",
		"routes/page.tsx":                           "",
		"routes/notes/id.param/page.tsx":            "",
		"routes/notes/id.param/handler.go":          noteHandler,
		"routes/boom/page.tsx":                      "",
		"routes/caught/page.tsx":                    "",
		"routes/clock/page.tsx":                     "",
		"routes/browser/page.tsx":                   "",
		"routes/fresh/page.tsx":                     "",
		"routes/404.tsx":                            "",
		".sandkit/build/pages/server.js":            pageServer,
		".sandkit/build/pages/client/entry-AB12.js": "console.log('hydrate')",
		".sandkit/build/pages/client/notes-CD34.js": "export {}",
		".sandkit/build/pages/client/site-EF56.css": "body{color:#123}",
		".sandkit/build/pages/manifest.json": `{"version":1,"publicPath":"/_sandkit/pages/","entry":"entry-AB12.js","routes":{
			"":{"css":["site-EF56.css"],"preload":["entry-AB12.js"]},
			"notes/id.param":{"css":["site-EF56.css"],"preload":["entry-AB12.js","notes-CD34.js"]},
			"boom":{"css":[],"preload":[]},
			"caught":{"css":[],"preload":[]},
			"clock":{"css":[],"preload":[]},
			"fresh":{"css":[],"preload":[],"noCache":true},
			"browser":{"css":[],"preload":["entry-AB12.js"],"noSSR":true}},
			"notFound":{"":{"css":["site-EF56.css"],"preload":["entry-AB12.js"]}}}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := compiler.BuildHandlers(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPageRoutes(t *testing.T) {
	_, srv := serveApp(t, pagesApp(t))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// send makes one request without following redirects; form, if not
	// nil, is its URL-encoded body.
	send := func(method, path, accept string, form url.Values) response {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return response{resp.StatusCode, resp.Header, string(b)}
	}
	get := func(path, accept string) response { return send("GET", path, accept, nil) }

	t.Run("document", func(t *testing.T) {
		r := get("/notes/7", "text/html")
		for _, want := range []string{
			"<!DOCTYPE html>",
			"<title>notes/id.param</title>",
			`<link rel="stylesheet" href="/_sandkit/pages/site-EF56.css">`,
			`<link rel="modulepreload" href="/_sandkit/pages/notes-CD34.js">`,
			`<div id="__sandkit_root"><main data-route="notes/id.param">{"data":{"id":"7"},"params":{"id":"7"},"action":null}</main></div>`,
			`<script type="application/json" id="__sandkit_data">{"route":"notes/id.param","url":"/notes/7","params":{"id":"7"},"data":{"id":"7"}}</script>`,
			`<script type="module" src="/_sandkit/pages/entry-AB12.js"></script>`,
		} {
			if !strings.Contains(r.body, want) {
				t.Errorf("document lacks %s:\n%s", want, r.body)
			}
		}
		if r.status != 200 || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%d %q", r.status, r.header.Get("Content-Type"))
		}
	})
	t.Run("data cannot end its script element", func(t *testing.T) {
		// (The test bundle does not escape its own markup; React does.)
		r := get("/notes/%3C%2Fscript%3E%3Cscript%3Ealert(1)", "")
		_, data, _ := strings.Cut(r.body, `<script type="application/json" id="__sandkit_data">`)
		data, _, _ = strings.Cut(data, "</script>")
		var state struct{ Params map[string]string }
		if err := json.Unmarshal([]byte(data), &state); err != nil || state.Params["id"] != "</script><script>alert(1)" {
			t.Errorf("data script %q: %v", data, err)
		}
	})
	t.Run("page without handler", func(t *testing.T) {
		r := get("/", "")
		if r.status != 200 || !strings.Contains(r.body, `<main data-route="">{"data":null,"params":{},"action":null}</main>`) {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("client navigation gets JSON", func(t *testing.T) {
		for _, c := range []struct{ path, accept string }{{"/notes/8", "application/json"}, {"/notes/8?_data", ""}} {
			r := get(c.path, c.accept)
			if r.status != 200 || r.body != `{"id":"8"}` {
				t.Errorf("%s (Accept %q): %d %q", c.path, c.accept, r.status, r.body)
			}
		}
		if r := get("/", "application/json"); r.body != "null\n" {
			t.Errorf("JSON of a page without handler: %q", r.body)
		}
	})
	t.Run("loader status", func(t *testing.T) {
		r := get("/notes/missing", "")
		if r.status != 404 || !strings.Contains(r.body, `<h1 class="error">404 no such note</h1>`) {
			t.Errorf("missing note: %d %s", r.status, r.body)
		}
		r = get("/notes/away", "")
		if r.status != 302 || r.header.Get("Location") != "/" {
			t.Errorf("loader redirect: %d %v", r.status, r.header)
		}
	})
	t.Run("page that throws", func(t *testing.T) {
		r := get("/caught", "")
		if r.status != 500 || !strings.Contains(r.body, `<h1 class="error">500 caught by error.tsx</h1>`) {
			t.Errorf("error page: %d %s", r.status, r.body)
		}
		r = get("/boom", "")
		if r.status != 500 || !strings.Contains(r.body, "TypeError: kaboom") || !strings.Contains(r.body, "<title>500 Internal Server Error</title>") || strings.Contains(r.body, "__sandkit_data") {
			t.Errorf("uncaught: %d %s", r.status, r.body)
		}
	})
	t.Run("no route: the 404 page", func(t *testing.T) {
		r := get("/no/such/page", "")
		if r.status != 404 || !strings.Contains(r.body, `<h1 class="error">404 nothing at /no/such/page</h1>`) || !strings.Contains(r.body, "/_sandkit/pages/site-EF56.css") {
			t.Errorf("%d %s", r.status, r.body)
		}
		if r := get("/no/such/page", "application/json"); r.status != 404 || strings.Contains(r.body, "<!DOCTYPE") {
			t.Errorf("JSON 404: %d %q", r.status, r.body)
		}
	})
	t.Run("assets", func(t *testing.T) {
		r := get("/_sandkit/pages/site-EF56.css", "")
		if r.status != 200 || r.body != "body{color:#123}" || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%d %q %v", r.status, r.body, r.header)
		}
		for _, p := range []string{"/_sandkit/server.js", "/_sandkit/pages/../server.js", "/_sandkit/pages/../manifest.json", "/_sandkit/manifest.json", "/_sandkit/pages/", "/_sandkit/pages/%2e%2e/server.js"} {
			if r := get(p, ""); r.status != 404 || r.header.Get("Cache-Control") != "" {
				t.Errorf("%s: %d %q, want 404 without Cache-Control", p, r.status, r.header.Get("Cache-Control"))
			}
		}
	})
	t.Run("form without JavaScript", func(t *testing.T) {
		post := func(form url.Values, accept string) response { return send("POST", "/notes/3", accept, form) }
		r := post(url.Values{"title": {"hi"}}, "text/html")
		if r.status != 303 || r.header.Get("Location") != "/notes/3" {
			t.Errorf("accepted form: %d %v", r.status, r.header)
		}
		r = post(url.Values{"title": {""}}, "text/html")
		if r.status != 422 || !strings.Contains(r.body, `"action":{"errors":{"title":"required"}}`) || !strings.Contains(r.body, `"data":{"id":"3"}`) {
			t.Errorf("refused form: %d %s", r.status, r.body)
		}
		r = post(url.Values{"title": {""}}, "application/json")
		if r.status != 422 || r.body != `{"errors":{"title":"required"}}` {
			t.Errorf("refused form with JavaScript: %d %s", r.status, r.body)
		}
		if r := do(t, "POST", srv.URL+"/", "x"); r.status != 405 {
			t.Errorf("POST to a page without handler: %d", r.status)
		}
	})
	t.Run("render cache", func(t *testing.T) {
		a, b := get("/notes/9", ""), get("/notes/9", "")
		if a.body != b.body {
			t.Error("same input rendered differently")
		}
		for _, c := range []struct {
			path, first, second string
		}{
			{"/notes/10", "desc=miss", "desc=hit"},
			{"/fresh", "desc=miss", "desc=miss"}, // opted out
			{"/clock", "desc=miss", "desc=miss"}, // read the clock
		} {
			for i, want := range []string{c.first, c.second} {
				if st := get(c.path, "").header.Get("Server-Timing"); !strings.Contains(st, want) {
					t.Errorf("%s, request %d: Server-Timing %q, want %s", c.path, i+1, st, want)
				}
			}
		}
	})
	t.Run("ssr off", func(t *testing.T) {
		r := get("/browser", "")
		if r.status != 200 || !strings.Contains(r.body, `<div id="__sandkit_root"></div>`) ||
			!strings.Contains(r.body, `<script type="application/json" id="__sandkit_data">null</script>`) ||
			!strings.Contains(r.body, `src="/_sandkit/pages/entry-AB12.js"`) {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		r := do(t, "HEAD", srv.URL+"/notes/1", "")
		if r.status != 200 || r.body != "" {
			t.Errorf("%d %q", r.status, r.body)
		}
	})
}

func TestPagesMissingBuild(t *testing.T) {
	dir := appDir(t, nil, "")
	os.WriteFile(filepath.Join(dir, "routes", "page.tsx"), nil, 0o644)
	_, err := host.OpenApp(context.Background(), testEngine(t), dir)
	if err == nil || !strings.Contains(err.Error(), "has a page but .sandkit/build/pages/manifest.json is missing") {
		t.Fatalf("OpenApp: %v", err)
	}
}
