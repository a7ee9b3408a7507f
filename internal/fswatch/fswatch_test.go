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

// Folders skip names are not watched, at start or when created later;
// their siblings are.
func TestSkippedFolders(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "node_modules", "react"), 0o755)
	skip := func(p string) bool { return filepath.Base(p) == "node_modules" || filepath.Base(p) == "data" }
	w, err := fswatch.NewSkipping(nil, []string{root}, skip)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 64)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx, time.Millisecond, func(p string) bool { seen <- p; return false },
		func(context.Context) {}, func(err error) { t.Error(err) })
	// Events come in order: a write in a skipped folder, then a created
	// skipped folder and a write in it, then a marker file. The marker is
	// the first event seen if the skipped ones were not watched.
	os.WriteFile(filepath.Join(root, "node_modules", "react", "index.js"), nil, 0o644)
	os.Mkdir(filepath.Join(root, "data"), 0o755)
	waitFor := func(want string) {
		t.Helper()
		for {
			select {
			case p := <-seen:
				if strings.Contains(p, "node_modules") || strings.Contains(p, filepath.Join("data", "")+string(filepath.Separator)) {
					t.Errorf("an event in a skipped folder: %s", p)
				}
				if p == want {
					return
				}
			case <-time.After(time.Minute):
				t.Fatalf("no event for %s", want)
			}
		}
	}
	// The data folder's own creation is an event of root; once it is in
	// (Run has decided not to watch it), a write inside must not be seen.
	os.WriteFile(filepath.Join(root, "data", "app.db"), nil, 0o644)
	os.WriteFile(filepath.Join(root, "marker.go"), nil, 0o644)
	waitFor(filepath.Join(root, "marker.go"))
}
