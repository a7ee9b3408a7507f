// The SSR leak test over HTTP: a page app served by the host, whose page
// stores each request's data in globals and prototypes; a later request
// for another user never sees it, unless the app turns instance reuse on.

package host_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// leakyPageServer is a server bundle whose one page keeps the request's
// URL (a user name and a token) where a careless page might, and shows
// what it found there of earlier requests.
const leakyPageServer = `var seen = [];
globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  const found = [globalThis.lastURL, ({}).lastURL, [].urls && [].urls.join(" "), seen.join(" ")].filter(Boolean).join(" | ");
  globalThis.lastURL = i.url;
  Object.prototype.lastURL = i.url;
  Array.prototype.urls = ([].urls || []).concat([i.url]);
  seen.push(i.params.name);
  return JSON.stringify({html: '<p id="found">' + found + '</p>', head: '', status: 200, route: i.route, state: null});
};`

// leakyPagesApp writes a page-only app (no handlers to build) around
// leakyPageServer, with config as its sandkit.toml.
func leakyPagesApp(t *testing.T, config string) string {
	return pagesOnlyApp(t, config, leakyPageServer, "who/name.param")
}

// pagesOnlyApp writes an app without handlers whose pages build is the
// server bundle server and a manifest of routes, with config as its
// sandkit.toml.
func pagesOnlyApp(t *testing.T, config, server string, routes ...string) string {
	t.Helper()
	dir := appDir(t, nil, config)
	man := map[string]any{"version": 1, "publicPath": "/_sandkit/pages/", "entry": "", "routes": map[string]any{}, "notFound": map[string]any{}}
	files := map[string]string{".sandkit/build/pages/server.js": server}
	for _, rt := range routes {
		files["routes/"+rt+"/page.tsx"] = ""
		man["routes"].(map[string]any)[rt] = map[string]any{"css": []string{}, "preload": []string{}}
	}
	b, _ := json.Marshal(man)
	files[".sandkit/build/pages/manifest.json"] = string(b)
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPagesDoNotLeakBetweenRequests(t *testing.T) {
	for _, c := range []struct {
		name, config string
		leaks        bool
	}{
		{"pristine by default", "", false},
		{"reuse_instances", "[pages]\nreuse_instances = true\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, srv := serveApp(t, leakyPagesApp(t, c.config))
			first := do(t, "GET", srv.URL+"/who/alice?token=alice-secret", "")
			if first.status != 200 || !strings.Contains(first.body, `<p id="found"></p>`) {
				t.Fatalf("first request: %d %s", first.status, first.body)
			}
			// Requests one after another: with reuse, each finds the
			// instance the previous one used.
			for _, user := range []string{"bob", "carol", "dave"} {
				r := do(t, "GET", srv.URL+"/who/"+user+"?token="+user+"-secret", "")
				leaked := strings.Contains(r.body, "alice")
				if r.status != 200 || leaked != c.leaks {
					t.Errorf("request for %s: status %d, saw alice's request: %v, want %v\n%s", user, r.status, leaked, c.leaks, r.body)
				}
				if strings.Contains(r.header.Get("Server-Timing"), "hit") {
					t.Errorf("request for %s answered from the render cache", user)
				}
			}
			// The same request again: a pristine render is a function of
			// its input, so it comes from the render cache; a render on a
			// reused instance depends on the renders before it, so reuse
			// turns the cache off.
			again := do(t, "GET", srv.URL+"/who/alice?token=alice-secret", "")
			want := "desc=hit"
			if c.leaks {
				want = "desc=miss"
			}
			if st := again.header.Get("Server-Timing"); !strings.Contains(st, want) {
				t.Errorf("repeated request: Server-Timing %q, want %s", st, want)
			}
			if !c.leaks && again.body != first.body {
				t.Errorf("repeated request answered differently:\n%s\n%s", first.body, again.body)
			}
		})
	}
}
