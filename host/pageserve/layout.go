// Layout loaders: the data of a layout (the signed-in user a nav shows),
// loaded for every page under it, its 404 and error pages included
// (spec/pages.md, "Layout data").

package pageserve

import (
	"context"
	"encoding/json"
	"net/http"
	"path"
	"strings"

	"sandkit.dev/sandkit/internal/capture"
	"sandkit.dev/sandkit/pages"
)

// LayoutRoute is the route id under which a guest serves the loader of the
// layout in folder ("" for routes/layout.tsx): the host calls it with GET
// (spec/pages.md, "Layout data").
func LayoutRoute(folder string) string { return "layout:" + folder }

// SetLayouts gives s the loaders of the app's layouts, by the layout's
// folder under routes/ ("" for the root). Call it before s serves. Each
// loader is called with GET, Accept: application/json and the request's
// path and query; Params returns the page's parameters from its request.
func (s *Set) SetLayouts(loaders map[string]http.Handler) { s.layouts = loaders }

type paramsKey struct{}

// Params returns the parameters of the page a layout loader's request is
// for (by name; none for a not-found page), as Page's params function gave
// them.
func Params(r *http.Request) map[string]string {
	p, _ := r.Context().Value(paramsKey{}).(map[string]string)
	return p
}

// layoutFolders lists the folders of the layouts with a loader among
// modules (a manifest entry's), outermost first.
func (s *Set) layoutFolders(ra *routeAssets) []string {
	if len(s.layouts) == 0 {
		return nil
	}
	var out []string
	for _, m := range ra.Modules {
		rel, ok := strings.CutPrefix(m, "routes/")
		if !ok || !strings.HasPrefix(path.Base(rel), "layout.") {
			continue
		}
		dir := path.Dir(rel)
		if dir == "." {
			dir = ""
		}
		if s.layouts[dir] != nil {
			out = append(out, dir)
		}
	}
	return out
}

// loadRequest is r as a loader sees it: GET asking for JSON, no body, the
// page's parameters in its context.
func loadRequest(r *http.Request, params map[string]string) *http.Request {
	lr := r.Clone(context.WithValue(r.Context(), paramsKey{}, params))
	lr.Method = http.MethodGet
	lr.Header.Set("Accept", "application/json")
	lr.Header.Del("Content-Type")
	lr.Body = http.NoBody
	lr.ContentLength = 0
	if q := lr.URL.Query(); q.Has("_data") {
		q.Del("_data")
		lr.URL.RawQuery = q.Encode()
	}
	return lr
}

// loaded is what the loaders of one document answered.
type loaded struct {
	redirect *capture.Response // a loader's 3xx, sent as it is
	err      *pages.InputError // the first failure, for the error page
	cookies  []string          // the loaders' Set-Cookie headers, for the document
}

// sendRedirect answers with the loaders' redirect and its own cookies.
// The cookies of the loaders that ran before it are dropped with their
// data: the page they loaded for is not shown, so a flash message a layout
// read (and cleared) must still be there for the page the redirect leads
// to.
func (l *loaded) sendRedirect(w http.ResponseWriter) {
	l.redirect.Send(w)
}

// loadLayouts runs the loaders of folders into in.Layouts.
func (s *Set) loadLayouts(r *http.Request, in *pages.Input, folders []string, l *loaded) {
	if len(folders) == 0 {
		return
	}
	if in.Layouts == nil {
		in.Layouts = map[string]json.RawMessage{}
	}
	for _, f := range folders {
		if _, done := in.Layouts[f]; done {
			continue
		}
		c := capture.Serve(s.layouts[f], loadRequest(r, in.Params))
		in.Layouts[f] = json.RawMessage("null")
		if data, ok := s.use(c, in.Route, "layout "+quoteFolder(f), l); ok {
			in.Layouts[f] = data
		}
		if l.redirect != nil {
			return
		}
	}
}

// use reads one loader's answer c into l: its JSON when it is a 2xx JSON
// answer, else the redirect or error it makes of the page.
func (s *Set) use(c *capture.Response, route, what string, l *loaded) (json.RawMessage, bool) {
	l.cookies = append(l.cookies, c.Header().Values("Set-Cookie")...)
	switch {
	case c.Status >= 300 && c.Status < 400:
		if l.redirect == nil {
			l.redirect = c
		}
	case c.Status >= 400:
		if l.err == nil {
			l.err = &pages.InputError{Status: c.Status, Message: errorMessage(c)}
		}
	case !c.IsJSON():
		if l.err == nil {
			l.err = &pages.InputError{Status: http.StatusInternalServerError, Message: "the " + what + " loader answered " + c.Header().Get("Content-Type") + ", not JSON"}
		}
		s.log.Error("page loader did not answer JSON", "route", route, "loader", what, "content_type", c.Header().Get("Content-Type"))
	default:
		return c.Body.Bytes(), true
	}
	return nil, false
}

func quoteFolder(f string) string {
	if f == "" {
		return "routes/layout"
	}
	return "routes/" + f + "/layout"
}

// RedirectHeader carries, to the client runtime, the target of a redirect
// its fetch would otherwise follow unseen (spec/pages.md, "Redirects").
const RedirectHeader = "X-Sandkit-Redirect"

// ClientHeader marks the client runtime's own requests: ClientRedirects
// answers their redirects in a form fetch lets it read.
const ClientHeader = "X-Sandkit-Client"

// ClientRedirects wraps an app's router: to a request carrying
// ClientHeader, a redirect (301, 302, 303, 307, 308) is answered as 204 No
// Content with its target in RedirectHeader instead of Location, resolved
// against the request's URL (a path for the same host, a full URL for
// another), the other headers (Set-Cookie) kept, the body dropped. Other
// requests and answers pass unchanged.
func ClientRedirects(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(ClientHeader) == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", ClientHeader)
		next.ServeHTTP(&redirectWriter{ResponseWriter: w, r: r}, r)
	})
}

// redirectWriter turns a redirect into 204 + RedirectHeader.
type redirectWriter struct {
	http.ResponseWriter
	r       *http.Request
	wrote   bool
	dropped bool // a redirect was rewritten: its body is dropped
}

func (rw *redirectWriter) WriteHeader(code int) {
	if rw.wrote || code < 200 {
		rw.ResponseWriter.WriteHeader(code)
		return
	}
	rw.wrote = true
	h := rw.Header()
	if loc := h.Get("Location"); code >= 300 && code < 400 && code != http.StatusNotModified && loc != "" {
		h.Del("Location")
		h.Del("Content-Type")
		h.Del("Content-Length")
		h.Set(RedirectHeader, resolveLocation(rw.r, loc))
		rw.dropped = true
		code = http.StatusNoContent
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *redirectWriter) Write(p []byte) (int, error) {
	if !rw.wrote {
		rw.WriteHeader(http.StatusOK)
	}
	if rw.dropped {
		return len(p), nil
	}
	return rw.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines).
func (rw *redirectWriter) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// resolveLocation resolves a Location against r's URL: a path and query
// when it stays on r's host, else the absolute URL.
func resolveLocation(r *http.Request, loc string) string {
	u, err := r.URL.Parse(loc)
	if err != nil {
		return loc
	}
	if u.Host == "" || (u.Host == r.Host && (u.Scheme == "" || u.Scheme == scheme(r))) {
		u.Scheme, u.Host, u.User = "", "", nil
		if u.Path == "" {
			u.Path = "/"
		}
		return u.String()
	}
	return u.String()
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
