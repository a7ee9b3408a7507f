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
		r.Attrs(func(a slog.Attr) bool {
			fmt.Fprintf(&b, "\n%s: %s", a.Key, a.Value.String())
			return true
		})
		h.d.hub.renderFailed(devProblem{Kind: "render", Message: b.String()})
	}
	return h.Handler.Handle(ctx, r)
}

func (h *devLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &devLogHandler{Handler: h.Handler.WithAttrs(attrs), d: h.d}
}

func (h *devLogHandler) WithGroup(name string) slog.Handler {
	return &devLogHandler{Handler: h.Handler.WithGroup(name), d: h.d}
}
