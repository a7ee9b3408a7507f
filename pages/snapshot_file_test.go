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
