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

// startSourceWatch sets up watches on the app's sources, then runs build
// in the background whenever a source under dir/routes (or the app's
// go.mod, package.json…) changes, until ctx is done. A change made after it
// returns is seen. A failed build is logged; the host keeps serving the
// previous output.
func startSourceWatch(ctx context.Context, dir string, log *slog.Logger, build func(context.Context) error) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
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
	go func() {
		defer w.Close()
		watchSources(ctx, w, routes, watchTree, log, build)
	}()
	return nil
}

// watchSources is the loop of startSourceWatch.
func watchSources(ctx context.Context, w *fsnotify.Watcher, routes string, watchTree func(string), log *slog.Logger, build func(context.Context) error) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
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
				return
			}
			log.Warn("watching sources", "err", err)
		case <-timer.C:
			if err := build(ctx); err != nil && ctx.Err() == nil {
				log.Error("build failed; the previous version keeps serving", "err", err)
			}
		}
	}
}
