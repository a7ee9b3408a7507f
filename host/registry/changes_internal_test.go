// The re-read behind Changes' poll: what it finds without any event.

package registry

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFlushFindsChangesWithoutEvents(t *testing.T) {
	ctx := context.Background()
	d, err := OpenDir(t.TempDir(), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	c := &changeFeed{d: d, ch: make(chan string, 8), last: d.snapshot(ctx), hinted: map[string]bool{}}
	flush := func(want ...string) {
		t.Helper()
		c.flush(ctx)
		var got []string
		for len(c.ch) > 0 {
			got = append(got, <-c.ch)
		}
		if !slices.Equal(got, want) {
			t.Errorf("flush delivered %q, want %q", got, want)
		}
	}
	shop := filepath.Join(d.Path(), "shop")
	for _, v := range []string{"v1", "v2"} {
		os.MkdirAll(filepath.Join(shop, "versions", v), 0o755)
	}
	flush() // versions, none active: nothing served changed
	os.WriteFile(filepath.Join(shop, "active"), []byte("v1\n"), 0o644)
	flush("shop")
	flush()
	os.WriteFile(filepath.Join(shop, "active"), []byte("v2\n"), 0o644)
	os.MkdirAll(filepath.Join(d.Path(), "blog"), 0o755)
	os.WriteFile(filepath.Join(d.Path(), "blog", "sandkit-artifact.json"), []byte("{}"), 0o644)
	flush("blog", "shop")
	os.RemoveAll(filepath.Join(shop, "versions", "v2")) // the active version went away
	flush("shop")
	c.hinted["blog"] = true // an event named it
	flush("blog")
}
