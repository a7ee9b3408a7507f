// The snapshot folder's bound: snapshot files are named by what they were
// taken of, so every new bundle version adds one and nothing else removes
// them. The engine keeps the folder under a size, removing the files used
// least recently first (a read refreshes a file's modification time).

package pages

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultSnapshotCacheBytes bounds the snapshot folder of an engine with
// WithCacheDir, unless WithSnapshotCacheBytes says otherwise.
const DefaultSnapshotCacheBytes = 1 << 30

// WithSnapshotCacheBytes bounds the snapshot files kept under the
// WithCacheDir folder to n bytes in all (default
// DefaultSnapshotCacheBytes). When a snapshot written takes the folder
// past n, the files read or written least recently are removed until it
// is under n again; the one just written is kept. A snapshot removed is
// taken again the next time its bundle is loaded (a run, not a load). The
// engine also prunes the folder when it starts. n <= 0 keeps every file.
func WithSnapshotCacheBytes(n int64) Option {
	return func(c *engineConfig) { c.snapBytes = n; c.snapBytesSet = true }
}

// touchSnapshot marks the file of key as used now, for pruneSnapshots.
func (e *Engine) touchSnapshot(key string) {
	now := time.Now()
	_ = os.Chtimes(e.snapshotPath(key), now, now)
}

// pruneSnapshots removes the least recently used snapshot files until the
// folder holds at most e.snapBytes, never the file of keep. It returns how
// many it removed. Files it did not write (other names) are left alone,
// and so are the temporary files of a write in progress.
func (e *Engine) pruneSnapshots(keep string) int {
	if e.snapDir == "" || e.snapBytes <= 0 {
		return 0
	}
	e.pruneMu.Lock()
	defer e.pruneMu.Unlock()
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	keepPath := ""
	if keep != "" {
		keepPath = e.snapshotPath(keep)
	}
	_ = filepath.WalkDir(e.snapDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".snap") {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		total += fi.Size()
		if p != keepPath {
			files = append(files, file{p, fi.Size(), fi.ModTime()})
		}
		return nil
	})
	if total <= e.snapBytes {
		return 0
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	removed, recent := 0, 0
	for _, f := range files {
		if total <= e.snapBytes {
			break
		}
		if err := os.Remove(f.path); err != nil {
			continue
		}
		total -= f.size
		removed++
		if time.Since(f.used) < time.Hour {
			recent++
		}
	}
	switch {
	case recent > 0:
		// The bound is too small for the apps in use: each will evaluate
		// its bundle again at its next load.
		e.log.Warn("pages: snapshot files used in the last hour removed to keep the folder under its bound; raise the bound (snapshot_cache_bytes)", "removed", removed, "used_last_hour", recent, "bytes", total, "bound", e.snapBytes)
	case removed > 0:
		e.log.Info("pages: snapshot files removed to keep the folder under its bound", "removed", removed, "bytes", total, "bound", e.snapBytes)
	}
	return removed
}
