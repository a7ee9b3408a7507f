package routing_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"sandkit.dev/sandkit/routing"
)

func Example() {
	// An app's routes/ folder; use os.DirFS("blog/routes") for a real one.
	routes := fstest.MapFS{
		"layout.tsx":                     {},
		"page.tsx":                       {},
		"posts/page.tsx":                 {},
		"posts/new/page.tsx":             {},
		"posts/slug.param/page.tsx":      {},
		"posts/slug.param/handler.go":    {},
		"docs/path.all/page.tsx":         {},
		"marketing.group/about/page.tsx": {},
		"api/stats/handler.wasm":         {},
		"_components/Nav.tsx":            {},
	}
	table, err := routing.Scan(routes)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, rt := range table.Routes() {
		fmt.Printf("%-18q %s\n", rt.ID(), rt.Pattern())
	}

	r := table.Router(func(rt *routing.Route) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			fmt.Fprintf(w, "route %q params %v", rt.ID(), rt.Vars(req))
		})
	}, nil)
	for _, target := range []string{"/posts/new", "/posts/hello%2Fworld", "/docs/a/b", "/docs", "/about", "/posts/"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Printf("%-20s %d %s%s\n", target, w.Code, w.Body, w.Header().Get("Location"))
	}
	// Output:
	// ""                 /
	// "marketing.group/about" /about
	// "api/stats"        /api/stats
	// "docs/path.all"    /docs/{path:.*}
	// "posts"            /posts
	// "posts/new"        /posts/new
	// "posts/slug.param" /posts/{slug}
	// /posts/new           200 route "posts/new" params []
	// /posts/hello%2Fworld 200 route "posts/slug.param" params [{slug hello/world}]
	// /docs/a/b            200 route "docs/path.all" params [{path a/b}]
	// /docs                200 route "docs/path.all" params [{path }]
	// /about               200 route "marketing.group/about" params []
	// /posts/              308 /posts
}
