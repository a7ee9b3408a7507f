// Page routes: a route with a page.tsx answered as a server-rendered HTML
// document, as its loader's JSON for client navigation, or with its
// handler's answer to a form.

package pageserve

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/internal/capture"
	"sandkit.dev/sandkit/pages"
)

// wantsJSON says whether the request asks for a route's data rather than
// its document: client navigation sends Accept: application/json, or adds
// ?_data to the URL. An Accept header that ranks text/html above JSON asks
// for the document.
func wantsJSON(r *http.Request) bool {
	return r.URL.Query().Has("_data") || httperr.PrefersJSON(r)
}

// Page serves the page of route (its id, as in spec/routing.md): its
// document for a browser, its loader's JSON for client navigation, its
// actions for forms. params returns the route's parameters of a request.
// guest is the route's handler, called for the loader (GET with Accept:
// application/json) and for actions; nil for a page without one. The
// loaders of the layouts above the page (SetLayouts) run for its document,
// and answer ?_data=layout:FOLDER.
func (s *Set) Page(route string, params func(*http.Request) map[string]string, guest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asJSON := wantsJSON(r)
		if asJSON {
			w.Header().Add("Vary", "Accept") // the same URL also answers HTML
		}
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			s.action(w, r, route, params, guest, asJSON)
		case strings.HasPrefix(r.URL.Query().Get("_data"), "layout:"):
			s.layoutData(w, r, s.manifest.Routes[route], paramsOf(r, params))
		case asJSON && guest != nil:
			guest.ServeHTTP(&noLoader{ResponseWriter: w}, loadRequest(r, paramsOf(r, params)))
		case asJSON:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("null\n"))
		default:
			in := newInput(r, route, params)
			var l loaded
			s.loadLayouts(r, in, s.layoutFolders(s.assets(in)), &l)
			if guest != nil && l.redirect == nil {
				c := capture.Serve(guest, loadRequest(r, in.Params))
				if c.Status != http.StatusMethodNotAllowed { // a handler with actions only: no data
					if data, ok := s.use(c, route, "page", &l); ok {
						in.Data = data
					}
				}
			}
			if l.redirect != nil {
				l.sendRedirect(w) // a loader redirects
				return
			}
			addCookies(w, l.cookies)
			if l.err != nil {
				in.Error = l.err
				in.Data = json.RawMessage("null")
			}
			s.serveDocument(w, r, in, 0)
		}
	})
}

// layoutData answers ?_data=layout:FOLDER: the loader of that layout, when
// it is one of ra's, else a 404 in the JSON error shape.
func (s *Set) layoutData(w http.ResponseWriter, r *http.Request, ra *routeAssets, params map[string]string) {
	folder := strings.TrimPrefix(r.URL.Query().Get("_data"), "layout:")
	if ra != nil {
		for _, f := range s.layoutFolders(ra) {
			if f == folder {
				s.layouts[f].ServeHTTP(w, loadRequest(r, params))
				return
			}
		}
	}
	httperr.JSON(w, http.StatusNotFound, "no layout loader "+strconv.Quote(folder)+" above "+r.URL.Path)
}

// addCookies copies the loaders' Set-Cookie headers onto the document's
// answer (a loader that refreshes a session).
func addCookies(w http.ResponseWriter, cookies []string) {
	for _, c := range cookies {
		w.Header().Add("Set-Cookie", c)
	}
}

// paramsOf is params(r), or none.
func paramsOf(r *http.Request, params func(*http.Request) map[string]string) map[string]string {
	if params == nil {
		return map[string]string{}
	}
	return params(r)
}

// newInput starts the render input of r on route.
func newInput(r *http.Request, route string, params func(*http.Request) map[string]string) *pages.Input {
	return &pages.Input{Route: route, URL: r.URL.RequestURI(), Data: json.RawMessage("null"), Params: paramsOf(r, params)}
}

