// Package fswatch watches folders with fsnotify and calls back, debounced,
// once their files stop changing: the host reloads an app this way, and the
// CLI rebuilds its sources.
package fswatch

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watcher watches some folders, and some trees: a folder with every folder
// below it, including folders created later.
type Watcher struct {
	w     *fsnotify.Watcher
	trees []string
	skip  func(dir string) bool
}

// New watches each folder of dirs and each tree of trees. The watches are
// in place when it returns: a change made after that is seen.
func New(dirs, trees []string) (*Watcher, error) {
	return NewSkipping(dirs, trees, nil)
}

// NewSkipping is New, except that folders inside a tree for which skip
// reports true (node_modules, build output) are not watched, nor anything
// below them. A nil skip skips nothing.
func NewSkipping(dirs, trees []string, skip func(dir string) bool) (*Watcher, error) {
	if skip == nil {
		skip = func(string) bool { return false }
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if err := w.Add(d); err != nil {
			w.Close()
			return nil, err
		}
	}
	for _, t := range trees {
		if err := addTree(w, t, skip); err != nil {
			w.Close()
			return nil, err
		}
	}
	return &Watcher{w: w, trees: trees, skip: skip}, nil
}

// Run calls onChange once no relevant change has come for debounce, until
// ctx is done; then it closes the watcher. A change is relevant if relevant
// accepts its path, or if it creates a folder inside a tree (the folder is
// watched from then on). onChange runs on Run's goroutine, so changes that
// come meanwhile lead to one more call after it. Errors of the watcher go to
// onError.
func (w *Watcher) Run(ctx context.Context, debounce time.Duration, relevant func(path string) bool, onChange func(context.Context), onError func(error)) {
	defer w.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) && w.inTree(ev.Name) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					if w.skip(ev.Name) {
						continue
					}
					addTree(w.w, ev.Name, w.skip) // perhaps with files already in it
					timer.Reset(debounce)
					continue
				}
			}
			if relevant(ev.Name) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.w.Errors:
			if !ok {
				return
			}
			onError(err)
		case <-timer.C:
			onChange(ctx)
		}
	}
}

func (w *Watcher) inTree(p string) bool {
	for _, t := range w.trees {
		if p == t || strings.HasPrefix(p, t+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// addTree watches dir and every folder below it but those skip names.
func addTree(w *fsnotify.Watcher, dir string, skip func(string) bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && skip(p) {
				return fs.SkipDir
			}
			return w.Add(p)
		}
		return nil
	})
}
