// Rebuild: while serving, build the app's sources again when they change;
// the host then picks up the new build output on its own.

package main

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
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

// watchSources runs build whenever a source under dir/routes (or the app's
// go.mod) changes, until ctx is done. A failed build is logged; the host
// keeps serving the previous output.
func watchSources(ctx context.Context, dir string, log *slog.Logger, build func(context.Context) error) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return err
	}
	routes := filepath.Join(dir, "routes")
	watchTree := func(root string) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				w.Add(p)
			}
			return nil
		})
	}
	watchTree(routes)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() && strings.HasPrefix(ev.Name, routes) {
					watchTree(ev.Name) // a new route folder, perhaps with files already in it
					timer.Reset(rebuildDebounce)
				}
			}
			if isSource(ev.Name) {
				timer.Reset(rebuildDebounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			log.Warn("watching sources", "err", err)
		case <-timer.C:
			if err := build(ctx); err != nil && ctx.Err() == nil {
				log.Error("build failed; the previous version keeps serving", "err", err)
			}
		}
	}
}
