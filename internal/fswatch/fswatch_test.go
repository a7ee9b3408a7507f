package fswatch_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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
	// relevant runs on Run's goroutine for each event: the test holds it at
	// the gate while it writes a burst, so the burst's events reach Run back
	// to back however slow the machine, and it records what Run saw.
	const debounce = 50 * time.Millisecond
	gate := make(chan struct{})
	var mu sync.Mutex
	var seen []string
	calls := make(chan []string, 16) // what Run saw before each call
	relevant := func(p string) bool {
		<-gate
		mu.Lock()
		seen = append(seen, filepath.Base(p))
		mu.Unlock()
		return strings.HasSuffix(p, ".go")
	}
	onChange := func(context.Context) {
		mu.Lock()
		calls <- seen
		seen = nil
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, debounce, relevant, onChange, func(err error) { t.Error(err) })

	next := func(want ...string) {
		t.Helper()
		select {
		case got := <-calls:
			if !slices.Equal(slices.Compact(got), want) {
				t.Errorf("a call after %q, want after %q", got, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("no call after %q", want)
		}
	}
	// A burst of writes is one call.
	for i := range 5 {
		os.WriteFile(filepath.Join(tree, "a.go"), []byte{byte(i)}, 0o644)
	}
	close(gate)
	next("a.go")
	// Irrelevant files are not changes: no call comes in three debounce
	// periods (the wait is the thing under test; a slow machine can only
	// hide a failure, not make one).
	os.WriteFile(filepath.Join(root, "notes.txt"), nil, 0o644)
	time.Sleep(3 * debounce)
	select {
	case got := <-calls:
		t.Errorf("a call after %q", got)
	default:
	}
	// A new folder in the tree is a change, and watched from then on: by
	// the time of the call, Run has added it.
	os.Mkdir(filepath.Join(tree, "sub"), 0o755)
	next("notes.txt")
	os.WriteFile(filepath.Join(tree, "sub", "b.go"), nil, 0o644)
	next("b.go")
}
