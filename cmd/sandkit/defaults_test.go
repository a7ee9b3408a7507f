package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// get sends method to url with an Accept header and returns the reply.
func get(t *testing.T, method, url, accept string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return do(t, req)
}

// expectJSONError checks that r is the documented error shape with status.
func expectJSONError(t *testing.T, what string, r reply, status int) {
	t.Helper()
	var body struct {
		Error struct {
			Status  int    `json:"status"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
		json.Unmarshal([]byte(r.body), &body) != nil || body.Error.Status != status || body.Error.Message == "" {
		t.Errorf("%s: %d %s %q, want the JSON error shape with %d", what, r.status, r.header.Get("Content-Type"), r.body, status)
	}
}

// expectHTMLError checks that r is an HTML page with status.
func expectHTMLError(t *testing.T, what string, r reply, status int, want string) {
	t.Helper()
	if r.status != status || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, want) {
		t.Errorf("%s: %d %s %q, want an HTML page with %d containing %q", what, r.status, r.header.Get("Content-Type"), r.body, status, want)
	}
}

// An API app answers 404, 405 and 500 in the JSON error shape, whatever
// produced them: the router, the guest SDK or a trapped guest.
func TestE2EErrorShapeAPI(t *testing.T) {
	app := copyExample(t, "hello")
	os.MkdirAll(filepath.Join(app, "routes", "boom"), 0o755)
	os.WriteFile(filepath.Join(app, "routes", "boom", "handler.go"), []byte(`package boom

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { panic("boom") }
`), 0o644)
	s := startServe(t, app)
	expectJSONError(t, "GET /nope", get(t, "GET", s.url+"/nope", ""), 404)
	expectJSONError(t, "GET /nope from a browser of an API-only app", get(t, "GET", s.url+"/nope", "text/html"), 404)
	r := get(t, "DELETE", s.url+"/api/info", "")
	expectJSONError(t, "DELETE /api/info", r, 405)
	if r.header.Get("Allow") == "" {
		t.Error("405 without Allow")
	}
	expectJSONError(t, "GET /boom (a panic)", get(t, "GET", s.url+"/boom", "text/html"), 500)
}

// A pages app without routes/404.tsx answers an unknown URL with a built-in
// 404 page (it was a 500), and JSON to a client that prefers it; with only
// a nested 404 page, that page serves its folder and the built-in one the
// rest.
func TestE2EErrorShapePages(t *testing.T) {
	t.Setenv("npm_config_offline", "true")
	for _, nested := range []bool{false, true} {
		app := copyExample(t, "pages")
		if err := os.Remove(filepath.Join(app, "routes", "404.tsx")); err != nil {
			t.Fatal(err)
		}
		if nested {
			writeFile(t, filepath.Join(app, "routes", "posts", "404.tsx"), "export default function NoPost() { return <h1>no such post</h1> }\n")
		}
		s := startServe(t, app)
		browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
		expectHTMLError(t, "GET /nope", get(t, "GET", s.url+"/nope", browser), 404, "routes/404.tsx")
		expectHTMLError(t, "GET /nope with no Accept", get(t, "GET", s.url+"/nope", ""), 404, "routes/404.tsx")
		expectJSONError(t, "GET /nope as JSON", get(t, "GET", s.url+"/nope", "application/json"), 404)
		expectJSONError(t, "POST /nope", get(t, "POST", s.url+"/nope", ""), 404)
		expectJSONError(t, "POST /about as JSON (a page without a handler)", get(t, "POST", s.url+"/about", "application/json"), 405)
		expectHTMLError(t, "POST /about from a form", get(t, "POST", s.url+"/about", browser), 405, "no handler for POST")
		if r := get(t, "GET", s.url+"/about", browser); r.status != 200 {
			t.Errorf("GET /about: %d", r.status)
		}
		if nested {
			expectHTMLError(t, "GET /posts/a/b (the nested 404 page)", get(t, "GET", s.url+"/posts/a/b", browser), 404, "no such post")
		}
	}
}

// The built-in 404 page of a pages app without routes/404.tsx, in Chromium.
func TestE2EBrowserBuiltin404(t *testing.T) {
	t.Setenv("npm_config_offline", "true")
	app := copyExample(t, "pages")
	if err := os.Remove(filepath.Join(app, "routes", "404.tsx")); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, app)
	res := runBrowser(t, "notfound", s.url)
	for _, m := range res.Console {
		if (m.Type == "error" || m.Type == "pageerror") && !strings.Contains(m.Text, "status of 404") {
			t.Errorf("console %s on %s: %s", m.Type, m.URL, m.Text)
		}
	}
}
