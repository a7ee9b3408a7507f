package compiler

import (
	"strings"
	"testing"
	"testing/fstest"

	"sandkit.dev/sandkit/routing"
)

// expectTree checks the route objects generated for a routes/ folder
// holding files.
func expectTree(t *testing.T, files []string, want string) {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range files {
		fsys[f] = &fstest.MapFile{Data: []byte("x")}
	}
	table, err := routing.Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := treeString(pageTree(table, fsys))
	want = strings.TrimLeft(want, "\n")
	if got != want {
		t.Errorf("routes/ %v:\ngot:\n%s\nwant:\n%s", files, got, want)
	}
}

func TestPageTreeShapes(t *testing.T) {
	// One page, nothing around it.
	expectTree(t, []string{"page.tsx"}, `
page: path="/" routes/page.tsx
`)
	// A group's layout and error page wrap only the group's routes.
	expectTree(t, []string{"page.tsx", "app.group/layout.tsx", "app.group/dash/page.tsx", "app.group/error.tsx", "404.tsx"}, `
dir: path="/"
  page: path="" routes/page.tsx
  layout:app.group routes/app.group/layout.tsx
    error:app.group routes/app.group/error.tsx
      page:app.group/dash path="dash" routes/app.group/dash/page.tsx
  404: path="*" routes/404.tsx
`)
	// A root catch-all leaves the 404 page nothing to match.
	expectTree(t, []string{"rest.all/page.tsx", "404.tsx", "layout.tsx"}, `
layout: path="/" routes/layout.tsx
  page:rest.all path="*" routes/rest.all/page.tsx splat=rest
`)
	// A 404 page applies below its folder; a handler makes the page fetch JSON.
	expectTree(t, []string{"a/b/c/page.tsx", "a/layout.tsx", "a/b/404.tsx", "a/b/handler.wasm", "a/b/page.tsx"}, `
dir: path="/"
  layout:a path="a" routes/a/layout.tsx
    dir:a/b path="b"
      page:a/b path="" routes/a/b/page.tsx handler
      page:a/b/c path="c" routes/a/b/c/page.tsx
      404:a/b path="*" routes/a/b/404.tsx
`)
	// Every error page on the way down takes part, not only the nearest.
	expectTree(t, []string{"error.tsx", "x/error.tsx", "x/layout.tsx", "x/id.param/page.tsx", "x/id.param/handler.go"}, `
error: path="/" routes/error.tsx
  layout:x path="x" routes/x/layout.tsx
    error:x routes/x/error.tsx
      page:x/id.param path=":id" routes/x/id.param/page.tsx handler
`)
}
