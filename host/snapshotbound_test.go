package host

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

// TestSnapshotCacheBytesReachesPages: WithSnapshotCacheBytes bounds the
// snapshot files of the Engine's pages engine (a host of many apps sizes
// it for one file per app; docs/benchmarks.md, "Density"), and without it
// the pages engine's default keeps both files here.
func TestSnapshotCacheBytesReachesPages(t *testing.T) {
	ctx := context.Background()
	const bundle = `globalThis.__sandkit_render = function (input) { return "hi"; };`
	files := func(opts ...EngineOption) int {
		t.Helper()
		dir := t.TempDir()
		e, err := NewEngine(append(opts, WithCacheDir(dir), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))...)
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close(ctx)
		pe, err := e.pagesEngine(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, app := range []string{"a", "b"} {
			r, err := pe.Load(ctx, app, []byte(bundle))
			if err != nil {
				t.Fatal(err)
			}
			r.Close(ctx)
		}
		snaps, _ := filepath.Glob(filepath.Join(dir, "quickjs", "snapshots", "*", "*.snap"))
		return len(snaps)
	}
	if n := files(WithSnapshotCacheBytes(1)); n != 1 {
		t.Errorf("bound of 1 byte: %d snapshot files kept, want 1 (the one just written)", n)
	}
	if n := files(); n != 2 {
		t.Errorf("default bound: %d snapshot files kept, want 2", n)
	}
}
