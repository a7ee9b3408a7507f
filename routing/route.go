// Route: one routed folder under routes/ and what the host needs to serve it.

package routing

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gorilla/mux"
)

// Route is one folder under routes/ that holds a handler, a page, or both.
// A Route never changes after Scan returns it, so handlers may share it.
// File paths it reports are relative to routes/ and slash-separated.
type Route struct {
	id        string
	segs      []segment // every folder, groups included
	pattern   string
	params    []string
	wasm      bool
	goFiles   []string
	page      string
	layouts   []string
	notFound  string
	errorPage string
}

// Param is one route parameter of a request: the name without its suffix and
// the percent-decoded value.
type Param struct {
	Name, Value string
}

// newRoute builds a route from its id and parsed folders.
func newRoute(id string, segs []segment) *Route {
	rt := &Route{id: id, segs: segs, pattern: template(segs)}
	for _, s := range segs {
		if s.kind == segParam || s.kind == segCatchAll {
			rt.params = append(rt.params, s.name)
		}
	}
	return rt
}

// template is the gorilla/mux path template of segs. Static text is
// percent-encoded with url.PathEscape because the router matches the
// encoded path (see Router).
func template(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch s.kind {
		case segStatic:
			b.WriteString("/" + url.PathEscape(s.name))
		case segParam:
			b.WriteString("/{" + s.name + "}")
		case segCatchAll:
			b.WriteString("/{" + s.name + ":.*}")
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// pathSegs are the segments that appear in the URL (groups dropped).
func (rt *Route) pathSegs() []segment {
	out := make([]segment, 0, len(rt.segs))
	for _, s := range rt.segs {
		if s.kind != segGroup {
			out = append(out, s)
		}
	}
	return out
}

// shape is the pattern with parameter names erased: two routes with the
// same shape match the same URLs.
func (rt *Route) shape() string {
	var b strings.Builder
	for _, s := range rt.pathSegs() {
		switch s.kind {
		case segStatic:
			b.WriteString("/" + url.PathEscape(s.name))
		case segParam:
			b.WriteString("/{}")
		case segCatchAll:
			b.WriteString("/{...}")
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// emptyCatchAll is the extra template under which a trailing catch-all
// matches zero segments (/docs for /docs/{rest:.*}); "" when there is none.
// At the root /{rest:.*} already matches /.
func (rt *Route) emptyCatchAll() string {
	ps := rt.pathSegs()
	if len(ps) < 2 || ps[len(ps)-1].kind != segCatchAll {
		return ""
	}
	return template(ps[:len(ps)-1])
}

// ID is the route id of spec/abi.md §4: the folder under routes/ with
// folder names kept ("posts/slug.param", "marketing.group/about"); ""
// for routes/ itself.
func (rt *Route) ID() string { return rt.id }

// Pattern is the gorilla/mux path template: "/posts/{slug}",
// "/docs/{rest:.*}", "/" for the root. Static text is percent-encoded.
func (rt *Route) Pattern() string { return rt.pattern }

// Params are the parameter names in path order, without suffixes.
func (rt *Route) Params() []string { return slices.Clone(rt.params) }

// HasWasm reports whether the folder holds a prebuilt handler.wasm.
func (rt *Route) HasWasm() bool { return rt.wasm }

// HasGo reports whether the folder holds Go handler source.
func (rt *Route) HasGo() bool { return len(rt.goFiles) > 0 }

// GoFiles are the folder's Go source files (not _test.go), sorted.
func (rt *Route) GoFiles() []string { return slices.Clone(rt.goFiles) }

// Page is the folder's page file (page.tsx, page.jsx, page.ts or page.js),
// "" if the route has none.
func (rt *Route) Page() string { return rt.page }

// Layouts are the layout files that wrap the route's page, outermost
// (routes/layout.tsx) first, the route's own folder last.
func (rt *Route) Layouts() []string { return slices.Clone(rt.layouts) }

// NotFoundPage is the nearest 404 page (404.tsx …) in the route's folder or
// above it, "" if there is none.
func (rt *Route) NotFoundPage() string { return rt.notFound }

// ErrorPage is the nearest error page (error.tsx …) in the route's folder or
// above it, "" if there is none.
func (rt *Route) ErrorPage() string { return rt.errorPage }

// Vars returns the route's parameters of a request matched by a
// [Table.Router], in path order and percent-decoded. mux.Vars holds the
// same values still encoded (the router matches the encoded path so that
// %2F stays inside one value). A catch-all that matched no segments is "".
func (rt *Route) Vars(req *http.Request) []Param {
	raw := mux.Vars(req)
	out := make([]Param, len(rt.params))
	for i, name := range rt.params {
		v := raw[name]
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		out[i] = Param{Name: name, Value: v}
	}
	return out
}
