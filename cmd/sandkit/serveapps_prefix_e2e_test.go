package main

import (
	"net/http"
	"path/filepath"
	"regexp"
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
