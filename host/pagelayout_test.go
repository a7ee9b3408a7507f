package host_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"sandkit.dev/sandkit/compiler"
)

// layoutHandler is the loader of routes/notes/layout.tsx: a folder whose Go
// defines only Layout. It answers what the host called it with.
const layoutHandler = `package notes

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Layout(r *sandkit.Request) sandkit.Response {
	if r.QueryValue("who") == "nobody" {
		return sandkit.Redirect(303, "/login")
	}
	params := map[string]string{}
	for _, n := range []string{"id", "x"} {
		if v := r.Param(n); v != "" {
			params[n] = v
		}
	}
	return sandkit.JSON(200, map[string]any{"route": r.Route(), "method": r.Method(), "path": r.Path(),
		"query": r.RawQuery(), "accept": r.Header("Accept"), "params": params})
}
`

// A layout loader through the ABI (spec/pages.md, "Layout data"): the
// host calls route id layout:FOLDER with GET, the page's path, query
// (without _data) and parameters; its data reaches the render input and
// ?_data=layout:FOLDER; its redirect reaches the client runtime as 204 +
// X-Sandkit-Redirect.
func TestPageLayoutLoader(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go guest")
	}
	root, _ := filepath.Abs("..")
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                           "module example.com/layouttest\n\ngo 1.26.8\n\nrequire sandkit.dev/sandkit v0.0.0\n\nreplace sandkit.dev/sandkit => " + root + "\n",
		"routes/notes/layout.tsx":          "",
		"routes/notes/handler.go":          layoutHandler,
		"routes/notes/id.param/page.tsx":   "",
		"routes/notes/id.param/handler.go": noteHandler,
		".sandkit/build/pages/server.js":   pageServer,
		".sandkit/build/pages/manifest.json": `{"version":2,"publicPath":"/_sandkit/pages/","entry":"","routes":{
			"notes/id.param":{"modules":["routes/notes/layout.tsx","routes/notes/id.param/page.tsx"],"css":[],"preload":[]}},"notFound":{}}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, ".sandkit/build/pages/client"), 0o755)
	res, err := compiler.BuildHandlers(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(res.Routes); string(got) != `["layout:notes","notes/id.param"]` {
		t.Errorf("routes = %s", got)
	}
	_, srv := serveApp(t, dir)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, header ...string) (int, http.Header, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	const want = `{"accept":"application/json","method":"GET","params":{"id":"7"},"path":"/notes/7","query":"q=1","route":"layout:notes"}`

	// The document's render input carries the layout's data.
	code, _, body := get("/notes/7?q=1", "Accept", "text/html")
	m := regexp.MustCompile(`id="__sandkit_data">(.*?)</script>`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("document: %d %s", code, body)
	}
	var state struct {
		Layouts map[string]json.RawMessage `json:"layouts"`
		Data    json.RawMessage            `json:"data"`
	}
	if err := json.Unmarshal([]byte(m[1]), &state); err != nil {
		t.Fatal(err)
	}
	if string(state.Layouts["notes"]) != want || string(state.Data) != `{"id":"7"}` {
		t.Errorf("state: layouts %s, data %s", state.Layouts, state.Data)
	}

	// Client navigation asks for it with ?_data=layout:notes.
	code, _, body = get("/notes/7?q=1&_data=layout:notes", "Accept", "application/json", "X-Sandkit-Client", "1")
	if code != 200 || body != want+"\n" && body != want {
		t.Errorf("?_data=layout:notes: %d %s", code, body)
	}

	// Its redirect: as it is to a browser, 204 + X-Sandkit-Redirect to the runtime.
	if code, h, _ := get("/notes/7?who=nobody", "Accept", "text/html"); code != 303 || h.Get("Location") != "/login" {
		t.Errorf("document with a redirecting layout loader: %d %v", code, h)
	}
	if code, h, _ := get("/notes/7?who=nobody&_data=layout:notes", "Accept", "application/json", "X-Sandkit-Client", "1"); code != 204 || h.Get("X-Sandkit-Redirect") != "/login" || h.Get("Location") != "" {
		t.Errorf("client request, redirecting layout loader: %d %v", code, h)
	}
	// A page loader's redirect too (notes/away answers 302 to /).
	if code, h, _ := get("/notes/away", "Accept", "application/json", "X-Sandkit-Client", "1"); code != 204 || h.Get("X-Sandkit-Redirect") != "/" {
		t.Errorf("client request, redirecting page loader: %d %v", code, h)
	}
	if code, h, _ := get("/notes/away", "Accept", "application/json"); code != 302 || h.Get("Location") != "/" {
		t.Errorf("plain JSON request, redirecting page loader: %d %v", code, h)
	}
}
