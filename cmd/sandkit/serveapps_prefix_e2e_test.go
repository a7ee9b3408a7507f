package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// examples/todo served under a path prefix (sandkit serve --apps
// --path-prefix) in Chromium: it hydrates from assets under the prefix,
// and its links, forms, client navigation, redirects and public/ files
// stay under it (spec/hosting.md, "Routing requests to tenants"). The
// same app by Host header has no prefix anywhere.
func TestE2EAppsPathPrefixPages(t *testing.T) {
	_, todoArt := builtExamples(t)
	apps := t.TempDir()
	copyArtifact(t, todoArt, filepath.Join(apps, "todo"))
	s := startServeEnv(t, noToolsEnv(t), "--apps", apps, "--base-domain", "apps.test", "--path-prefix")

	// Over HTTP: the document's asset URLs, Early Hints and the client
	// runtime's basename carry the prefix; the client files' own URLs too.
	r := hostDo(t, "GET", s.url+"/todo/todos", "", "")
	if r.status != 200 || !strings.Contains(r.body, `data-basename="/todo"`) || !strings.Contains(r.body, `<link rel="stylesheet" href="/todo/_sandkit/pages/`) ||
		!strings.Contains(r.body, `<script type="module" src="/todo/_sandkit/pages/`) || !strings.Contains(r.body, `action="/todo/todos"`) {
		t.Fatalf("GET /todo/todos: %d\n%s", r.status, r.body)
	}
	if strings.Contains(r.body, `"/_sandkit/`) {
		t.Errorf("the document under the prefix names an asset at the root:\n%s", r.body)
	}
	entry := regexp.MustCompile(`src="(/todo/_sandkit/pages/[^"]+\.js)"`).FindStringSubmatch(r.body)
	if entry == nil {
		t.Fatalf("no entry script in\n%s", r.body)
	}
	js := hostDo(t, "GET", s.url+entry[1], "", "")
	if js.status != 200 || !strings.Contains(js.body, `"/todo/_sandkit/pages/`) || regexp.MustCompile(`[^o]/_sandkit/pages/`).MatchString(js.body) {
		t.Errorf("GET %s: %d, its chunk URLs not under the prefix:\n%.2000s", entry[1], js.status, js.body)
	}
	// The rewritten entry in each coding the client takes (made once, then
	// kept): the same bytes once decoded; a Range gets the rewritten bytes.
	plain := rawGet(t, "GET", s.url+entry[1], "Accept-Encoding: identity")
	if plain.status != 200 || plain.header.Get("Content-Encoding") != "" || plain.header.Get("Vary") != "Accept-Encoding" || plain.body != js.body {
		t.Errorf("GET %s, identity: %d, Content-Encoding %q, Vary %q, same body as before: %v", entry[1], plain.status,
			plain.header.Get("Content-Encoding"), plain.header.Get("Vary"), plain.body == js.body)
	}
	for _, c := range []string{"br", "gzip", "br", "gzip"} {
		r := rawGet(t, "GET", s.url+entry[1], "Accept-Encoding: "+c)
		if r.status != 200 || r.header.Get("Content-Encoding") != c || r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) ||
			string(decode(t, r)) != plain.body || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s, %s: %d, Content-Encoding %q, Content-Length %q for %d bytes, decoded as the rewritten file: %v",
				entry[1], c, r.status, r.header.Get("Content-Encoding"), r.header.Get("Content-Length"), len(r.body), string(decode(t, r)) == plain.body)
		}
	}
	if r := rawGet(t, "GET", s.url+entry[1], "Accept-Encoding: br", "Range: bytes=0-99"); r.status != 206 || r.header.Get("Content-Encoding") != "" || r.body != plain.body[:100] {
		t.Errorf("GET %s, Range: %d, Content-Encoding %q, the rewritten bytes: %v", entry[1], r.status, r.header.Get("Content-Encoding"), r.body == plain.body[:100])
	}
	// A redirect answered to the client runtime keeps the prefix.
	req, _ := http.NewRequest("GET", s.url+"/todo/todos/", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Sandkit-Client", "1")
	if r := do(t, req); r.status != 204 || r.header.Get("X-Sandkit-Redirect") != "/todo/todos" {
		t.Errorf("GET /todo/todos/ from the runtime: %d X-Sandkit-Redirect %q, want 204 /todo/todos", r.status, r.header.Get("X-Sandkit-Redirect"))
	}

	// By Host header the same app is at the root: nothing is prefixed.
	r = hostDo(t, "GET", s.url+"/todos", "todo.apps.test", "")
	if r.status != 200 || strings.Contains(r.body, "/todo/_sandkit") || strings.Contains(r.body, "data-basename") || !strings.Contains(r.body, `src="/_sandkit/pages/`) {
		t.Errorf("GET /todos by Host header: %d\n%s", r.status, r.body)
	}

	res := runBrowser(t, "prefix", s.url+"/todo")
	// Chromium's own request for /favicon.ico at the root is a 404 (the
	// scenario checks it is the only failed request); anything else on the
	// console is a defect (React reports hydration mismatches there).
	expected := regexp.MustCompile(`^Failed to load resource: the server responded with a status of 404`)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "warning" || m.Type == "pageerror") && !expected.MatchString(m.Text) {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}
