// Rebuild: while serving, build the app's sources again when they change;
// the host then picks up the new build output on its own.

package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"sandkit.dev/sandkit/internal/fswatch"
)

// rebuildDebounce is how long after the last source change a build starts.
const rebuildDebounce = 200 * time.Millisecond

// isSource reports whether a change to path calls for a build: Go,
// TypeScript, JavaScript and CSS files, go.mod/go.sum and the npm lock,
// not editor swap files.
func isSource(path string) bool {
	base := filepath.Base(path)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") {
		return false
	}
	switch filepath.Ext(base) {
	case ".go", ".tsx", ".ts", ".jsx", ".js", ".mjs", ".css", ".json":
		return true
	}
	return base == "go.mod" || base == "go.sum"
}

// startSourceWatch sets up watches on the app's sources, then runs build
// in the background whenever a source under dir/routes (or the app's
// go.mod, package.json…) changes, until ctx is done. A change made after it
// returns is seen. A failed build is logged; the host keeps serving the
// previous output.
func startSourceWatch(ctx context.Context, dir string, log *slog.Logger, build func(context.Context) error) error {
	w, err := fswatch.New([]string{dir}, []string{filepath.Join(dir, "routes")})
	if err != nil {
		return err
	}
	go w.Run(ctx, rebuildDebounce, isSource, func(ctx context.Context) {
		if err := build(ctx); err != nil && ctx.Err() == nil {
			log.Error("build failed; the previous version keeps serving", "err", err)
		}
	}, func(err error) { log.Warn("watching sources", "err", err) })
	return nil
}
