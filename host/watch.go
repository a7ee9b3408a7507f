// Watch: reload an app when files under routes/ or its compiled handlers
// change, debounced so a burst of writes is one reload.

package host

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce is how long Watch waits after the last change before reloading.
const Debounce = 150 * time.Millisecond

// Watch reloads the app whenever a file under routes/, .sandkit/build/ or
// .sandkit/build/pages/ changes, until ctx is done. Errors of a reload are
// logged, and the previous version keeps serving.
func (a *App) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	build := filepath.Join(a.dir, ".sandkit", "build")
	// The build output: the app module in build/, the pages' manifest (written
	// last) in build/pages/.
	for _, d := range []string{build, filepath.Join(a.dir, PagesDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := w.Add(d); err != nil {
			return err
		}
	}
	if err := addTree(w, filepath.Join(a.dir, "routes")); err != nil {
		return err
	}
	var timer *time.Timer
	fire := make(chan struct{}, 1)
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					addTree(w, ev.Name) // a new route folder
				}
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") && !strings.HasPrefix(ev.Name, build) {
				continue // editor swap files and the like
			}
			if timer == nil {
				timer = time.AfterFunc(Debounce, func() { fire <- struct{}{} })
			} else {
				timer.Reset(Debounce)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			a.log.Warn("watching routes", "err", err)
		case <-fire:
			if err := a.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.log.Error("reload failed; the previous version keeps serving", "err", err)
			}
		}
	}
}

// addTree watches dir and every folder below it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.Add(p)
		}
		return nil
	})
}
