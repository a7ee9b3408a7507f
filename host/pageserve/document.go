// The HTML document of a rendered page, and the 103 Early Hints sent
// before it is rendered (spec/pages.md, "The document").

package pageserve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"time"

	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/pages"
)

// serveDocument renders in and answers the document, with status when it
// is not 0 and the render succeeded (a form refused with a 422 shows the
// page again with 422), else the status the render gives (200, 404, or
// the error page's). A render that fails outright (the page threw where no
// error page could catch it, or ran out of time or memory) is answered
// with a plain 500.
func (s *Set) serveDocument(w http.ResponseWriter, r *http.Request, in *pages.Input, status int) {
	s.earlyHints(w, in)
	var res *renderResult
	if s.assets(in).NoSSR {
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
		res, hit, err = s.render(r.Context(), in)
		if err != nil && in.NotFound && s.manifest.NotFound[""] == nil {
			// Nested 404 pages only, none for this URL: the built-in page.
			httperr.Page(w, r, http.StatusNotFound, notFoundMessage(r))
			return
		}
		if err != nil {
			s.log.Error("page render failed", "route", in.Route, "url", in.URL, "err", err)
			httperr.Page(w, r, http.StatusInternalServerError, renderFailure(err))
			return
		}
		if res.Thrown != nil && !hit {
			s.log.Error("page threw; its error page was rendered", "route", in.Route, "url", in.URL,
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
	httperr.HTML(w, r, status, s.document(in, res))
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

// document is the HTML document of a rendered page.
func (s *Set) document(in *pages.Input, res *renderResult) []byte {
	var b bytes.Buffer
	assets := s.assets(in, res)
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString(res.Head)
	for _, css := range assets.CSS {
		fmt.Fprintf(&b, "<link rel=\"stylesheet\" href=\"%s\">\n", html.EscapeString(s.url(in, css)))
	}
	for _, js := range assets.Preload {
		fmt.Fprintf(&b, "<link rel=\"modulepreload\" href=\"%s\">\n", html.EscapeString(s.url(in, js)))
	}
	b.WriteString("</head>\n<body>\n<div id=\"__sandkit_root\">")
	b.WriteString(res.HTML)
	b.WriteString("</div>\n<script type=\"application/json\" id=\"__sandkit_data\"")
	if in.Basename != "" {
		// Where the host mounts the app: the client runtime's router
		// basename (spec/pages.md, "The document").
		fmt.Fprintf(&b, " data-basename=\"%s\"", html.EscapeString(in.Basename))
	}
	b.WriteString(">")
	if len(res.State) > 0 {
		json.HTMLEscape(&b, res.State) // no "</script>" can end the element early
	} else {
		b.WriteString("null")
	}
	b.WriteString("</script>\n")
	if s.manifest.Entry != "" {
		fmt.Fprintf(&b, "<script type=\"module\" src=\"%s\"></script>\n", html.EscapeString(s.url(in, s.manifest.Entry)))
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes()
}

// earlyHints sends a 103 with the route's stylesheets and modules, so a
// browser that supports it fetches them while the page renders.
func (s *Set) earlyHints(w http.ResponseWriter, in *pages.Input) {
	assets := s.assets(in)
	if len(assets.CSS) == 0 && len(assets.Preload) == 0 {
		return
	}
	h := w.Header()
	for _, css := range assets.CSS {
		h.Add("Link", "<"+(&url.URL{Path: s.url(in, css)}).EscapedPath()+">; rel=preload; as=style")
	}
	for _, js := range assets.Preload {
		h.Add("Link", "<"+(&url.URL{Path: s.url(in, js)}).EscapedPath()+">; rel=modulepreload")
	}
	// The loaders' cookies (addCookies) go with the final answer only: a
	// 103 carries hints, and a proxy could act on a Set-Cookie in it.
	cookies := h["Set-Cookie"]
	delete(h, "Set-Cookie")
	w.WriteHeader(http.StatusEarlyHints)
	h.Del("Link")
	if cookies != nil {
		h["Set-Cookie"] = cookies
	}
}
