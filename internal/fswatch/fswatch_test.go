package fswatch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/internal/fswatch"
)

func TestRunDebouncesAndFollowsNewFolders(t *testing.T) {
	root := t.TempDir()
	tree := filepath.Join(root, "tree")
	os.MkdirAll(tree, 0o755)
	w, err := fswatch.New([]string{root}, []string{tree})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, 50*time.Millisecond, func(p string) bool { return strings.HasSuffix(p, ".go") },
		func(context.Context) { calls.Add(1) }, func(err error) { t.Error(err) })

	wait := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for calls.Load() < want {
			if time.Now().After(deadline) {
				t.Fatalf("%d calls, want %d", calls.Load(), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// A burst of writes is one call.
	for i := range 5 {
		os.WriteFile(filepath.Join(tree, "a.go"), []byte{byte(i)}, 0o644)
	}
	wait(1)
	time.Sleep(150 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("%d calls for one burst", n)
	}
	// Irrelevant files are not changes.
	os.WriteFile(filepath.Join(root, "notes.txt"), nil, 0o644)
	time.Sleep(150 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("an irrelevant file made %d calls", n)
	}
	// A new folder in the tree is a change, and watched from then on.
	sub := filepath.Join(tree, "sub")
	os.Mkdir(sub, 0o755)
	wait(2)
	time.Sleep(100 * time.Millisecond)
	os.WriteFile(filepath.Join(sub, "b.go"), nil, 0o644)
	wait(3)
}
