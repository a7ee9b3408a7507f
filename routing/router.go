// Router: serve a route table with gorilla/mux, on canonical encoded paths.

package routing

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"
)

// Router returns a gorilla/mux router that serves the table: each route,
// tried in precedence order, is served by handler(route), called once per
// route here (a nil result leaves that route unserved), and a request no
// route matches by notFound (http.NotFound if nil). The handler reads the
// route's parameters with [Route.Vars] (decoded) or mux.Vars (encoded).
//
// The router matches the percent-encoded path (mux UseEncodedPath), so an
// encoded slash stays inside one parameter: /posts/a%2Fb gives slug "a/b".
// Before matching, a request path is made canonical (spec/routing.md):
//
//   - empty, "." and ".." segments (also %2E) are resolved and a trailing
//     slash is dropped; the client is redirected there with 308, which keeps
//     the method and body (/posts/ -> /posts, /a/../b -> /b).
//   - each segment is re-encoded as url.PathEscape would (/%61bout is
//     /about, /a,b is /a%2Cb); this rewrite is internal, not a redirect.
//
// The router's Use middleware therefore runs twice for a re-encoded request.
// Methods are not matched: a route's handler sees every method.
func (t *Table) Router(handler func(*Route) http.Handler, notFound http.Handler) *mux.Router {
	if notFound == nil {
		notFound = http.NotFoundHandler()
	}
	r := mux.NewRouter().UseEncodedPath().SkipClean(true)
	r.NotFoundHandler = notFound
	r.MatcherFunc(func(req *http.Request, _ *mux.RouteMatch) bool {
		return !isCanonical(req.URL.EscapedPath())
	}).Handler(canonicalize(r, notFound))
	for _, rt := range t.routes {
		h := handler(rt)
		if h == nil {
			continue
		}
		r.Path(rt.pattern).Handler(h)
		if empty := rt.emptyCatchAll(); empty != "" {
			r.Path(empty).Handler(h)
		}
	}
	return r
}

// canonicalize serves a request whose path is not canonical: a redirect if
// its segments change, else the same request again through r with the path
// re-encoded.
func canonicalize(r *mux.Router, notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		canon, moved := canonicalPath(req.URL.EscapedPath())
		if moved {
			loc := canon
			if req.URL.RawQuery != "" {
				loc += "?" + req.URL.RawQuery
			}
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusPermanentRedirect)
			return
		}
		req2 := req.Clone(req.Context())
		req2.URL.RawPath = canon
		if req2.URL.EscapedPath() != canon { // cannot happen; never loop
			notFound.ServeHTTP(w, req)
			return
		}
		r.ServeHTTP(w, req2)
	})
}

// isCanonical reports whether canonicalPath would leave p as it is.
func isCanonical(p string) bool {
	c, moved := canonicalPath(p)
	return !moved && c == p
}

// canonicalPath returns the canonical form of the encoded path p: dot and
// empty segments resolved, no trailing slash, each segment encoded by
// url.PathEscape. moved reports that segments changed (not just their
// encoding). A path that does not start with / (OPTIONS *) is left alone.
func canonicalPath(p string) (canon string, moved bool) {
	if p == "/" || !strings.HasPrefix(p, "/") {
		return p, false
	}
	segs := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		dec, err := url.PathUnescape(s)
		if err != nil {
			out = append(out, s) // EscapedPath never returns a bad escape
			continue
		}
		switch dec {
		case "", ".":
			moved = true
			continue
		case "..":
			moved = true
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			continue
		}
		out = append(out, url.PathEscape(dec))
	}
	return "/" + strings.Join(out, "/"), moved
}
