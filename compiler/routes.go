// Go routes: which route folders hold Go handlers, and which functions they
// define.

package compiler

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"

	"sandkit.dev/sandkit/routing"
)

// methodFuncs are the handler function names, in the order of sandkit.Methods.
var methodFuncs = []string{"Get", "Post", "Put", "Patch", "Delete", "Options"}

// layoutFunc is the name of a layout's loader: func Layout in the Go files
// beside a layout.tsx, registered under route id "layout:" + the folder
// (spec/pages.md, "Layout data").
const layoutFunc = "Layout"

// goRoute is one route folder with Go handlers.
type goRoute struct {
	id     string        // route id
	dir    string        // absolute folder
	files  []string      // base names of its .go files (not _test.go)
	funcs  []handlerFunc // in methodFuncs order
	layout *handlerFunc  // func Layout, the folder's layout loader
}

// layoutRouteID is the route id a layout loader is registered under.
func layoutRouteID(folder string) string { return "layout:" + folder }

// handlerFunc is one handler function declaration.
type handlerFunc struct {
	name string // Get, Post, ...
	file string // relative to the app, slash-separated: routes/echo/handler.go
	line int
	col  int
}

// wasmContext decides which files the go command builds for the guest.
var wasmContext = func() build.Context {
	c := build.Default
	c.GOOS, c.GOARCH, c.CgoEnabled = "wasip1", "wasm", false
	return c
}()

// scanGoRoutes lists the Go routes under appDir/routes, sorted by id.
// Problems a person must fix come back as a *BuildError.
func scanGoRoutes(appDir string) ([]*goRoute, error) {
	routesDir := filepath.Join(appDir, "routes")
	if fi, err := os.Stat(routesDir); err != nil || !fi.IsDir() {
		return nil, nil // no routes/ at all: nothing to build
	}
	table, err := routing.Scan(os.DirFS(routesDir))
	if err != nil {
		return nil, &BuildError{App: appDir, Output: err.Error()}
	}
	var out []*goRoute
	var problems []string
	for _, rt := range table.Routes() {
		if !rt.HasGo() {
			continue
		}
		gr := &goRoute{id: rt.ID(), dir: filepath.Join(routesDir, filepath.FromSlash(rt.ID()))}
		for _, f := range rt.GoFiles() {
			gr.files = append(gr.files, path.Base(f))
		}
		if msg := gr.findFuncs(appDir); msg != "" {
			problems = append(problems, msg)
			continue
		}
		out = append(out, gr)
	}
	if len(problems) > 0 {
		return nil, &BuildError{App: appDir, Output: joinLines(problems)}
	}
	slices.SortFunc(out, func(a, b *goRoute) int { return compareStrings(a.id, b.id) })
	return out, nil
}

// findFuncs parses the route's files (those the go command would build for
// wasip1/wasm) and records its handler functions. It returns a message for
// a person, or "".
func (gr *goRoute) findFuncs(appDir string) string {
	fset := token.NewFileSet()
	found := map[string]handlerFunc{}
	var built []string
	for _, name := range gr.files {
		rel := relSlash(appDir, filepath.Join(gr.dir, name))
		if ok, err := wasmContext.MatchFile(gr.dir, name); err != nil {
			return fmt.Sprintf("%s: %v", rel, err)
		} else if !ok {
			continue
		}
		built = append(built, rel)
		f, err := parser.ParseFile(fset, filepath.Join(gr.dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return parseMessage(appDir, err)
		}
		if f.Name.Name == "main" {
			p := fset.Position(f.Name.Pos())
			return fmt.Sprintf("%s:%d:%d: a route handler cannot be package main (hint: use any other name, such as `package %s`)",
				rel, p.Line, p.Column, suggestName(gr.id))
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Type.TypeParams != nil || !slices.Contains(methodFuncs, fd.Name.Name) && fd.Name.Name != layoutFunc {
				continue
			}
			p := fset.Position(fd.Name.Pos())
			found[fd.Name.Name] = handlerFunc{name: fd.Name.Name, file: rel, line: p.Line, col: p.Column}
		}
	}
	for _, m := range methodFuncs {
		if hf, ok := found[m]; ok {
			gr.funcs = append(gr.funcs, hf)
		}
	}
	if hf, ok := found[layoutFunc]; ok {
		if !hasLayout(gr.dir) {
			return fmt.Sprintf("%s:%d:%d: func Layout loads the data of a layout, but %s has no layout.tsx (hint: move it beside the layout, or rename it)",
				hf.file, hf.line, hf.col, relSlash(appDir, gr.dir)+"/")
		}
		gr.layout = &hf
	}
	if len(gr.funcs) == 0 && gr.layout == nil {
		where := relSlash(appDir, gr.dir) + "/"
		if len(built) > 0 {
			where = built[0]
		}
		return where + ": no handler function in route " + quoteID(gr.id) +
			" (hint: define func Get(r *sandkit.Request) sandkit.Response, or Post, Put, Patch, Delete, Options, or Layout beside a layout.tsx;" +
			" move helper-only Go files to a _folder)"
	}
	return ""
}

// parseMessage formats go/parser errors with paths relative to the app.
func parseMessage(appDir string, err error) string {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return err.Error()
	}
	lines := make([]string, 0, len(list))
	for _, e := range list {
		lines = append(lines, fmt.Sprintf("%s:%d:%d: %s", relSlash(appDir, e.Pos.Filename), e.Pos.Line, e.Pos.Column, e.Msg))
	}
	return joinLines(lines)
}

// suggestName is a package name for a route: its last plain folder name.
func suggestName(id string) string {
	for p := id; p != "" && p != "."; p = path.Dir(p) {
		if b := path.Base(p); token.IsIdentifier(b) {
			return b
		}
	}
	return "handler"
}

func quoteID(id string) string { return fmt.Sprintf("%q", id) }

// hasLayout reports whether the folder holds a layout module.
func hasLayout(dir string) bool {
	for _, ext := range []string{".tsx", ".jsx", ".ts", ".js"} {
		if fi, err := os.Stat(filepath.Join(dir, "layout"+ext)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}
