package routing

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// echoRouter serves table with handlers that answer "id name=value ...",
// and "404" for no route.
func echoRouter(table *Table) *mux.Router {
	return table.Router(func(rt *Route) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			out := []string{rt.ID()}
			for _, p := range rt.Vars(req) {
				out = append(out, p.Name+"="+p.Value)
			}
			fmt.Fprint(w, strings.Join(out, " "))
		})
	}, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "404")
	}))
}

// do sends method target through h.
func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

// expectServed asserts the route and parameters that answer target, as
// "id name=value ..."; "404" for none.
func expectServed(t *testing.T, h http.Handler, target, want string) {
	t.Helper()
	w := do(h, http.MethodGet, target)
	if got := w.Body.String(); got != want {
		t.Errorf("GET %s = %d %q, want %q", target, w.Code, got, want)
	}
}

// expectRedirect asserts method target is answered by a 308 to location.
func expectRedirect(t *testing.T, h http.Handler, method, target, location string) {
	t.Helper()
	w := do(h, method, target)
	if w.Code != http.StatusPermanentRedirect || w.Header().Get("Location") != location {
		t.Errorf("%s %s = %d Location %q, want 308 %q", method, target, w.Code, w.Header().Get("Location"), location)
	}
}

var routerTree = []string{
	"page.tsx", "layout.tsx",
	"posts/page.tsx", "posts/new/page.tsx", "posts/slug.param/page.tsx", "posts/slug.param/handler.go",
	"posts/slug.param/comments/cid.param/handler.go", "posts/rest.all/page.tsx",
	"docs/path.all/page.tsx",
	"marketing.group/about/page.tsx", "marketing.group/layout.tsx",
	"_private/x/page.tsx", ".hidden/page.tsx",
	"a/x.param/b/page.tsx", "a/x.param/y.param/page.tsx",
	"hello world/page.tsx",
	"api/stats/handler.wasm",
	"lang.param/page.tsx",
}

func TestRouterMatch(t *testing.T) {
	r := echoRouter(mustScan(t, routerTree...))
	for _, tc := range []struct{ target, want string }{
		{"/", ""},
		{"/?q=1", ""},
		{"/posts", "posts"},
		{"/posts/new", "posts/new"},
		{"/posts/hello", "posts/slug.param slug=hello"},
		{"/posts/hello%20world", "posts/slug.param slug=hello world"},
		{"/posts/a%2Fb", "posts/slug.param slug=a/b"},
		{"/posts/%25", "posts/slug.param slug=%"},
		{"/posts/caf%C3%A9", "posts/slug.param slug=café"},
		{"/posts/a,b", "posts/slug.param slug=a,b"},
		{"/posts/a/b", "posts/rest.all rest=a/b"},
		{"/posts/a%2Fb/c", "posts/rest.all rest=a/b/c"},
		{"/posts/x/comments/7", "posts/slug.param/comments/cid.param slug=x cid=7"},
		{"/posts/x/comments", "posts/rest.all rest=x/comments"},
		{"/docs", "docs/path.all path="},
		{"/docs/a", "docs/path.all path=a"},
		{"/docs/a/b/c.md", "docs/path.all path=a/b/c.md"},
		{"/about", "marketing.group/about"},
		{"/marketing/about", "404"},
		{"/marketing.group/about", "404"},
		{"/_private/x", "404"},
		{"/.hidden", "lang.param lang=.hidden"},
		{"/en", "lang.param lang=en"},
		{"/a/1/b", "a/x.param/b x=1"},
		{"/a/1/c", "a/x.param/y.param x=1 y=c"},
		{"/a/1", "404"},
		{"/hello%20world", "hello world"},
		{"/api/stats", "api/stats"},
		{"/%61bout", "marketing.group/about"},
		{"/posts/%6Eew", "posts/new"},
		{"/nope/x/y", "404"},
	} {
		expectServed(t, r, tc.target, tc.want)
	}
}

