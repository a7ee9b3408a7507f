// Dev log: the render errors the host logs while serving are shown in the
// browser's overlay as well.

package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
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
		// The stack, mapped to the app's sources, in the terminal and the
		// overlay alike.
		var b strings.Builder
		b.WriteString(r.Message)
		uri := ""
		mapped := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "url":
				uri = a.Value.String()
			case "err", "error", "stack":
				a = slog.String(a.Key, h.d.stacks.mapStack(a.Value.String(), h.bundle()))
			}
			mapped.AddAttrs(a)
			fmt.Fprintf(&b, "\n%s: %s", a.Key, a.Value.String())
			return true
		})
		r = mapped
		h.d.renderFailed(uri, devProblem{Kind: "render", Message: b.String()})
	}
	return h.Handler.Handle(ctx, r)
}

// bundle is the name QuickJS gives the server bundle in stacks: the app's.
// It is read without d.mu: a render logs while its request holds it.
func (h *devLogHandler) bundle() string {
	if n, ok := h.d.appName.Load().(string); ok {
		return n
	}
	return filepath.Base(h.d.dir)
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
