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

// A layout's loader (func Layout in the Go beside it) is marked on the
// layout; a page whose folder's Go defines only Layout fetches no JSON.
func TestPageTreeLayoutLoaders(t *testing.T) {
	fsys := fstest.MapFS{
		"layout.tsx":            {Data: []byte("x")},
		"page.tsx":              {Data: []byte("x")},
		"handler.go":            {Data: []byte("package root\n\nfunc Layout() {}\n")},
		"a/layout.tsx":          {Data: []byte("x")},
		"a/page.tsx":            {Data: []byte("x")},
		"a/handler.go":          {Data: []byte("package a\n\nfunc Get() {}\nfunc Layout() {}\n")},
		"b/layout.tsx":          {Data: []byte("x")},
		"b/page.tsx":            {Data: []byte("x")},
		"b/handler.go":          {Data: []byte("package b\n\nfunc Get() {}\n")},
		"b/handler_test.go":     {Data: []byte("package b\n\nfunc Layout() {}\n")},
		"c/page.tsx":            {Data: []byte("x")},
		"c/handler.go":          {Data: []byte("package c\n\nfunc Get( {\n")},
		"d/layout.tsx":          {Data: []byte("x")},
		"d/id.param/page.tsx":   {Data: []byte("x")},
		"d/id.param/handler.go": {Data: []byte("package d\n\ntype T struct{}\n\nfunc (T) Layout() {}\nfunc Get() {}\n")},
	}
	table, err := routing.Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := treeString(pageTree(table, fsys))
	want := `layout: path="/" routes/layout.tsx loader
  page: path="" routes/page.tsx
  layout:a path="a" routes/a/layout.tsx loader
    page:a path="" routes/a/page.tsx handler
  layout:b path="b" routes/b/layout.tsx
    page:b path="" routes/b/page.tsx handler
  page:c path="c" routes/c/page.tsx handler
  layout:d path="d" routes/d/layout.tsx
    page:d/id.param path=":id" routes/d/id.param/page.tsx handler
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A page under a func Middleware always fetches its loader (the build gives
// one answering null to a page folder whose Go defines no Get), so that the
// middleware runs on client navigations too.
func TestPageTreeMiddleware(t *testing.T) {
	fsys := fstest.MapFS{
		"admin/middleware.go":  {Data: []byte("package admin\n\nfunc Middleware() {}\n")},
		"admin/layout.tsx":     {Data: []byte("x")},
		"admin/x/page.tsx":     {Data: []byte("x")},
		"admin/x/handler.go":   {Data: []byte("package x\n")},
		"admin/y/layout.tsx":   {Data: []byte("x")},
		"admin/y/page.tsx":     {Data: []byte("x")},
		"admin/y/handler.go":   {Data: []byte("package y\n\nfunc Layout() {}\n")},
		"public/p/layout.tsx":  {Data: []byte("x")},
		"public/p/page.tsx":    {Data: []byte("x")},
		"public/p/handler.go":  {Data: []byte("package p\n\nfunc Layout() {}\n")},
		"public/middleware.go": {Data: []byte("package public\n\nfunc Other() {}\n")},
	}
	table, err := routing.Scan(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := treeString(pageTree(table, fsys))
	want := `dir: path="/"
  layout:admin path="admin" routes/admin/layout.tsx
    page:admin/x path="x" routes/admin/x/page.tsx handler
    layout:admin/y path="y" routes/admin/y/layout.tsx loader
      page:admin/y path="" routes/admin/y/page.tsx handler
  dir:public path="public"
    layout:public/p path="p" routes/public/p/layout.tsx loader
      page:public/p path="" routes/public/p/page.tsx
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