func TestRouterCanonicalRedirects(t *testing.T) {
	r := echoRouter(mustScan(t, routerTree...))
	for _, tc := range []struct{ method, target, location string }{
		{"GET", "/posts/", "/posts"},
		{"POST", "/posts/", "/posts"},
		{"GET", "/posts/?a=1&b=x%20y", "/posts?a=1&b=x%20y"},
		{"GET", "/docs/a/", "/docs/a"},
		{"GET", "//posts", "/posts"},
		{"GET", "/posts//x", "/posts/x"},
		{"GET", "/a/../posts", "/posts"},
		{"GET", "/./posts", "/posts"},
		{"GET", "/posts/%2E%2E/docs", "/docs"},
		{"GET", "/..", "/"},
		{"GET", "/nope/", "/nope"},
		{"GET", "/posts/a%2Fb/", "/posts/a%2Fb"},
	} {
		expectRedirect(t, r, tc.method, tc.target, tc.location)
	}
}

func TestRouterRootCatchAll(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		cases [][2]string
	}{
		{"alone matches /", []string{"rest.all/page.tsx"},
			[][2]string{{"/", "rest.all rest="}, {"/a", "rest.all rest=a"}, {"/a/b", "rest.all rest=a/b"}}},
		{"root route wins at /", []string{"page.tsx", "rest.all/page.tsx", "x/page.tsx"},
			[][2]string{{"/", ""}, {"/x", "x"}, {"/x/y", "rest.all rest=x/y"}}},
		{"in a group", []string{"app.group/rest.all/page.tsx", "app.group/id.param/page.tsx"},
			[][2]string{{"/", "app.group/rest.all rest="}, {"/7", "app.group/id.param id=7"}, {"/7/8", "app.group/rest.all rest=7/8"}}},
		{"param before catch-all", []string{"a.param/rest.all/page.tsx", "b.param/page.tsx"},
			[][2]string{{"/x", "b.param b=x"}, {"/x/y", "a.param/rest.all a=x rest=y"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := echoRouter(mustScan(t, tc.files...))
			for _, c := range tc.cases {
				expectServed(t, r, c[0], c[1])
			}
		})
	}
}

func TestRouterEncodedVars(t *testing.T) {
	table := mustScan(t, "posts/slug.param/page.tsx")
	var raw string
	r := table.Router(func(rt *Route) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { raw = mux.Vars(req)["slug"] })
	}, nil)
	do(r, "GET", "/posts/a%2Fb%20c")
	if raw != "a%2Fb%20c" {
		t.Errorf("mux.Vars slug = %q, want the encoded %q", raw, "a%2Fb%20c")
	}
}

func TestRouterNilHandlerAndDefaultNotFound(t *testing.T) {
	table := mustScan(t, "a/page.tsx", "b/page.tsx")
	r := table.Router(func(rt *Route) http.Handler {
		if rt.ID() == "a" {
			return nil
		}
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { fmt.Fprint(w, rt.ID()) })
	}, nil)
	for _, tc := range []struct {
		target string
		code   int
	}{{"/a", 404}, {"/b", 200}, {"/%62", 200}, {"/c", 404}} {
		if w := do(r, "GET", tc.target); w.Code != tc.code {
			t.Errorf("GET %s = %d, want %d", tc.target, w.Code, tc.code)
		}
	}
}

func TestCanonicalPath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		moved    bool
	}{
		{"/", "/", false},
		{"*", "*", false},
		{"", "", false},
		{"/a/b", "/a/b", false},
		{"/a/", "/a", true},
		{"/a//b", "/a/b", true},
		{"/a/./b/../c", "/a/c", true},
		{"/../../a", "/a", true},
		{"/%2e/a", "/a", true},
		{"/%61", "/a", false},
		{"/a%2fb", "/a%2Fb", false},
		{"/a,b;c", "/a%2Cb%3Bc", false},
		{"/a+b@c:d", "/a+b@c:d", false},
	} {
		got, moved := canonicalPath(tc.in)
		if got != tc.want || moved != tc.moved {
			t.Errorf("canonicalPath(%q) = %q, %v; want %q, %v", tc.in, got, moved, tc.want, tc.moved)
		}
	}
}
