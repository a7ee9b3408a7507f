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
	"strings"

	"sandkit.dev/sandkit/routing"
)

// methodFuncs are the handler function names, in the order of sandkit.Methods.
var methodFuncs = []string{"Get", "Post", "Put", "Patch", "Delete", "Options"}

// layoutFunc is the name of a layout's loader: func Layout in the Go files
// beside a layout.tsx, registered under route id "layout:" + the folder
// (spec/pages.md, "Layout data").
const layoutFunc = "Layout"

// middlewareFunc is the name of a folder's middleware: func Middleware in
// the Go files of a route folder wraps every Go handler of that folder and
// the folders below it (spec/routing.md §8).
const middlewareFunc = "Middleware"

// goRoute is one route folder with Go handlers.
type goRoute struct {
	id     string        // route id
	dir    string        // absolute folder
	files  []string      // base names of its .go files (not _test.go)
	built  []string      // those the go command builds for wasip1/wasm, relative to the app
	funcs  []handlerFunc // in methodFuncs order
	layout *handlerFunc  // func Layout, the folder's layout loader
	page   bool          // the folder holds a page
	only   bool          // the folder's only Go file is middleware.go: no route

	// middleware is the folder's func Middleware; chain are the routes
	// (this one included) whose Middleware wraps this route's handlers,
	// outermost (nearest routes/) first.
	middleware *handlerFunc
	chain      []*goRoute
}

// registers reports whether the module registers the route's own id: it
// has method handlers, or it is a page under a Middleware (which gets a
// loader answering null when it defines no Get).
func (gr *goRoute) registers() bool {
	return !gr.only && (len(gr.funcs) > 0 || gr.page && len(gr.chain) > 0)
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
		gr := &goRoute{id: rt.ID(), dir: filepath.Join(routesDir, filepath.FromSlash(rt.ID())), page: rt.Page() != ""}
		for _, f := range rt.GoFiles() {
			gr.files = append(gr.files, path.Base(f))
		}
		if msg := gr.findFuncs(appDir); msg != "" {
			problems = append(problems, msg)
			continue
		}
		out = append(out, gr)
	}
	for _, id := range table.MiddlewareFolders() {
		gr := &goRoute{id: id, dir: filepath.Join(routesDir, filepath.FromSlash(id)), files: []string{routing.MiddlewareFile}, only: true}
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
	problems = chainMiddleware(appDir, table, out)
	if len(problems) > 0 {
		return nil, &BuildError{App: appDir, Output: joinLines(problems)}
	}
	return out, nil
}

// chainMiddleware gives every Go route the middleware of its folder and
// the folders above it, and checks what middleware cannot wrap: a route
// under a func Middleware whose requests would never reach the Go module
// (a page without Go, a prebuilt handler.wasm), and a Go route with
// nothing to register. It returns the problems for a person.
func chainMiddleware(appDir string, table *routing.Table, routes []*goRoute) []string {
	byID := make(map[string]*goRoute, len(routes))
	for _, gr := range routes {
		byID[gr.id] = gr
	}
	// nearest is the innermost folder at or above id with a Middleware.
	nearest := func(id string) *goRoute {
		for {
			if gr := byID[id]; gr != nil && gr.middleware != nil {
				return gr
			}
			if id == "" {
				return nil
			}
			id = parentID(id)
		}
	}
	for _, gr := range routes {
		for id := gr.id; ; id = parentID(id) {
			if a := byID[id]; a != nil && a.middleware != nil {
				gr.chain = append(gr.chain, a)
			}
			if id == "" {
				break
			}
		}
		slices.Reverse(gr.chain) // outermost first
	}
	var problems []string
	for _, rt := range table.Routes() {
		mw := nearest(rt.ID())
		switch {
		case mw == nil || rt.HasGo():
		case rt.HasWasm():
			problems = append(problems, fmt.Sprintf("%s: a prebuilt handler.wasm is not wrapped by the func Middleware of %s (%s), so its requests would skip it"+
				" (hint: write the route in Go, or move it out of %s)",
				"routes/"+path.Join(rt.ID(), routing.WasmFile), folderName(mw.id), mw.middleware.file, folderName(mw.id)))
		case rt.Page() != "":
			problems = append(problems, fmt.Sprintf("%s: the page has no Go loader for the func Middleware of %s (%s) to wrap, so its document would skip it"+
				" (hint: add a Go file to %s, even one that holds only `package %s`: a page under a Middleware gets a loader answering null when it defines no Get)",
				"routes/"+rt.Page(), folderName(mw.id), mw.middleware.file, folderName(rt.ID()), suggestName(rt.ID())))
		}
	}
	for _, gr := range routes {
		if msg := gr.nothingToRegister(appDir); msg != "" {
			problems = append(problems, msg)
		}
	}
	return problems
}

