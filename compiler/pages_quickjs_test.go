package compiler

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sandkit.dev/sandkit/pages"
)

// The SSR engine (QuickJS in wasm) renders the server bundle to the same
// bytes as Node: the golden files under testdata/pages/render (but for the
// stack of a thrown error, which names each engine's frames).
func TestPagesServerBundleInQuickJS(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the QuickJS engine; runs without -short")
	}
	_, res := builtPages(t)
	bundle, err := os.ReadFile(res.ServerPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer engine.Close(ctx)
	r, err := engine.Load(ctx, "pages", bundle, pages.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	for _, c := range renderCases {
		in, _ := json.Marshal(c.input)
		got, err := r.Render(ctx, in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want, err := os.ReadFile(filepath.Join("testdata", "pages", "render", c.name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if withoutStack(string(got))+"\n" != string(want) {
			t.Errorf("%s: QuickJS and Node differ\nquickjs: %s\nnode:    %s", c.name, got, want)
		}
	}
}

// BenchmarkPagesRenderQuickJS renders the example's post page (root and
// section layouts, nav, a param route) with the SSR engine.
func BenchmarkPagesRenderQuickJS(b *testing.B) {
	dir := copyPagesApp(b)
	res, err := BuildPages(context.Background(), dir, PagesOptions{})
	if err != nil {
		b.Fatal(err)
	}
	bundle, _ := os.ReadFile(res.ServerPath)
	ctx := context.Background()
	engine, err := pages.NewEngine(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer engine.Close(ctx)
	in, _ := json.Marshal(renderCases[2].input)
	r, err := engine.Load(ctx, "pages", bundle, pages.WithWarmup(in), pages.WithInstances(1))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	for b.Loop() {
		if _, err := r.Render(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
