// Page routes: a route with a page.tsx answered as a server-rendered HTML
// document, as its loader's JSON for client navigation, or with its
// handler's answer to a form.

package pageserve

import (
	"encoding/json"
	"net/http"
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
// application/json) and for actions; nil for a page without one.
func (s *Set) Page(route string, params func(*http.Request) map[string]string, guest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asJSON := wantsJSON(r)
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			s.action(w, r, route, params, guest, asJSON)
		case asJSON && guest != nil:
			w.Header().Set("Vary", "Accept") // the same URL also answers HTML
			guest.ServeHTTP(w, r)
		case asJSON:
			w.Header().Set("Vary", "Accept")
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("null\n"))
		default:
			in := newInput(r, route, params)
			if guest != nil {
				c := load(r, guest)
				if c.Status >= 300 && c.Status < 400 {
					c.Send(w) // the loader redirects (its cookies with it)
					return
				}
				w = cookieWriter(w, setCookies(c)) // the loader's cookies go out with the document
				switch {
				case c.Status >= 400:
					in.Error = &pages.InputError{Status: c.Status, Message: errorMessage(c)}
					in.Data = json.RawMessage("null")
				case !c.IsJSON():
					in.Error = &pages.InputError{Status: http.StatusInternalServerError, Message: "the route's loader answered " + c.Header().Get("Content-Type") + ", not JSON"}
					s.log.Error("page loader did not answer JSON", "route", route, "content_type", c.Header().Get("Content-Type"))
				default:
					in.Data = c.Body.Bytes()
				}
			}
			s.serveDocument(w, r, in, 0)
		}
	})
}

// newInput starts the render input of r on route.
func newInput(r *http.Request, route string, params func(*http.Request) map[string]string) *pages.Input {
	in := &pages.Input{Route: route, URL: r.URL.RequestURI(), Data: json.RawMessage("null")}
	if params != nil {
		in.Params = params(r)
	}
	return in
}

// load runs the route's GET handler for its JSON, as client navigation
// would fetch it, whatever r's method.
func load(r *http.Request, guest http.Handler) *capture.Response {
	lr := r.Clone(r.Context())
	lr.Method = http.MethodGet
	lr.Header.Set("Accept", "application/json")
	lr.Body = http.NoBody
	lr.ContentLength = 0
	return capture.Serve(guest, lr)
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
		w = cookieWriter(w, setCookies(c)) // the action's cookies go out with its redirect
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
	case c.Status < 400:
		c.Send(w)
	case c.Status < 500 && c.IsJSON() && c.Status != http.StatusMethodNotAllowed:
		in := newInput(r, route, params)
		in.Action = c.Body.Bytes()
		d := load(r, guest) // load makes it a GET
		if d.Status < 300 && d.IsJSON() {
			in.Data = d.Body.Bytes()
		}
		w = cookieWriter(w, setCookies(c, d)) // the action's and the loader's cookies
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
		w.Header().Set("Vary", "Accept") // the same URL answers HTML or JSON
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || wantsJSON(r) {
			next.ServeHTTP(w, r)
			return
		}
		if len(s.manifest.NotFound) == 0 {
			httperr.Page(w, r, http.StatusNotFound, notFoundMessage(r))
			return
		}
		in := &pages.Input{Route: "", URL: r.URL.RequestURI(), Data: json.RawMessage("null"), NotFound: true}
		s.serveDocument(w, r, in, 0)
	})
}

// notFoundMessage is what the built-in 404 page says.
func notFoundMessage(r *http.Request) string {
	return "No page here: " + r.URL.Path + " (add routes/404.tsx to show your own page)."
}