// nothingToRegister is the problem of a folder whose Go defines the wrong
// things: a middleware.go alone that is no middleware or holds handlers
// (the folder is no route, so they would never be called), or a route that
// registers nothing. "" when it is fine.
func (gr *goRoute) nothingToRegister(appDir string) string {
	file := "routes/" + path.Join(gr.id, routing.MiddlewareFile)
	switch {
	case gr.only && gr.middleware == nil:
		return file + ": defines no func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc, and a folder whose only Go file is " +
			routing.MiddlewareFile + " is no route (hint: define it, or rename the file, such as handler.go, if the folder is a route)"
	case gr.only && (len(gr.funcs) > 0 || gr.layout != nil):
		hf := gr.layout
		if len(gr.funcs) > 0 {
			hf = &gr.funcs[0]
		}
		return fmt.Sprintf("%s:%d:%d: func %s is never called: a folder whose only Go file is %s is no route (hint: move %s to another file of the folder, such as %s)",
			hf.file, hf.line, hf.col, hf.name, routing.MiddlewareFile, hf.name, map[bool]string{true: "layout.go", false: "handler.go"}[hf.name == layoutFunc])
	case gr.only || len(gr.funcs) > 0 || gr.layout != nil || gr.page && len(gr.chain) > 0:
		return ""
	case gr.middleware != nil:
		return fmt.Sprintf("%s:%d:%d: route %s defines only func Middleware, so it answers no request (hint: put the Middleware alone in %s, so that the folder is no route, or define a handler beside it)",
			gr.middleware.file, gr.middleware.line, gr.middleware.col, quoteID(gr.id), folderName(gr.id)+routing.MiddlewareFile)
	}
	return gr.noHandler(appDir)
}

// parentID is the route id of the folder above id ("" above a top folder).
func parentID(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return ""
}

// folderName is a route folder as a person reads it: routes/ID/.
func folderName(id string) string {
	if id == "" {
		return "routes/"
	}
	return "routes/" + id + "/"
}

// findFuncs parses the route's files (those the go command would build for
// wasip1/wasm) and records its handler functions. It returns a message for
// a person, or "".
func (gr *goRoute) findFuncs(appDir string) string {
	fset := token.NewFileSet()
	found := map[string]handlerFunc{}
	for _, name := range gr.files {
		rel := relSlash(appDir, filepath.Join(gr.dir, name))
		if ok, err := wasmContext.MatchFile(gr.dir, name); err != nil {
			return fmt.Sprintf("%s: %v", rel, err)
		} else if !ok {
			continue
		}
		gr.built = append(gr.built, rel)
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
			if !ok || fd.Recv != nil || fd.Type.TypeParams != nil || !slices.Contains(methodFuncs, fd.Name.Name) && fd.Name.Name != layoutFunc && fd.Name.Name != middlewareFunc {
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
	if hf, ok := found[middlewareFunc]; ok {
		gr.middleware = &hf
	}
	return ""
}

// noHandler is the problem of a Go route that defines nothing to register.
func (gr *goRoute) noHandler(appDir string) string {
	where := relSlash(appDir, gr.dir) + "/"
	if len(gr.built) > 0 {
		where = gr.built[0]
	}
	return where + ": no handler function in route " + quoteID(gr.id) +
		" (hint: define func Get(r *sandkit.Request) sandkit.Response, or Post, Put, Patch, Delete, Options, Layout beside a layout.tsx," +
		" or Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc; move helper-only Go files to a _folder)"
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
