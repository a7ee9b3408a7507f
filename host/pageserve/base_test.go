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

// ExampleWithBase: a host that mounts an app at /app strips the prefix
// and puts it in the request's context; the document's asset URLs, the
// render input's basename, the client runtime's data-basename and the
// client files' own URLs then carry it. Without it nothing changes.
func ExampleWithBase() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "pageserve-base")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, pageserve.Client), 0o755)
	os.WriteFile(filepath.Join(dir, pageserve.Client, "entry-A1.js"), []byte(`import "/_sandkit/pages/chunk-B2.js";`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Server), []byte(`globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  return JSON.stringify({html: "<a href=\"" + (i.basename || "") + "/about\">about</a>", head: "", status: 200, state: null});
};`), 0o644)
	os.WriteFile(filepath.Join(dir, pageserve.Manifest), []byte(`{"publicPath": "/_sandkit/pages/", "entry": "entry-A1.js",
  "routes": {"": {"css": [], "preload": []}}}`), 0o644)

	engine, err := pages.NewEngine(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close(ctx)
	set, err := pageserve.Load(ctx, pageserve.Config{
		Name: "example", Dir: dir, RenderTimeout: pages.DefaultTimeout,
		Engine: func(context.Context) (*pages.Engine, error) { return engine, nil },
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer set.Close(ctx)
	page := set.Page("", func(*http.Request) map[string]string { return nil }, nil)
	files := func(dir string, notFound http.Handler) http.Handler { return http.FileServer(http.Dir(dir)) }
	assets := set.Assets(files)

	interesting := regexp.MustCompile(`<a [^>]*>|<script type="application/json"[^>]*>|<script type="module"[^>]*>`)
	for _, base := range []string{"", "/app"} {
		r := httptest.NewRequest("GET", "/", nil)
		r = r.WithContext(pageserve.WithBase(r.Context(), base))
		w := httptest.NewRecorder()
		page.ServeHTTP(w, r)
		fmt.Println(strings.Join(interesting.FindAllString(w.Body.String(), -1), " "))

		r = httptest.NewRequest("GET", "/_sandkit/pages/entry-A1.js", nil)
		r = r.WithContext(pageserve.WithBase(r.Context(), base))
		w = httptest.NewRecorder()
		assets.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// <a href="/about"> <script type="application/json" id="__sandkit_data"> <script type="module" src="/_sandkit/pages/entry-A1.js">
	// 200 import "/_sandkit/pages/chunk-B2.js";
	// <a href="/app/about"> <script type="application/json" id="__sandkit_data" data-basename="/app"> <script type="module" src="/app/_sandkit/pages/entry-A1.js">
	// 200 import "/app/_sandkit/pages/chunk-B2.js";
}
