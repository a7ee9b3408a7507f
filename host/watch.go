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
// logged, and the previous version keeps serving. Changes made before Watch
// has set up its watches may be missed; StartWatch returns once they are.
func (a *App) Watch(ctx context.Context) error {
	w, err := a.newWatcher()
	if err != nil {
		return err
	}
	return a.watch(ctx, w)
}

// StartWatch sets up the watches of Watch, then watches in the background
// until ctx is done: a change made after StartWatch returns is seen.
func (a *App) StartWatch(ctx context.Context) error {
	w, err := a.newWatcher()
	if err != nil {
		return err
	}
	go func() {
		if err := a.watch(ctx, w); err != nil {
			a.log.Error("watching routes stopped", "err", err)
		}
	}()
	return nil
}

func (a *App) newWatcher() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	// The build output: the app module in build/, the pages' manifest (written
	// last) in build/pages/.
	for _, d := range []string{filepath.Join(a.dir, ".sandkit", "build"), filepath.Join(a.dir, PagesDir)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			w.Close()
			return nil, err
		}
		if err := w.Add(d); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := addTree(w, filepath.Join(a.dir, "routes")); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (a *App) watch(ctx context.Context, w *fsnotify.Watcher) error {
	defer w.Close()
	build := filepath.Join(a.dir, ".sandkit", "build")
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
