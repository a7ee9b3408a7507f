package pageserve_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/pages"
)

// TestActionOnlyHandler: a page whose handler has actions but no GET (the
// Go SDK answers such a GET 405, as a sign-up form's handler with only
// Post) renders with null data, and client navigation gets null, not an
// error page; its POST still reaches the handler.
func TestActionOnlyHandler(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  return JSON.stringify({html: "<p>data " + JSON.stringify(i.data) + " error " + JSON.stringify(i.error || null) + "</p>", head: "", status: 200, state: i});
};`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(`{"publicPath": "/_sandkit/pages/", "entry": "",
  "routes": {"signup": {"css": [], "preload": []}}}`), 0o644)
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	set, err := pageserve.Load(ctx, pageserve.Config{
		Name: "actiononly", Dir: dir, RenderTimeout: pages.DefaultTimeout, CacheEntries: 16, CacheBytes: 1 << 20,
		Engine: func(context.Context) (*pages.Engine, error) { return engine, nil },
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close(ctx)
	guest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != "POST" {
			w.Header().Set("Allow", "POST")
			w.WriteHeader(http.StatusMethodNotAllowed)
			w.Write([]byte(`{"error":{"status":405,"message":"method not allowed"}}`))
			return
		}
		w.Header().Set("Location", "/welcome")
		w.WriteHeader(http.StatusSeeOther)
	})
	srv := httptest.NewServer(set.Page("signup", nil, guest))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range []struct {
		method, url, accept string
		status              int
		body                string
	}{
		{"GET", "/signup", "text/html", 200, "<p>data null error null</p>"},
		{"GET", "/signup", "application/json", 200, "null"},
		{"GET", "/signup?_data", "", 200, "null"},
		{"POST", "/signup", "text/html", 303, ""},
	} {
		r, _ := http.NewRequest(c.method, srv.URL+c.url, strings.NewReader("a=b"))
		r.Header.Set("Accept", c.accept)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.body) {
			t.Errorf("%s %s (Accept %q): %d %s, want %d with %q", c.method, c.url, c.accept, resp.StatusCode, b, c.status, c.body)
		}
	}
}
