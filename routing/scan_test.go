package routing

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// tree builds a routes/ folder from file paths; every file is empty.
func tree(files ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, f := range files {
		fsys[f] = &fstest.MapFile{}
	}
	return fsys
}

// mustScan scans files and fails the test on error.
func mustScan(t *testing.T, files ...string) *Table {
	t.Helper()
	table, err := Scan(tree(files...))
	if err != nil {
		t.Fatalf("Scan(%q): %v", files, err)
	}
	return table
}

// expectRoutes asserts the routes of files, in precedence order, as
// "id pattern" lines.
func expectRoutes(t *testing.T, files []string, want ...string) {
	t.Helper()
	var got []string
	for _, rt := range mustScan(t, files...).Routes() {
		got = append(got, strings.TrimSpace(rt.ID()+" "+rt.Pattern()))
	}
	if !slices.Equal(got, want) {
		t.Errorf("Scan(%q) routes\n got %q\nwant %q", files, got, want)
	}
}

// expectScanError asserts Scan fails with one error per wanted message, each
// error holding all the substrings of its message.
func expectScanError(t *testing.T, files []string, want ...[]string) {
	t.Helper()
	table, err := Scan(tree(files...))
	if err == nil {
		t.Fatalf("Scan(%q) = %v, want an error", files, table)
	}
	if table != nil {
		t.Errorf("Scan(%q) returned a table with its error", files)
	}
	errs := err.(interface{ Unwrap() []error }).Unwrap()
	if len(errs) != len(want) {
		t.Fatalf("Scan(%q): %d errors, want %d:\n%v", files, len(errs), len(want), err)
	}
	for i, e := range errs {
		if _, ok := e.(*Error); !ok {
			t.Errorf("error %d is %T, want *Error", i, e)
		}
		for _, sub := range want[i] {
			if !strings.Contains(e.Error(), sub) {
				t.Errorf("Scan(%q) error %d\n%v\ndoes not contain %q", files, i, e, sub)
			}
		}
	}
}

func TestScanRoutes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		want  []string
	}{
		{"root page", []string{"page.tsx"}, []string{"/"}},
		{"root handler only", []string{"handler.go"}, []string{"/"}},
		{"every page extension", []string{"a/page.tsx", "b/page.jsx", "c/page.ts", "d/page.js"},
			[]string{"a /a", "b /b", "c /c", "d /d"}},
		{"prebuilt wasm", []string{"api/stats/handler.wasm"}, []string{"api/stats /api/stats"}},
		{"any go file is a handler", []string{"api/main.go"}, []string{"api /api"}},
		{"test files and other files are not routes", []string{"a/handler_test.go", "b/README.md", "c/layout.tsx", "d/404.tsx"}, nil},
		{"folder without route files is a path only", []string{"a/b/page.tsx"}, []string{"a/b /a/b"}},
		{"param", []string{"posts/slug.param/page.tsx"}, []string{"posts/slug.param /posts/{slug}"}},
		{"catch-all", []string{"docs/rest.all/page.tsx"}, []string{"docs/rest.all /docs/{rest:.*}"}},
		{"root catch-all", []string{"path.all/page.tsx"}, []string{"path.all /{path:.*}"}},
		{"group adds no segment", []string{"marketing.group/about/page.tsx", "marketing.group/page.tsx"},
			[]string{"marketing.group /", "marketing.group/about /about"}},
		{"_private folder never routed", []string{"_components/page.tsx", "a/_lib/x/handler.go", "b/page.tsx"},
			[]string{"b /b"}},
		{"_file.go ignored like the go tool does", []string{"a/_gen.go"}, nil},
		{".hidden ignored", []string{".git/page.tsx", "a/.cache/handler.go", ".page.tsx"}, nil},
		{"static text is percent-encoded", []string{"hello world/page.tsx", "café/page.tsx", "{x}/page.tsx"},
			[]string{"café /caf%C3%A9", "hello world /hello%20world", "{x} /%7Bx%7D"}},
		{"precedence static > param > catch-all", []string{
			"posts/rest.all/page.tsx", "posts/slug.param/page.tsx", "posts/new/page.tsx", "posts/page.tsx"},
			[]string{"posts /posts", "posts/new /posts/new", "posts/slug.param /posts/{slug}", "posts/rest.all /posts/{rest:.*}"}},
		{"precedence decided at the first differing segment", []string{
			"a/x.param/y.param/page.tsx", "a/x.param/b/page.tsx", "z.param/b/c/page.tsx", "a/r.all/page.tsx"},
			[]string{"a/x.param/b /a/{x}/b", "a/x.param/y.param /a/{x}/{y}", "a/r.all /a/{r:.*}", "z.param/b/c /{z}/b/c"}},
		{"groups do not count for precedence", []string{"g.group/id.param/page.tsx", "h.group/me/page.tsx"},
			[]string{"h.group/me /me", "g.group/id.param /{id}"}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectRoutes(t, tc.files, tc.want...) })
	}
}

