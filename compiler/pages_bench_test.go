package compiler

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkBuildPages measures the example's production build: cold (no
// earlier output, every iteration a fresh copy), after editing one page
// (the cache misses, files are in the OS cache), and cached (nothing
// changed: the key is hashed, esbuild does not run).
func BenchmarkBuildPages(b *testing.B) {
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			app := copyPagesApp(b)
			b.StartTimer()
			if _, err := BuildPages(ctx, app, PagesOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("edit", func(b *testing.B) {
		app := copyPagesApp(b)
		page := filepath.Join(app, "routes", "page.tsx")
		src, _ := os.ReadFile(page)
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			os.WriteFile(page, append(src, []byte("\n// edit "+itoa(n)+"\n")...), 0o644)
			b.StartTimer()
			res, err := BuildPages(ctx, app, PagesOptions{})
			if err != nil || res.Cached {
				b.Fatal(err, res.Cached)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		app := copyPagesApp(b)
		if _, err := BuildPages(ctx, app, PagesOptions{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			res, err := BuildPages(ctx, app, PagesOptions{})
			if err != nil || !res.Cached {
				b.Fatal(err)
			}
		}
	})
}
