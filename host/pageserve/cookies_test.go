package pageserve_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/pages"
)

// TestHandlerCookies: the Set-Cookie lines of a page's handler reach the
// browser when the host replaces the handler's answer: the loader's with
// the document, the action's with the redirect after a form post, both
// with the page re-rendered for a refused form; each line once.
func TestHandlerCookies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  return JSON.stringify({html: "<p>" + JSON.stringify(i.data) + "</p>", head: "", status: 200, state: i});
};`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(`{"publicPath": "/_sandkit/pages/", "entry": "",
  "routes": {"login": {"css": [], "preload": []}}}`), 0o644)
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	set, err := pageserve.Load(ctx, pageserve.Config{
		Name: "cookies", Dir: dir, RenderTimeout: pages.DefaultTimeout, CacheEntries: 16, CacheBytes: 1 << 20,
		Engine: func(context.Context) (*pages.Engine, error) { return engine, nil },
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close(ctx)

	guest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Query().Has("away"):
			w.Header().Add("Set-Cookie", "flash=; Max-Age=0")
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusSeeOther)
		case r.Method == "GET":
			w.Header().Add("Set-Cookie", "flash=; Max-Age=0")
			w.Header().Add("Set-Cookie", "seen=1")
			w.Write([]byte(`{"ok":true}`))
		case r.URL.Query().Has("refuse"):
			w.Header().Add("Set-Cookie", "tries=2")
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"error":{"status":422,"message":"no"}}`))
		default:
			w.Header().Add("Set-Cookie", "session=new; HttpOnly")
			w.Write([]byte(`{}`))
		}
	})
	h := set.Page("login", nil, guest)
	for _, c := range []struct {
		method, url string
		status      int
		cookies     []string
	}{
		{"GET", "/login", 200, []string{"flash=; Max-Age=0", "seen=1"}},
		{"GET", "/login?away", 303, []string{"flash=; Max-Age=0"}},
		{"POST", "/login", 303, []string{"session=new; HttpOnly"}},
		{"POST", "/login?refuse", 422, []string{"tries=2", "flash=; Max-Age=0", "seen=1"}},
	} {
		r := httptest.NewRequest(c.method, c.url, strings.NewReader("a=b"))
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got := w.Header().Values("Set-Cookie"); w.Code != c.status || !slices.Equal(got, c.cookies) {
			t.Errorf("%s %s: %d with Set-Cookie %q, want %d with %q", c.method, c.url, w.Code, got, c.status, c.cookies)
		}
	}
}
