package pages

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// bornBundle remembers when it was evaluated.
const bornBundle = `
var born = String(Date.now());
globalThis.__sandkit_render = function (input) { return born; };`

// TestSnapshotOnDisk: a bundle loaded again, by a new engine over the same
// cache folder, starts from the snapshot written the first time instead of
// being evaluated again; another app's name gets its own snapshot; a
// damaged file is not used, and is written again.
func TestSnapshotOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	render := func(name string) string {
		t.Helper()
		// A new millisecond, so an evaluation could not give the same born.
		for start := time.Now().UnixMilli(); time.Now().UnixMilli() == start; {
		}
		e, err := NewEngine(ctx, WithCacheDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close(ctx)
		r, err := e.Load(ctx, name, []byte(bornBundle))
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Render(ctx, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	files := func() []string {
		f, _ := filepath.Glob(filepath.Join(dir, "snapshots", "*", "*.snap"))
		return f
	}

	first := render("a.js")
	if len(files()) != 1 {
		t.Fatalf("snapshot files after one load: %v", files())
	}
	if again := render("a.js"); again != first {
		t.Errorf("loaded again: born %s, first %s: the bundle was evaluated again", again, first)
	}
	if other := render("b.js"); other == first || len(files()) != 2 {
		t.Errorf("another app: born %s (first %s), %d files: it must not share a's snapshot", other, first, len(files()))
	}
	e, err := NewEngine(ctx, WithCacheDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	path := e.snapshotPath(e.snapshotKey("a.js", []byte(bornBundle), loadConfig{}))
	e.Close(ctx)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := render("a.js")
	if damaged == first {
		t.Errorf("a damaged snapshot was used")
	}
	if again := render("a.js"); again != damaged {
		t.Errorf("the damaged snapshot was not written again: born %s, then %s", damaged, again)
	}
}

// TestTrimDropsSnapshotKeptOnDisk: a renderer trimmed to no instance drops
// its snapshot from memory and reads it back at the next render; if the
// file is gone by then, it evaluates the bundle and writes it again.
func TestTrimDropsSnapshotKeptOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e, err := NewEngine(ctx, WithCacheDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	r, err := e.Load(ctx, "trim.js", []byte(bornBundle))
	if err != nil {
		t.Fatal(err)
	}
	render := func() string {
		t.Helper()
		out, err := r.Render(ctx, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	held := func() bool {
		r.snapMu.Lock()
		defer r.snapMu.Unlock()
		return r.snap != nil
	}
	first := render()
	if n := r.Trim(ctx, 0); n != 1 || held() {
		t.Fatalf("Trim closed %d instances, snapshot still held: %v", n, held())
	}
	if again := render(); again != first || !held() {
		t.Errorf("after a trim: born %s, first %s (held %v)", again, first, held())
	}
	path := e.snapshotPath(r.diskKey)
	r.Trim(ctx, 0)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	for start := time.Now().UnixMilli(); time.Now().UnixMilli() == start; {
	}
	retaken := render()
	if retaken == first {
		t.Errorf("the snapshot file was gone, yet born is the first's")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the snapshot was not written again: %v", err)
	}
	if again := render(); again != retaken {
		t.Errorf("renders after the retake differ: %s, %s", retaken, again)
	}
}

// TestSnapshotFolderBounded: the snapshot folder stays under
// WithSnapshotCacheBytes, the files used least recently removed first (a
// snapshot read counts as a use), the one just written kept; a bundle
// whose snapshot was removed loads all the same (evaluated, written again).
func TestSnapshotFolderBounded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	snaps := filepath.Join(dir, "snapshots")
	files := func() map[string]int64 {
		out := map[string]int64{}
		filepath.WalkDir(snaps, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				fi, _ := d.Info()
				out[p] = fi.Size()
			}
			return nil
		})
		return out
	}
	load := func(e *Engine, name string) {
		t.Helper()
		r, err := e.Load(ctx, name, []byte(bornBundle))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Render(ctx, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		r.Close(ctx)
	}
	// One snapshot's size, with no bound.
	e, err := NewEngine(ctx, WithCacheDir(dir), WithSnapshotCacheBytes(0))
	if err != nil {
		t.Fatal(err)
	}
	load(e, "a.js")
	var size int64
	for _, s := range files() {
		size = s
	}
	if size == 0 {
		t.Fatalf("no snapshot written: %v", files())
	}
	pathOf := func(name string) string { return e.snapshotPath(e.snapshotKey(name, []byte(bornBundle), loadConfig{})) }
	e.Close(ctx)

	// Room for two files and a half.
	bound := 2*size + size/2
	e, err = NewEngine(ctx, WithCacheDir(dir), WithSnapshotCacheBytes(bound))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	load(e, "b.js")
	if len(files()) != 2 {
		t.Fatalf("under the bound, files were removed: %v", files())
	}
	// Make the order unambiguous whatever the clock's resolution: a was
	// written first, b second; loading a again reads (uses) it.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(pathOf("a.js"), old, old)
	os.Chtimes(pathOf("b.js"), old.Add(time.Minute), old.Add(time.Minute))
	load(e, "a.js") // read from disk: now the most recently used
	load(e, "c.js") // a third file: past the bound, b goes
	got := files()
	if _, ok := got[pathOf("b.js")]; ok || len(got) != 2 {
		t.Errorf("after a third snapshot: %v, want a's and c's (b used least recently)", got)
	}
	for _, n := range []string{"a.js", "c.js"} {
		if _, ok := got[pathOf(n)]; !ok {
			t.Errorf("%s's snapshot was removed: %v", n, got)
		}
	}
	var total int64
	for _, s := range got {
		total += s
	}
	if total > bound {
		t.Errorf("folder holds %d bytes, bound %d", total, bound)
	}
	// b loads again: evaluated, its snapshot written again.
	load(e, "b.js")
	if _, ok := files()[pathOf("b.js")]; !ok {
		t.Errorf("b's snapshot was not written again: %v", files())
	}

	// A smaller bound prunes the folder when an engine starts.
	e2, err := NewEngine(ctx, WithCacheDir(dir), WithSnapshotCacheBytes(size))
	if err != nil {
		t.Fatal(err)
	}
	e2.Close(ctx)
	if n := len(files()); n != 1 {
		t.Errorf("an engine started with room for one file left %d: %v", n, files())
	}
}
