// Dev reload: what "sandkit dev" adds to the app it serves. Every HTML
// document gets a small script that listens on an EventSource endpoint: it
// reloads the page when a new build is published and shows the current
// build, type, migration and render errors as an overlay. Only in dev.

package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"sandkit.dev/sandkit/internal/capture"
)

// Dev endpoints, under the prefix the host keeps for itself.
const (
	devEventsPath = "/_sandkit/dev/events"
	devClientPath = "/_sandkit/dev/client.js"
)

//go:embed devclient.js
var devClientJS []byte

// devProblem is one error the overlay shows.
type devProblem struct {
	Kind    string `json:"kind"`    // "build", "types", "migrations", "load", "reload", "render"
	Message string `json:"message"` // as printed in the terminal: file:line:col: text
}

// devState is what the browser is told: the published build, and the
// problems of the latest attempt (none when it went live).
type devState struct {
	Build    string       `json:"build"`
	Problems []devProblem `json:"problems"`
}

// devHub holds the dev state and tells every open page when it changes.
type devHub struct {
	mu      sync.Mutex
	session string // differs between runs of sandkit dev
	seq     int
	build   []devProblem // problems of the latest build attempt
	subs    map[chan struct{}]bool
}

func newDevHub(session string) *devHub {
	return &devHub{session: session, subs: map[chan struct{}]bool{}}
}

func (h *devHub) stateLocked() devState {
	s := devState{Build: h.session + "-" + strconv.Itoa(h.seq), Problems: []devProblem{}}
	s.Problems = append(s.Problems, h.build...)
	return s
}

func (h *devHub) state() devState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stateLocked()
}

func (h *devHub) notifyLocked() {
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// published records a new build gone live: pages reload, problems clear.
func (h *devHub) published() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	h.build = nil
	h.notifyLocked()
}

// failed records the problems of a build attempt; the published build
// keeps serving.
func (h *devHub) failed(ps []devProblem) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.build = ps
	h.notifyLocked()
}

// serveEvents streams the state as Server-Sent Events: one "state" event
// at once and one after each change, until the client leaves or ctx (the
// dev server's life) ends.
func (h *devHub) serveEvents(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[c] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	for {
		b, _ := json.Marshal(h.state())
		if _, err := fmt.Fprintf(w, "event: state\ndata: %s\n\n", b); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-c:
		case <-r.Context().Done():
			return
		case <-ctx.Done():
			return
		}
	}
}

// wantsHTML reports whether r is a browser asking for a document (a HEAD
// is answered as the app answers it: it has no body to add to).
func wantsHTML(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// serveWithDevScript serves r with next and, when the answer is an HTML
// document, adds the dev script to it; a plain-text server error (a page
// whose render failed) becomes a document too. The errors its render
// logged (renderErrs) go with a document that failed, for the overlay.
func serveWithDevScript(w http.ResponseWriter, r *http.Request, next http.Handler, build string, renderErrs func(uri string) []devProblem) {
	if !wantsHTML(r) {
		next.ServeHTTP(w, r)
		return
	}
	d := capture.Serve(next, r)
	body := d.Body.Bytes()
	ct := d.Header().Get("Content-Type")
	var problems []devProblem
	if d.Status >= 500 {
		problems = renderErrs(r.URL.RequestURI())
	}
	switch {
	case strings.HasPrefix(ct, "text/html"):
		body = injectDevScript(body, build, problems)
	case d.Status >= 500 && strings.HasPrefix(ct, "text/plain"):
		body = devErrorDocument(string(body), build, problems)
		d.Header().Set("Content-Type", "text/html; charset=utf-8")
		d.Header().Del("X-Content-Type-Options")
	}
	for k, v := range d.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.Status)
	w.Write(body)
}

// devScriptTag is the tag added to every document, after the errors of
// its render, if any.
func devScriptTag(build string, problems []devProblem) string {
	s := ""
	if len(problems) > 0 {
		var b bytes.Buffer
		j, _ := json.Marshal(problems)
		json.HTMLEscape(&b, j)
		s = `<script type="application/json" id="sandkit-dev-render">` + b.String() + `</script>`
	}
	return s + `<script src="` + devClientPath + `" data-build="` + html.EscapeString(build) + `"></script>`
}

// injectDevScript puts the dev script at the end of the document's head
// (or at its start, for a document without one).
func injectDevScript(doc []byte, build string, problems []devProblem) []byte {
	tag := devScriptTag(build, problems)
	if i := bytes.Index(doc, []byte("</head>")); i >= 0 {
		return append(append(append([]byte{}, doc[:i]...), tag...), doc[i:]...)
	}
	return append([]byte(tag), doc...)
}

// devErrorDocument is the document shown when there is no page to show:
// the app has not built yet, or a render failed outright.
func devErrorDocument(msg, build string, problems []devProblem) []byte {
	return []byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sandkit dev</title>\n" +
		devScriptTag(build, problems) + "\n</head>\n<body>\n<pre id=\"sandkit-dev-message\">" + html.EscapeString(msg) + "</pre>\n</body>\n</html>\n")
}