func TestScanRouteFiles(t *testing.T) {
	table := mustScan(t,
		"layout.tsx", "404.tsx", "error.tsx", "page.tsx", "handler.go", "util.go", "handler_test.go",
		"shop.group/layout.jsx", "shop.group/cart/page.tsx",
		"posts/layout.tsx", "posts/404.tsx", "posts/slug.param/page.tsx", "posts/slug.param/handler.wasm",
		"posts/slug.param/error.js", "posts/slug.param/layout.tsx",
		"_private/layout.tsx", "api/handler.go",
	)
	for _, tc := range []struct {
		id, page, notFound, errorPage string
		wasm                          bool
		goFiles, layouts, params      []string
	}{
		{id: "", page: "page.tsx", notFound: "404.tsx", errorPage: "error.tsx",
			goFiles: []string{"handler.go", "util.go"}, layouts: []string{"layout.tsx"}},
		{id: "shop.group/cart", page: "shop.group/cart/page.tsx", notFound: "404.tsx", errorPage: "error.tsx",
			layouts: []string{"layout.tsx", "shop.group/layout.jsx"}},
		{id: "posts/slug.param", page: "posts/slug.param/page.tsx", notFound: "posts/404.tsx", errorPage: "posts/slug.param/error.js",
			wasm: true, params: []string{"slug"},
			layouts: []string{"layout.tsx", "posts/layout.tsx", "posts/slug.param/layout.tsx"}},
		{id: "api", notFound: "404.tsx", errorPage: "error.tsx",
			goFiles: []string{"api/handler.go"}, layouts: []string{"layout.tsx"}},
	} {
		rt, ok := table.Route(tc.id)
		if !ok {
			t.Errorf("no route %q", tc.id)
			continue
		}
		got := []any{rt.Page(), rt.NotFoundPage(), rt.ErrorPage(), rt.HasWasm(), rt.HasGo(), rt.GoFiles(), rt.Layouts(), rt.Params()}
		want := []any{tc.page, tc.notFound, tc.errorPage, tc.wasm, len(tc.goFiles) > 0, tc.goFiles, tc.layouts, tc.params}
		for i := range got {
			if !equalAny(got[i], want[i]) {
				t.Errorf("route %q field %d = %q, want %q", tc.id, i, got[i], want[i])
			}
		}
	}
	if _, ok := table.Route("_private"); ok {
		t.Errorf("_private is a route")
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok && bok {
		return slices.Equal(as, bs)
	}
	return a == b
}

func TestScanErrors(t *testing.T) {
	type msgs = []string
	for _, tc := range []struct {
		name  string
		files []string
		want  []msgs
	}{
		{"groups map two folders to one pattern", []string{"a.group/x/page.tsx", "b.group/x/page.tsx"},
			[]msgs{{"routes/a.group/x", "routes/b.group/x", "/x", "hint:"}}},
		{"params with different names still conflict", []string{"p/a.param/page.tsx", "p/b.param/handler.go"},
			[]msgs{{"routes/p/a.param", "routes/p/b.param", "/p/{}"}}},
		{"root group conflicts with root", []string{"page.tsx", "g.group/handler.go"},
			[]msgs{{"routes: 2 folders", "routes/g.group"}}},
		{"wasm and go", []string{"api/handler.wasm", "api/handler.go"},
			[]msgs{{"routes/api:", "handler.wasm", "handler.go", "remove one"}}},
		{"two pages", []string{"a/page.tsx", "a/page.jsx"}, []msgs{{"routes/a:", "page.jsx, page.tsx", "remove"}}},
		{"two layouts", []string{"layout.tsx", "layout.js"}, []msgs{{"routes:", "layout"}}},
		{"suffix only", []string{"p/-.param/page.tsx"}, []msgs{{"routes/p/-.param:", "starts with '-'", "letter"}}},
		{"bad param character", []string{"a-b.param/page.tsx"}, []msgs{{"routes/a-b.param:", `'-'`, "letters, digits and _"}}},
		{"digit first", []string{"1x.all/page.tsx"}, []msgs{{"routes/1x.all:", "starts with '1'"}}},
		{"bad group name", []string{"a b.group/page.tsx"}, []msgs{{"routes/a b.group:", "' '"}}},
		// The bracket spellings of other frameworks are refused with the new name.
		{"old param", []string{"posts/[slug]/page.tsx"}, []msgs{{"routes/posts/[slug]:", "parameter is spelled NAME.param", "rename the folder slug.param"}}},
		{"old catch-all", []string{"docs/[...rest]/handler.go"}, []msgs{{"routes/docs/[...rest]:", "catch-all is spelled NAME.all", "rename the folder rest.all"}}},
		{"old optional catch-all", []string{"[[...a]]/page.tsx"}, []msgs{{"routes/[[...a]]:", "rename the folder a.all"}}},
		{"old group", []string{"(marketing)/about/page.tsx"}, []msgs{{"routes/(marketing):", "group is spelled NAME.group", "rename the folder marketing.group"}}},
		{"old empty param", []string{"[]/page.tsx"}, []msgs{{"routes/[]:", "rename the folder name.param"}}},
		{"old bad param", []string{"[a-b]/page.tsx"}, []msgs{{"routes/[a-b]:", "rename the folder name.param"}}},
		{"unclosed bracket", []string{"posts/[a/page.tsx"}, []msgs{{"routes/posts/[a:", "a.param"}}},
		{"param inside a name", []string{"post-[id]/page.tsx"}, []msgs{{"routes/post-[id]:", "whole folder name"}}},
		{"parentheses inside a name", []string{"a(b)/page.tsx"}, []msgs{{"routes/a(b):", "whole folder name"}}},
		// A folder with Go source must be a package Go's tools can build.
		{"go in a folder go refuses", []string{"hello world/handler.go", "café/handler.go", "a+b/page.tsx"},
			[]msgs{{"routes/café:", "Go's tools cannot build", "invalid char"}, {"routes/hello world:", "Go's tools cannot build"}}},
		{"go under a folder go refuses", []string{"v1~2/x/handler.go"},
			[]msgs{{"routes/v1~2/x:", "Go's tools cannot build"}}},
		{"go in a folder the go command refuses", []string{"-x/handler.go", "~y/handler.go"},
			[]msgs{{"routes/-x:", "starts with '-'"}, {"routes/~y:", "starts with '~'"}}},
		{"catch-all not last", []string{"docs/rest.all/edit/page.tsx"},
			[]msgs{{"routes/docs/rest.all/edit:", "must be the last", "single parameter rest.param"}}},
		{"duplicate param", []string{"id.param/x/id.param/page.tsx"}, []msgs{{"routes/id.param/x/id.param:", `"id" appears twice`}}},
		{"every error is reported", []string{
			"[a/page.tsx", "[a/b/page.tsx", "x/handler.wasm", "x/main.go", "k.param/k.param/page.tsx", "p.group/q/page.tsx", "q/page.tsx"},
			[]msgs{{"routes/[a:"}, {"routes/k.param/k.param:"}, {"routes/x:"}, {"routes/p.group/q", "routes/q"}}},
	} {
		t.Run(tc.name, func(t *testing.T) { expectScanError(t, tc.files, tc.want...) })
	}
}

// A folder whose only Go source is middleware.go is no route: a group's
// middleware does not take its URL from the root, and /admin stays
// unmatched. With a page, a handler.wasm or other Go files it is a route
// as any.
func TestScanMiddlewareFolders(t *testing.T) {
	files := []string{"page.tsx", "handler.go",
		"admin/middleware.go", "admin/middleware_test.go", "admin/users/handler.go",
		"panel.group/middleware.go", "panel.group/stats/page.tsx",
		"shop/middleware.go", "shop/page.tsx",
		"api/middleware.go", "api/handler.go",
		"_lib/middleware.go", "x/middleware.go/page.tsx"}
	expectRoutes(t, files, "/", "admin/users /admin/users", "api /api", "shop /shop", "panel.group/stats /stats", "x/middleware.go /x/middleware.go")
	table := mustScan(t, files...)
	if got, want := table.MiddlewareFolders(), []string{"admin", "panel.group"}; !slices.Equal(got, want) {
		t.Errorf("MiddlewareFolders = %q, want %q", got, want)
	}
	expectScanError(t, []string{"bad name/middleware.go"}, []string{"routes/bad name", "Go's tools cannot build a package in this folder"})
}
