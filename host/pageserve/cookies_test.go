package pageserve_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
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
// with the page re-rendered for a refused form; each line once, and not
// in the 103 Early Hints sent before the document.
func TestHandlerCookies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  return JSON.stringify({html: "<p>" + JSON.stringify(i.data) + "</p>", head: "", status: 200, state: i});
};`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(`{"publicPath": "/_sandkit/pages/", "entry": "",
  "routes": {"login": {"css": ["login.css"], "preload": []}}}`), 0o644)
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
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
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
		var early []string // Set-Cookie lines of 1xx answers (103 Early Hints)
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			early = append(early, h.Values("Set-Cookie")...)
			return nil
		}}
		r, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), c.method, srv.URL+c.url, strings.NewReader("a=b"))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("Set-Cookie"); resp.StatusCode != c.status || !slices.Equal(got, c.cookies) {
			t.Errorf("%s %s: %d with Set-Cookie %q, want %d with %q", c.method, c.url, resp.StatusCode, got, c.status, c.cookies)
		}
		if len(early) > 0 {
			t.Errorf("%s %s: Set-Cookie in the 103 Early Hints: %q", c.method, c.url, early)
		}
	}
}
