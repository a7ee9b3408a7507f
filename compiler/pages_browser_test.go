package compiler

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/internal/npmfixture"
	"sandkit.dev/sandkit/routing"
)

// nodeRenderer keeps one Node process that evaluates server.js and answers
// one render per line: the SSR engine's stand-in for this test.
type nodeRenderer struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

func startNodeRenderer(t *testing.T, serverJS string) *nodeRenderer {
	t.Helper()
	script := `const fs = require("fs"), rl = require("readline");
(0, eval)(fs.readFileSync(process.argv[1], "utf8"));
rl.createInterface({ input: process.stdin }).on("line", (line) => {
  let out;
  try { out = { ok: globalThis.__sandkit_render(line) }; } catch (e) { out = { error: String(e && e.stack || e) }; }
  process.stdout.write(JSON.stringify(out) + "\n");
});`
	cmd := exec.Command("node", "-e", script, serverJS)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &nodeRenderer{in: in, out: bufio.NewReader(out)}
}

func (n *nodeRenderer) render(input []byte) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, err := n.in.Write(append(input, '\n')); err != nil {
		return "", err
	}
	line, err := n.out.ReadBytes('\n')
	if err != nil {
		return "", err
	}
	var r struct{ OK, Error string }
	if err := json.Unmarshal(line, &r); err != nil {
		return "", err
	}
	if r.Error != "" {
		return "", fmt.Errorf("render: %s", r.Error)
	}
	return r.OK, nil
}

// document is the HTML document shell of spec/pages.md: what the host
// wraps around a render result.
func document(m *PagesManifest, assets *PageAssets, result string) (string, int, error) {
	var r struct {
		HTML   string          `json:"html"`
		Head   string          `json:"head"`
		Status int             `json:"status"`
		State  json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal([]byte(result), &r); err != nil {
		return "", 0, err
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`)
	b.WriteString(r.Head)
	for _, c := range assets.CSS {
		fmt.Fprintf(&b, `<link rel="stylesheet" href="%s">`, html.EscapeString(m.PublicPath+c))
	}
	for _, p := range assets.Preload {
		fmt.Fprintf(&b, `<link rel="modulepreload" href="%s">`, html.EscapeString(m.PublicPath+p))
	}
	fmt.Fprintf(&b, `</head><body><div id="__sandkit_root">%s</div>`, r.HTML)
	// JSON in a script element: only "<" needs escaping (</script>, <!--).
	state := strings.ReplaceAll(string(r.State), "<", `\u003c`)
	fmt.Fprintf(&b, `<script type="application/json" id="__sandkit_data">%s</script>`, state)
	fmt.Fprintf(&b, `<script type="module" src="%s"></script></body></html>`, html.EscapeString(m.PublicPath+m.Entry))
	return b.String(), r.Status, nil
}

// TestPagesClientInBrowser serves the example as the host will (documents
// rendered by the server bundle, JSON for Accept: application/json, form
// posts answered with a redirect) and drives it in Chromium.
func TestPagesClientInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test; runs without -short")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium not found at %s: run scripts/install-deps.sh (or set CHROMIUM)", chromium)
	}
	browserDir := filepath.Join("testdata", "browser")
	if err := npmfixture.Install(browserDir); err != nil {
		t.Fatal(err)
	}

	app := copyPagesApp(t)
	// Prebuilt handlers (their bytes do not matter here) make these routes
	// fetch their data as JSON; this test answers for them.
	writeFile(t, app, "routes/posts/id.param/handler.wasm", "")
	writeFile(t, app, "routes/posts/new/handler.wasm", "")
	// A page rendered in the browser only.
	writeFile(t, app, "routes/marketing.group/about/page.tsx", `export const ssr = false;
export default function About() { return <><title>About · sandkit pages</title><h1>About, in the browser</h1></>; }`)
	res, err := BuildPages(context.Background(), app, PagesOptions{Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Manifest
	node := startNodeRenderer(t, res.ServerPath)
	table, err := routing.Scan(os.DirFS(filepath.Join(app, "routes")))
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	posts := map[string]map[string]string{
		"1": {"id": "1", "title": "First post from JSON", "body": "one"},
		"2": {"id": "2", "title": "Second post from JSON", "body": "two"},
	}
	loader := func(rt *routing.Route, r *http.Request) any {
		if rt.ID() != "posts/id.param" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if p, ok := posts[rt.Vars(r)[0].Value]; ok {
			return p
		}
		return nil
	}
	page := func(w http.ResponseWriter, r *http.Request, rt *routing.Route, notFound bool) {
		in := map[string]any{"url": r.URL.RequestURI(), "params": map[string]string{}, "data": nil}
		assets := m.NotFound[""]
		if rt != nil {
			in["route"] = rt.ID()
			for _, p := range rt.Vars(r) {
				in["params"].(map[string]string)[p.Name] = p.Value
			}
			in["data"] = loader(rt, r)
			assets = m.Routes[rt.ID()]
		} else {
			in["route"], in["notFound"] = "", true
		}
		if assets.NoSSR { // the host sends the shell only, with null state
			out, _ := json.Marshal(map[string]any{"html": "", "head": "", "status": 200, "state": nil})
			doc, _, _ := document(m, assets, string(out))
			io.WriteString(w, doc)
			return
		}
		b, _ := json.Marshal(in)
		out, err := node.render(b)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		doc, status, err := document(m, assets, out)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, doc)
	}
	router := table.Router(func(rt *routing.Route) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && rt.ID() == "posts/new" {
				r.ParseForm()
				if r.PostForm.Get("title") == "!" {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusUnprocessableEntity)
					io.WriteString(w, `{"error":{"status":422,"message":"the form has errors","fields":{"title":"needs letters"}},"values":{"title":"!","body":""}}`)
					return
				}
				mu.Lock()
				id := fmt.Sprint(len(posts) + 1)
				posts[id] = map[string]string{"id": id, "title": r.PostForm.Get("title"), "body": r.PostForm.Get("body")}
				mu.Unlock()
				http.Redirect(w, r, "/posts/"+id, http.StatusSeeOther)
				return
			}
			if r.Header.Get("Accept") == "application/json" {
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(loader(rt, r))
				return
			}
			page(w, r, rt, false)
		})
	}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { page(w, r, nil, true) }))
	mux := http.NewServeMux()
	mux.Handle(m.PublicPath, http.StripPrefix(m.PublicPath, http.FileServer(http.Dir(filepath.Join(res.Dir, PagesClientDir)))))
	mux.Handle("/", router)
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "User-agent: *\n") }) // as from public/
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cmd := exec.Command("node", "pages.mjs", srv.URL)
	cmd.Dir = browserDir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	stdout, runErr := cmd.Output()
	var out struct {
		Failures []string
		Console  []struct{ Type, Text, URL string }
	}
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &out); err != nil {
		t.Fatalf("browser scenario: %v %v\n%s", runErr, err, stdout)
	}
	for _, f := range out.Failures {
		t.Error(f)
	}
	for _, c := range out.Console {
		if strings.HasPrefix(c.Text, "Failed to load resource") &&
			(strings.HasSuffix(c.URL, "/posts/boom") || strings.HasSuffix(c.URL, "/no/such/page") ||
				strings.HasSuffix(c.URL, "/missing/page") ||
				strings.Contains(c.Text, "status of 422")) {
			continue // the documents' own 500 and 404 statuses, the refused form
		}
		if c.Type == "error" || c.Type == "pageerror" || c.Type == "warning" {
			t.Errorf("console %s on %s: %s", c.Type, c.URL, c.Text)
		}
	}
}
