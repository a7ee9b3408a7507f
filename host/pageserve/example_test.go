package pageserve_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/pages"
)

// Example serves one page route of an app whose pages were built by hand:
// a server bundle that greets the route's parameter, and its manifest.
// Every render starts pristine: what the bundle stores in globalThis during
// one request is gone for the next.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "pageserve-example")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s), before = globalThis.last || "nobody";
  globalThis.last = i.params.name;
  return JSON.stringify({html: "<p>hello " + i.params.name + ", after " + before + "</p>", head: "", status: 200, state: i});
};`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(`{"publicPath": "/_sandkit/pages/", "entry": "",
  "routes": {"hello/name.param": {"css": [], "preload": []}}}`), 0o644)

	engine, err := pages.NewEngine(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close(ctx)
	set, err := pageserve.Load(ctx, pageserve.Config{
		Name: "example", Dir: dir, RenderTimeout: pages.DefaultTimeout, CacheEntries: 16, CacheBytes: 1 << 20,
		Engine: func(context.Context) (*pages.Engine, error) { return engine, nil },
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer set.Close(ctx)

	mux := http.NewServeMux()
	params := func(r *http.Request) map[string]string { return map[string]string{"name": r.PathValue("name")} }
	mux.Handle("/hello/{name}", set.Page("hello/name.param", params, nil)) // a page without a handler
	paragraph := regexp.MustCompile(`<p>.*</p>`)
	for _, path := range []string{"/hello/ada", "/hello/alan"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(w.Code, paragraph.FindString(w.Body.String()), strings.Contains(w.Body.String(), "<!DOCTYPE html>"))
	}
	// Output:
	// 200 <p>hello ada, after nobody</p> true
	// 200 <p>hello alan, after nobody</p> true
}

// ClientRedirects wraps an app's router: the client runtime's fetches
// (marked with X-Sandkit-Client) see a handler's redirect as 204 with the
// target in X-Sandkit-Redirect, which fetch lets them read; everyone else
// gets the redirect itself.
func ExampleClientRedirects() {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?next="+r.URL.Path, http.StatusSeeOther)
	})
	h := pageserve.ClientRedirects(app)

	r := httptest.NewRequest("GET", "/private", nil)
	r.Header.Set("Accept", "application/json")
	r.Header.Set(pageserve.ClientHeader, "1")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get(pageserve.RedirectHeader))

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/private", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output:
	// 204 /login?next=/private
	// 303 /login?next=/private
}