// action serves a POST, PUT, PATCH or DELETE on a page route: the
// handler's action. With JavaScript (the client runtime asks for JSON) the
// answer goes back as it is. Without, a form post is answered so the browser
// ends on a page: a 2xx becomes a redirect to the page (POST/redirect/GET),
// a 3xx passes, and a 4xx renders the page with the action's answer as
// data, under the same status.
func (s *Set) action(w http.ResponseWriter, r *http.Request, route string, params func(*http.Request) map[string]string, guest http.Handler, asJSON bool) {
	if guest == nil {
		w.Header().Set("Allow", "GET, HEAD")
		msg := "this page has no handler for " + r.Method
		if asJSON {
			httperr.JSON(w, http.StatusMethodNotAllowed, msg)
		} else {
			httperr.Page(w, r, http.StatusMethodNotAllowed, msg)
		}
		return
	}
	if asJSON {
		guest.ServeHTTP(w, r)
		return
	}
	c := capture.Serve(guest, r)
	switch {
	case c.Status < 300:
		addCookies(w, c.Header().Values("Set-Cookie"))
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
	case c.Status < 400:
		c.Send(w)
	case c.Status < 500 && c.IsJSON() && c.Status != http.StatusMethodNotAllowed:
		in := newInput(r, route, params)
		in.Action = c.Body.Bytes()
		var l loaded
		l.cookies = c.Header().Values("Set-Cookie")
		s.loadLayouts(r, in, s.layoutFolders(s.assets(in)), &l)
		d := capture.Serve(guest, loadRequest(r, in.Params))
		if data, ok := s.use(d, route, "page", &l); ok {
			in.Data = data
		}
		addCookies(w, l.cookies)
		// The page is shown again with the refusal; a loader's redirect or
		// error does not replace it.
		s.serveDocument(w, r, in, c.Status)
	default:
		c.Send(w)
	}
}

// errorMessage is the message a failed loader gave: the "error" member of
// a JSON body when a string, its "error.message" in the host's error shape
// (spec/routing.md §7), or the body's first line.
func errorMessage(c *capture.Response) string {
	if c.IsJSON() {
		var e struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(c.Body.Bytes(), &e) == nil && len(e.Error) > 0 {
			var s string
			var d httperr.Detail
			switch {
			case json.Unmarshal(e.Error, &s) == nil && s != "":
				return s
			case json.Unmarshal(e.Error, &d) == nil && d.Message != "":
				return d.Message
			}
		}
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(c.Body.String()), "\n")
	if msg == "" {
		msg = http.StatusText(c.Status)
	}
	return msg
}

// NotFound renders the app's 404 page for a URL no route matches, or the
// built-in one if the app has none for that URL; a request that is not a
// GET or HEAD for HTML goes to next.
func (s *Set) NotFound(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept") // the same URL answers HTML or JSON
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || wantsJSON(r) {
			next.ServeHTTP(w, r)
			return
		}
		if len(s.manifest.NotFound) == 0 {
			httperr.Page(w, r, http.StatusNotFound, notFoundMessage(r))
			return
		}
		in := &pages.Input{Route: "", URL: r.URL.RequestURI(), Data: json.RawMessage("null"), NotFound: true}
		var l loaded
		s.loadLayouts(r, in, s.layoutFolders(s.assets(in)), &l)
		if l.redirect == nil && len(s.layouts) > 0 && !s.assets(in).NoSSR {
			// Which 404 page renders is the bundle's choice (the nearest
			// for the URL): a nested one may sit under layouts of its own.
			if res, _, err := s.render(r.Context(), in); err == nil && res.NotFound != nil {
				if ra := s.manifest.NotFound[*res.NotFound]; ra != nil {
					s.loadLayouts(r, in, s.layoutFolders(ra), &l)
				}
			}
		}
		if l.redirect != nil {
			l.sendRedirect(w)
			return
		}
		addCookies(w, l.cookies)
		if l.err != nil {
			in.Error = l.err
		}
		s.serveDocument(w, r, in, 0)
	})
}

// notFoundMessage is what the built-in 404 page says.
func notFoundMessage(r *http.Request) string {
	return "No page here: " + r.URL.Path + " (add routes/404.tsx to show your own page)."
}

// noLoader answers the JSON of a page whose handler has no GET (it answers
// 405: a page with actions only) as null, the data of a page without a
// loader, so that client navigation to it renders the page rather than an
// error.
type noLoader struct {
	http.ResponseWriter
	swallow bool // the handler answered 405: drop what it writes
}

func (n *noLoader) WriteHeader(status int) {
	if status != http.StatusMethodNotAllowed {
		n.ResponseWriter.WriteHeader(status)
		return
	}
	n.swallow = true
	h := n.ResponseWriter.Header()
	h.Del("Allow")
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	n.ResponseWriter.WriteHeader(http.StatusOK)
	n.ResponseWriter.Write([]byte("null\n"))
}

func (n *noLoader) Write(b []byte) (int, error) {
	if n.swallow {
		return len(b), nil
	}
	return n.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (n *noLoader) Unwrap() http.ResponseWriter { return n.ResponseWriter }
