// Dev log: the render errors the host logs while serving are shown in the
// browser's overlay as well.

package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// devLogHandler passes every record on, and turns the host's records of a
// failed page render into overlay problems.
type devLogHandler struct {
	slog.Handler
	d *devServer
}

func (h *devLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "page render failed") || strings.HasPrefix(r.Message, "page threw") {
		var b strings.Builder
		b.WriteString(r.Message)
		uri := ""
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "url" {
				uri = a.Value.String()
			}
			fmt.Fprintf(&b, "\n%s: %s", a.Key, a.Value.String())
			return true
		})
		h.d.renderFailed(uri, devProblem{Kind: "render", Message: b.String()})
	}
	return h.Handler.Handle(ctx, r)
}

// maxRenderErrs bounds the render errors kept for answers not yet sent.
const maxRenderErrs = 64

// renderFailed keeps a render error for the answer to uri.
func (d *devServer) renderFailed(uri string, p devProblem) {
	d.renderMu.Lock()
	defer d.renderMu.Unlock()
	if d.renderErrs == nil || len(d.renderErrs) >= maxRenderErrs {
		d.renderErrs = map[string][]devProblem{}
	}
	d.renderErrs[uri] = append(d.renderErrs[uri], p)
}

// takeRenderErrs returns and forgets the render errors of uri.
func (d *devServer) takeRenderErrs(uri string) []devProblem {
	d.renderMu.Lock()
	defer d.renderMu.Unlock()
	ps := d.renderErrs[uri]
	delete(d.renderErrs, uri)
	return ps
}

func (h *devLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &devLogHandler{Handler: h.Handler.WithAttrs(attrs), d: h.d}
}

func (h *devLogHandler) WithGroup(name string) slog.Handler {
	return &devLogHandler{Handler: h.Handler.WithGroup(name), d: h.d}
}
