package routing

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"
)

// FuzzPattern parses fuzzed route ids (folder paths under routes/). A
// rejected id must give a *segError; an accepted one must compile in mux
// and serve a URL built from it with the parameters decoded, including a
// %2F inside a value.
func FuzzPattern(f *testing.F) {
	for _, id := range []string{
		"", "posts", "posts/slug.param", "docs/rest.all", "rest.all", "g.group/x", "a.group/b.group/id.param/edit",
		"[]", "[a", "[...]", "[[...a]]", "[a-b]", "x[y]", "a.all/b", "a.param/a.param", "()", "(a",
		"hello world", "café", "{x}", "a:b", "%2F", "a/../b", "_x", ".x", "a//b", "[ä]", "\xff",
	} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		segs, err := parseID(id)
		if err != nil {
			var se *segError
			if !errors.As(err, &se) || se.hint == "" {
				t.Fatalf("parseID(%q) error %v is not a *segError with a hint", id, err)
			}
			return
		}
		rt := newRoute(id, segs)
		if err := mux.NewRouter().UseEncodedPath().Path(rt.Pattern()).GetError(); err != nil {
			t.Fatalf("pattern %q of %q does not compile: %v", rt.Pattern(), id, err)
		}
		table, conflicts := newTable([]*Route{rt})
		if len(conflicts) > 0 {
			t.Fatalf("one route conflicts: %v", conflicts)
		}
		r := echoRouter(table)

		var path []string
		want := []string{id}
		for i, s := range rt.pathSegs() {
			switch s.kind {
			case segStatic:
				path = append(path, url.PathEscape(s.name))
			case segParam:
				v := string(rune('a'+i%26)) + "%2F1"
				path = append(path, v)
				want = append(want, s.name+"="+strings.ReplaceAll(v, "%2F", "/"))
			case segCatchAll:
				path = append(path, "x/y%2Fz")
				want = append(want, s.name+"=x/y/z")
			}
		}
		target := "/" + strings.Join(path, "/")
		if w := do(r, "GET", target); w.Body.String() != strings.Join(want, " ") {
			t.Fatalf("id %q pattern %q: GET %s = %d %q, want %q", id, rt.Pattern(), target, w.Code, w.Body.String(), strings.Join(want, " "))
		}
		if empty := rt.emptyCatchAll(); empty != "" {
			target := "/" + strings.Join(path[:len(path)-1], "/")
			want[len(want)-1] = want[len(want)-1][:strings.Index(want[len(want)-1], "=")+1]
			if w := do(r, "GET", target); w.Body.String() != strings.Join(want, " ") {
				t.Fatalf("id %q: empty catch-all GET %s = %q, want %q", id, target, w.Body.String(), strings.Join(want, " "))
			}
		}
	})
}
