// Changes of a bundle directory: file system events on the directory and
// on each app's folder, and a slow re-read in case an event was missed,
// turned into the names of apps whose active version may have changed.

package registry

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/internal/fswatch"
)

// changeDebounce is how long the directory must be quiet before the events
// of a burst (a version renamed in, then active replaced) are delivered.
const changeDebounce = 100 * time.Millisecond

// Changes delivers the name of an app whose active version may have
// changed: a folder that appeared or went away, an active file replaced, a
// plain artifact written again. The watches are in place when it returns.
// Every delivery is a hint to call Apps again; the channel is closed when
// ctx is done.
func (d *Dir) Changes(ctx context.Context) (<-chan string, error) {
	w, err := fswatch.NewSkipping(nil, []string{d.dir}, d.unwatched)
	if err != nil {
		return nil, fmt.Errorf("registry %s: watch: %w", d.dir, err)
	}
	c := &changeFeed{d: d, ch: make(chan string, 64), last: d.snapshot(ctx), hinted: map[string]bool{}}
	var wg sync.WaitGroup
	wg.Go(func() {
		w.Run(ctx, changeDebounce, c.relevant, c.flush, func(err error) {
			d.log.Warn("registry: watching the directory", "dir", d.dir, "err", err)
			c.flush(ctx) // perhaps events were lost: compare with the directory
		})
	})
	if d.poll > 0 {
		wg.Go(func() {
			t := time.NewTicker(d.poll)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					c.flush(ctx)
				}
			}
		})
	}
	go func() {
		wg.Wait()
		close(c.ch)
	}()
	return c.ch, nil
}

// unwatched reports whether a folder below the directory is left out of
// the watch: the watch covers the directory and each app's folder, not
// what is inside versions or data, nor dot folders (.sandkit's staging).
func (d *Dir) unwatched(dir string) bool {
	rel, err := filepath.Rel(d.dir, dir)
	return err != nil || strings.ContainsRune(rel, filepath.Separator) || strings.HasPrefix(rel, ".")
}

// changeFeed is one Changes call's state.
type changeFeed struct {
	d  *Dir
	ch chan string

	mu     sync.Mutex
	last   map[string]string // app → what its active version was, at the last flush
	hinted map[string]bool   // apps events named since the last flush
}

// relevant notes the app an event names, if it may change what is
// active: the app's folder itself, its active file or its manifest.
func (c *changeFeed) relevant(p string) bool {
	rel, err := filepath.Rel(c.d.dir, p)
	if err != nil {
		return false
	}
	parts := strings.Split(rel, string(filepath.Separator))
	if !NameRE.MatchString(parts[0]) {
		return false
	}
	if len(parts) > 2 || len(parts) == 2 && parts[1] != activeFile && parts[1] != artifact.ManifestFile {
		return false
	}
	c.mu.Lock()
	c.hinted[parts[0]] = true
	c.mu.Unlock()
	return true
}

// flush delivers the apps events named and those whose state differs from
// the last flush's, in name order.
func (c *changeFeed) flush(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.d.snapshot(ctx)
	names := c.hinted
	c.hinted = map[string]bool{}
	for app, s := range now {
		if c.last[app] != s {
			names[app] = true
		}
	}
	for app := range c.last {
		if _, ok := now[app]; !ok {
			names[app] = true
		}
	}
	c.last = now
	for _, app := range slices.Sorted(maps.Keys(names)) {
		select {
		case c.ch <- app:
		case <-ctx.Done():
			return
		}
	}
}

// snapshot is, for each app with an active version, a string that changes
// when that version does: the version's name, and for a plain artifact the
// time and size of its manifest.
func (d *Dir) snapshot(ctx context.Context) map[string]string {
	apps, _ := d.Apps(ctx)
	m := map[string]string{}
	for _, a := range apps {
		s := a.Active
		if a.Active == ArtifactVersion {
			if fi, err := os.Stat(filepath.Join(d.appDir(a.Name), artifact.ManifestFile)); err == nil {
				s += " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10) + " " + strconv.FormatInt(fi.Size(), 10)
			}
		}
		m[a.Name] = s
	}
	return m
}
