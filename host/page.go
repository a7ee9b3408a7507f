// Page: a route with a page.tsx answered as a server-rendered HTML document,
// or as its loader's JSON for client navigation.

package host

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sandkit.dev/sandkit/pages"
	"sandkit.dev/sandkit/routing"
)

// renderInput is the JSON given to the server bundle's __sandkit_render and
// embedded in the document for hydration (spec/pages.md).
type renderInput struct {
	Route  string            `json:"route"`
	URL    string            `json:"url"`
	Params map[string]string `json:"params"`
	Data   json.RawMessage   `json:"data"`
	// Action is what the route's action answered to a form posted without
	// JavaScript, when it refused it (4xx): validation errors, typically.
	Action json.RawMessage `json:"action,omitempty"`
	// Error, when set, asks for the route's nearest error page: the
	// route's loader failed with it.
	Error *renderError `json:"error,omitempty"`
	// NotFound asks for the 404 page of a URL no route matches.
	NotFound bool `json:"notFound,omitempty"`
}

// renderError is the error a 404 or error page is rendered with.
type renderError struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// wantsJSON says whether the request asks for a route's data rather than
// its document: client navigation sends Accept: application/json, or adds
// ?_data to the URL.
func wantsJSON(r *http.Request) bool {
	if r.URL.Query().Has("_data") {
		return true
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}

// captured is a guest's response held back so the host can use it as data.
type captured struct {
	status int
	header http.Header
	body   bytes.Buffer
}

func (c *captured) Header() http.Header { return c.header }
func (c *captured) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(p)
}
func (c *captured) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

// writeTo sends the captured response as it is.
func (c *captured) writeTo(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.WriteHeader(c.status)
	w.Write(c.body.Bytes())
}

// isJSON reports whether the captured body is JSON by its Content-Type.
func (c *captured) isJSON() bool {
	mt, _, _ := mime.ParseMediaType(c.header.Get("Content-Type"))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// pageHandler serves a route that has a page: its document for a browser,
// its loader's JSON for client navigation, its actions for forms. m is the
// route's handler module, or nil for a page without a handler.
func (a *App) pageHandler(rt *routing.Route, m *Module, ps *pageSet) http.Handler {
	var guest http.Handler
	if m != nil {
		guest = a.routeHandler(rt, m)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asJSON := wantsJSON(r)
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			a.pageAction(w, r, rt, guest, ps, asJSON)
		case asJSON && guest != nil:
			w.Header().Set("Vary", "Accept") // the same URL also answers HTML
			guest.ServeHTTP(w, r)
		case asJSON:
			w.Header().Set("Vary", "Accept")
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("null\n"))
		default:
			in := a.newRenderInput(r, rt)
			if guest != nil {
				c := a.load(r, guest)
				switch {
				case c.status >= 300 && c.status < 400:
					c.writeTo(w) // the loader redirects
					return
				case c.status >= 400:
					in.Error = &renderError{Status: c.status, Message: errorMessage(c)}
					in.Data = json.RawMessage("null")
				case !c.isJSON():
					in.Error = &renderError{Status: http.StatusInternalServerError, Message: "the route's loader answered " + c.header.Get("Content-Type") + ", not JSON"}
					a.log.Error("page loader did not answer JSON", "route", rt.Pattern(), "content_type", c.header.Get("Content-Type"))
				default:
					in.Data = c.body.Bytes()
				}
			}
			a.renderPage(w, r, ps, in)
		}
	})
}

// newRenderInput starts the render input of r on route rt.
func (a *App) newRenderInput(r *http.Request, rt *routing.Route) *renderInput {
	in := &renderInput{Route: rt.ID(), URL: r.URL.RequestURI(), Params: map[string]string{}, Data: json.RawMessage("null")}
	for _, v := range rt.Vars(r) {
		in.Params[v.Name] = v.Value
	}
	return in
}

// load runs the route's GET handler for its JSON, as client navigation
// would fetch it, whatever r's method.
func (a *App) load(r *http.Request, guest http.Handler) *captured {
	lr := r.Clone(r.Context())
	lr.Method = http.MethodGet
	lr.Header.Set("Accept", "application/json")
	lr.Body = http.NoBody
	lr.ContentLength = 0
	c := &captured{header: http.Header{}}
	guest.ServeHTTP(c, lr)
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c
}

// pageAction serves a POST, PUT, PATCH or DELETE on a page route: the
// handler's action. With JavaScript (the client runtime asks for JSON) the
// answer goes back as it is. Without, a form post is answered so the browser
// ends on a page: a 2xx becomes a redirect to the page (POST/redirect/GET),
// a 3xx passes, and a 4xx renders the page with the action's answer as
// data, under the same status.
func (a *App) pageAction(w http.ResponseWriter, r *http.Request, rt *routing.Route, guest http.Handler, ps *pageSet, asJSON bool) {
	if guest == nil {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed: this page has no handler for "+r.Method, http.StatusMethodNotAllowed)
		return
	}
	if asJSON {
		guest.ServeHTTP(w, r)
		return
	}
	c := &captured{header: http.Header{}}
	guest.ServeHTTP(c, r)
	if c.status == 0 {
		c.status = http.StatusOK
	}
	switch {
	case c.status < 300:
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusSeeOther)
	case c.status < 400:
		c.writeTo(w)
	case c.status < 500 && c.isJSON() && c.status != http.StatusMethodNotAllowed:
		in := a.newRenderInput(r, rt)
		in.Action = c.body.Bytes()
		if d := a.load(r, guest); d.status < 300 && d.isJSON() { // load makes it a GET
			in.Data = d.body.Bytes()
		}
		a.renderPageStatus(w, r, ps, in, c.status)
	default:
		c.writeTo(w)
	}
}

