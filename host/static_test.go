package host_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPublicFiles(t *testing.T) {
	dir := appDir(t, map[string]string{"ok": "ok.wasm"}, "")
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	pub := filepath.Join(dir, "public")
	for name, content := range map[string]string{
		"robots.txt":     "User-agent: *\n",
		"css/site.css":   "body{}",
		"ok":             "shadowed by the route",
		".env":           "KEY=1",
		"css/.hidden.js": "x",
	} {
		p := filepath.Join(pub, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	os.Symlink(outside, filepath.Join(pub, "link.txt"))
	_, srv := serveApp(t, dir)

	for _, c := range []struct {
		method, path string
		status       int
		body, ctype  string
	}{
		{"GET", "/robots.txt", 200, "User-agent: *\n", "text/plain; charset=utf-8"},
		{"HEAD", "/robots.txt", 200, "", "text/plain; charset=utf-8"},
		{"GET", "/css/site.css", 200, "body{}", "text/css; charset=utf-8"},
		{"GET", "/ok", 200, "ok", ""}, // a route wins over a file
		{"POST", "/robots.txt", 404, "", ""},
		{"GET", "/css", 404, "", ""},
		{"GET", "/css/", 404, "", ""},
		{"GET", "/.env", 404, "", ""},
		{"GET", "/css/.hidden.js", 404, "", ""},
		{"GET", "/link.txt", 404, "", ""},
		{"GET", "/missing.txt", 404, "", ""},
	} {
		r := do(t, c.method, srv.URL+c.path, "")
		if r.status != c.status || (c.status == 200 && r.body != c.body) {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, r.status, r.body, c.status, c.body)
		}
		if c.ctype != "" && r.header.Get("Content-Type") != c.ctype {
			t.Errorf("%s %s: Content-Type %q, want %q", c.method, c.path, r.header.Get("Content-Type"), c.ctype)
		}
	}
	// Paths that climb out, sent raw so no client cleans them first.
	for _, p := range []string{"/../" + filepath.Base(outside), "/css/../../secret.txt", "/%2e%2e/secret.txt"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", p)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		bufio.NewReader(resp.Body).WriteTo(&b)
		conn.Close()
		if strings.Contains(b.String(), "secret") {
			t.Errorf("GET %s leaked a file outside public/: %d %q", p, resp.StatusCode, b.String())
		}
	}
}
