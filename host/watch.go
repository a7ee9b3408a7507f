// Watch: reload an app when files under routes/ or its build output
// change, debounced so a burst of writes is one reload.

package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sandkit.dev/sandkit/internal/fswatch"
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
	a.watch(ctx, w)
	return nil
}

// StartWatch sets up the watches of Watch, then watches in the background
// until ctx is done: a change made after StartWatch returns is seen.
func (a *App) StartWatch(ctx context.Context) error {
	w, err := a.newWatcher()
	if err != nil {
		return err
	}
	go a.watch(ctx, w)
	return nil
}

func (a *App) newWatcher() (*fswatch.Watcher, error) {
	// The build output: the app module in build/, the pages' manifest
	// (written last) in build/pages/.
	build := []string{filepath.Join(a.dir, ".sandkit", "build"), filepath.Join(a.dir, PagesDir)}
	for _, d := range build {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	return fswatch.New(build, []string{filepath.Join(a.dir, "routes")})
}

func (a *App) watch(ctx context.Context, w *fswatch.Watcher) {
	build := filepath.Join(a.dir, ".sandkit", "build")
	relevant := func(p string) bool {
		// Not editor swap files and the like; the build writes dot files on
		// purpose (temporary names renamed into place).
		return !strings.HasPrefix(filepath.Base(p), ".") || strings.HasPrefix(p, build)
	}
	w.Run(ctx, Debounce, relevant, func(ctx context.Context) {
		if err := a.Reload(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("reload failed; the previous version keeps serving", "err", err)
		}
	}, func(err error) { a.log.Warn("watching routes", "err", err) })
}