// errorMessage is the message a failed loader gave: the "error" member of
// a JSON body, or the body's first line.
func errorMessage(c *captured) string {
	if c.isJSON() {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(c.body.Bytes(), &e) == nil && e.Error != "" {
			return e.Error
		}
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(c.body.String()), "\n")
	if msg == "" {
		msg = http.StatusText(c.status)
	}
	return msg
}

// renderPage renders in and answers the document, with the status the
// render gives (200, 404, or the error page's).
func (a *App) renderPage(w http.ResponseWriter, r *http.Request, ps *pageSet, in *renderInput) {
	a.renderPageStatus(w, r, ps, in, 0)
}

// renderPageStatus renders in and answers the document, with status when
// it is not 0 and the render succeeded (a form refused with a 422 shows the
// page again with 422). A render that fails outright (the page threw where
// no error page could catch it, or ran out of time or memory) is answered
// with a plain 500.
func (a *App) renderPageStatus(w http.ResponseWriter, r *http.Request, ps *pageSet, in *renderInput, status int) {
	ps.earlyHints(w, in)
	var res *renderResult
	if ps.assets(in).NoSSR {
		// The page renders in the browser only: an empty root and no
		// state, so the client runtime renders it and fetches its data.
		res = &renderResult{Status: http.StatusOK}
		if in.Error != nil {
			res.Status = in.Error.Status
		}
		w.Header().Set("Server-Timing", `render;dur=0;desc="ssr off"`)
	} else {
		start := time.Now()
		var hit bool
		var err error
		res, hit, err = ps.render(r.Context(), in)
		if err != nil {
			a.log.Error("page render failed", "route", in.Route, "url", in.URL, "err", err)
			http.Error(w, "500 Internal Server Error: "+renderFailure(err), http.StatusInternalServerError)
			return
		}
		if res.Thrown != nil && !hit {
			a.log.Error("page threw; its error page was rendered", "route", in.Route, "url", in.URL,
				"status", res.Status, "error", res.Thrown.Name+": "+res.Thrown.Message, "stack", res.Thrown.Stack)
		}
		desc := "miss"
		if hit {
			desc = "hit"
		}
		w.Header().Set("Server-Timing", fmt.Sprintf("render;dur=%.2f;desc=%s", float64(time.Since(start).Microseconds())/1000, desc))
	}
	if res.Status != http.StatusOK || status == 0 {
		status = res.Status
	}
	doc := ps.document(in, res)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	h.Set("Vary", "Accept")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(doc)
	}
}

// renderFailure is what a person sees of a failed render: the thrown
// error's name and message (the stack goes to the log only).
func renderFailure(err error) string {
	var js *pages.JSError
	switch {
	case errors.As(err, &js):
		if js.Name != "" {
			return js.Name + ": " + js.Message
		}
		return js.Message
	case errors.Is(err, pages.ErrDeadline):
		return "the page took too long to render"
	case errors.Is(err, pages.ErrMemoryLimit):
		return "the page ran out of memory while rendering"
	}
	return "the page could not be rendered"
}

// notFoundPage renders the app's root 404 page for a URL no route matches,
// or falls back to next when the app has no pages.
func (a *App) notFoundPage(ps *pageSet, next http.Handler) http.Handler {
	if ps == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || wantsJSON(r) {
			next.ServeHTTP(w, r)
			return
		}
		in := &renderInput{Route: "", URL: r.URL.RequestURI(), Params: map[string]string{}, Data: json.RawMessage("null"), NotFound: true}
		a.renderPage(w, r, ps, in)
	})
}

// document is the HTML document of a rendered page (spec/pages.md, "The
// document").
func (ps *pageSet) document(in *renderInput, res *renderResult) []byte {
	var b bytes.Buffer
	assets := ps.assets(in, res)
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString(res.Head)
	for _, css := range assets.CSS {
		fmt.Fprintf(&b, "<link rel=\"stylesheet\" href=\"%s\">\n", html.EscapeString(ps.url(css)))
	}
	for _, js := range assets.Preload {
		fmt.Fprintf(&b, "<link rel=\"modulepreload\" href=\"%s\">\n", html.EscapeString(ps.url(js)))
	}
	b.WriteString("</head>\n<body>\n<div id=\"__sandkit_root\">")
	b.WriteString(res.HTML)
	b.WriteString("</div>\n<script type=\"application/json\" id=\"__sandkit_data\">")
	if len(res.State) > 0 {
		json.HTMLEscape(&b, res.State) // no "</script>" can end the element early
	} else {
		b.WriteString("null")
	}
	b.WriteString("</script>\n")
	if ps.manifest.Entry != "" {
		fmt.Fprintf(&b, "<script type=\"module\" src=\"%s\"></script>\n", html.EscapeString(ps.url(ps.manifest.Entry)))
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

// earlyHints sends a 103 with the route's stylesheets and modules, so a
// browser that supports it fetches them while the page renders.
func (ps *pageSet) earlyHints(w http.ResponseWriter, in *renderInput) {
	assets := ps.assets(in)
	if len(assets.CSS) == 0 && len(assets.Preload) == 0 {
		return
	}
	h := w.Header()
	for _, css := range assets.CSS {
		h.Add("Link", "<"+(&url.URL{Path: ps.url(css)}).EscapedPath()+">; rel=preload; as=style")
	}
	for _, js := range assets.Preload {
		h.Add("Link", "<"+(&url.URL{Path: ps.url(js)}).EscapedPath()+">; rel=modulepreload")
	}
	w.WriteHeader(http.StatusEarlyHints)
	h.Del("Link")
}
