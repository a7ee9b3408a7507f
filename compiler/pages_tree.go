// The page tree: an app's route table turned into the nested React Router
// routes (layouts, error pages, pages, 404 pages) that the client and
// server entry modules declare.

package compiler

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"sandkit.dev/sandkit/routing"
)

// pageNode is one route object of the generated tree (pages/client/routes.ts
// Node). Ids are unique: "layout:<folder>", "error:<folder>",
// "page:<route id>", "404:<folder>", "dir:<folder>", and
// "404:<folder>@<dir>" for the 404 of folder matched at dir's own URL.
type pageNode struct {
	id       string
	kind     string // layout, error, page, notfound, dir
	path     string // React Router path relative to the parent, if hasPath
	hasPath  bool   // false: a pathless route (a layout or error page without a segment of its own)
	file     string // module relative to the app: routes/posts/page.tsx
	route    string // page: sandkit route id
	splat    string // page under a catch-all: its parameter name
	handler  bool   // page: the route has a handler
	folder   string // 404: folder under routes/
	loader   bool   // layout: its folder's Go defines func Layout
	children []*pageNode
}

// folderNode is a folder under routes/ on the way to a page.
type folderNode struct {
	dir      string // relative to routes/, "" for the root
	name     string
	layout   string
	loader   bool // the layout has a loader (func Layout)
	errPage  string
	notFound string
	route    *routing.Route // its page route, if any
	handler  bool           // its page route has a handler for GET and forms
	children map[string]*folderNode
	// emitFolder: the 404 nodes of folders below with pages only below
	// them, placed beside this folder's own 404 node.
	notFoundAt []*pageNode
}

// pageTree builds the nested routes of every route with a page in t;
// routesFS is the routes/ folder t was scanned from. Every error and 404
// file on the way down to a page takes part, not only the nearest one the
// table reports: an outer error page catches what a nearer one's layout
// throws.
func pageTree(t *routing.Table, routesFS fs.FS) []*pageNode {
	root := &folderNode{children: map[string]*folderNode{}}
	root.errPage, root.notFound = special(routesFS, "", "error"), special(routesFS, "", "404")
	folder := func(dir string) *folderNode {
		f := root
		if dir == "" {
			return f
		}
		for i, name := range strings.Split(dir, "/") {
			c := f.children[name]
			if c == nil {
				c = &folderNode{dir: strings.Join(strings.Split(dir, "/")[:i+1], "/"), name: name, children: map[string]*folderNode{}}
				c.errPage, c.notFound = special(routesFS, c.dir, "error"), special(routesFS, c.dir, "404")
				f.children[name] = c
			}
			f = c
		}
		return f
	}
	dirOf := func(file string) string { // routes/-relative folder of a file
		if d := path.Dir(file); d != "." {
			return d
		}
		return ""
	}
	for _, rt := range t.Routes() {
		if rt.Page() == "" {
			continue
		}
		f := folder(rt.ID())
		f.route = rt
		// A folder whose Go defines only func Layout has no page loader:
		// its page fetches no JSON, unless a func Middleware of its folder
		// or above wraps it, which gives it one (spec/routing.md §8). Go
		// that does not parse is the handler build's to report; count it
		// as a handler.
		if rt.HasGo() {
			funcs := goFuncNames(routesFS, rt.ID())
			f.handler = hasMethodFunc(funcs) || !funcs[layoutFunc] || underMiddleware(routesFS, rt.ID())
		}
		f.handler = f.handler || rt.HasWasm()
		for _, l := range rt.Layouts() {
			lf := folder(dirOf(l))
			if lf.layout == "" {
				lf.layout = "routes/" + l
				lf.loader = goFuncNames(routesFS, lf.dir)[layoutFunc]
			}
		}
	}
	return emitFolder(root, nil, nil)
}

// underMiddleware reports whether the Go of folder id (relative to
// routes/) or of a folder above it declares func Middleware.
func underMiddleware(routesFS fs.FS, id string) bool {
	for {
		if goFuncNames(routesFS, id)[middlewareFunc] {
			return true
		}
		if id == "" {
			return false
		}
		id = parentID(id)
	}
}

// goFuncNames lists the functions the Go files of folder dir (relative to
// routes/) declare at top level, without a receiver: which handlers
// (methodFuncs) and whether a layout loader (func Layout) the route has.
// BuildHandlers registers them (spec/pages.md, "Layout data").
func goFuncNames(routesFS fs.FS, dir string) map[string]bool {
	if dir == "" {
		dir = "."
	}
	ents, err := fs.ReadDir(routesFS, dir)
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(routesFS, path.Join(dir, name))
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				out[fd.Name.Name] = true
			}
		}
	}
	return out
}

// hasMethodFunc reports whether funcs holds an HTTP method's handler.
func hasMethodFunc(funcs map[string]bool) bool {
	for _, m := range methodFuncs {
		if funcs[m] {
			return true
		}
	}
	return false
}

// special is the folder's error or 404 file (kind "error" or "404") as a
// path relative to the app, "" if it has none. Scan has already refused
// folders with two of them.
func special(routesFS fs.FS, dir, kind string) string {
	for _, ext := range []string{".tsx", ".jsx", ".ts", ".js"} {
		p := path.Join(dir, kind+ext)
		if fi, err := fs.Stat(routesFS, p); err == nil && !fi.IsDir() {
			return "routes/" + p
		}
	}
	return ""
}

// emitFolder returns the route objects of folder f; nf is the folder
// nearest above f with a 404 file (nil for none), and rel the router
// segments from nf down to f.
func emitFolder(f *folderNode, nf *folderNode, rel []string) []*pageNode {
	if f.notFound != "" {
		nf, rel = f, nil
	}
	var inner []*pageNode
	if f.route != nil {
		// Path "" rather than an index route: React Router would add ?index
		// to a form's action and target the parent route with the action.
		p := &pageNode{id: "page:" + f.route.ID(), kind: "page", hasPath: true, file: "routes/" + f.route.Page(),
			route: f.route.ID(), handler: f.handler}
		if kind, name, _ := routing.ParseFolder(f.name); kind == routing.FolderCatchAll {
			p.splat = name
		}
		inner = append(inner, p)
	}
	names := make([]string, 0, len(f.children))
	for n := range f.children {
		names = append(names, n)
	}
	sort.Strings(names)
	hasSplat := isCatchAll(f.name)
	for _, n := range names {
		c := f.children[n]
		crel := rel
		if seg, ok := routerSegment(c); ok {
			crel = append(slices.Clip(rel), seg)
		}
		inner = append(inner, emitFolder(c, nf, crel)...)
		if isCatchAll(n) {
			hasSplat = true
		}
	}
	seg, hasSeg := routerSegment(f)
	if f.route == nil && hasSeg && nf != nil && !hasSplat {
		// A folder with pages only below it: React Router would match its
		// own URL (/shop for routes/shop/items/page.tsx) to this folder's
		// route alone, ranking it above any splat, and render no page.
		// The 404 page that applies there is matched instead, where that
		// 404's other URLs are: among its folder's routes, with the path
		// down to this folder. A folder with a catch-all child is left as it
		// is: React Router matches its URL to the catch-all.
		nf.notFoundAt = append(nf.notFoundAt, &pageNode{id: "404:" + nf.dir + "@" + f.dir, kind: "notfound",
			path: strings.Join(rel, "/"), hasPath: true, file: nf.notFound, folder: nf.dir})
	}
	if f.notFound != "" {
		if !hasSplat {
			inner = append(inner, &pageNode{id: "404:" + f.dir, kind: "notfound", path: "*", hasPath: true,
				file: f.notFound, folder: f.dir})
		}
		// First: at the same path as the folder's own route, the earlier
		// sibling wins React Router's ranking.
		inner = append(slices.Clip(f.notFoundAt), inner...)
	}
	if f.errPage != "" {
		inner = []*pageNode{{id: "error:" + f.dir, kind: "error", file: f.errPage, children: inner}}
	}
	if f.layout != "" {
		inner = []*pageNode{{id: "layout:" + f.dir, kind: "layout", file: f.layout, loader: f.loader, children: inner}}
	}
	if !hasSeg {
		return inner
	}
	if len(inner) == 1 && (!inner[0].hasPath || inner[0].kind == "page" && inner[0].path == "") {
		inner[0].path, inner[0].hasPath = seg, true
		return inner
	}
	return []*pageNode{{id: "dir:" + f.dir, kind: "dir", path: seg, hasPath: true, children: inner}}
}

// badSegments reports page routes whose static folder names React Router
// would read as syntax (":id", "*", "name?"), one line each.
func badSegments(t *routing.Table) []string {
	var out []string
	for _, rt := range t.Routes() {
		if rt.Page() == "" {
			continue
		}
		for _, name := range strings.Split(rt.ID(), "/") {
			if kind, _, _ := routing.ParseFolder(name); kind != routing.FolderStatic {
				continue
			}
			if strings.HasPrefix(name, ":") || strings.Contains(name, "*") || strings.HasSuffix(name, "?") {
				out = append(out, fmt.Sprintf("routes/%s: folder name %q cannot be part of a page's URL: React Router reads a leading ':', '*' and a trailing '?' as syntax (hint: rename the folder)", rt.ID(), name))
				break
			}
		}
	}
	return out
}

// routerSegment is the React Router path of a folder: "/" for routes/,
// ":id" for id.param, "*" for rest.all, none for a NAME.group.
func routerSegment(f *folderNode) (string, bool) {
	if f.dir == "" {
		return "/", true
	}
	switch kind, name, _ := routing.ParseFolder(f.name); kind {
	case routing.FolderGroup:
		return "", false
	case routing.FolderCatchAll:
		return "*", true
	case routing.FolderParam:
		return ":" + name, true
	}
	return f.name, true
}

// isCatchAll reports whether a folder name is a catch-all (rest.all).
func isCatchAll(name string) bool {
	kind, _, err := routing.ParseFolder(name)
	return err == nil && kind == routing.FolderCatchAll
}

// files lists the modules of the tree in a stable order (depth first).
func treeFiles(nodes []*pageNode) []string {
	var out []string
	seen := map[string]bool{}
	var walk func([]*pageNode)
	walk = func(ns []*pageNode) {
		for _, n := range ns {
			if n.file != "" && !seen[n.file] {
				seen[n.file] = true
				out = append(out, n.file)
			}
			walk(n.children)
		}
	}
	walk(nodes)
	return out
}

// chains returns, for each node id, the modules of the nodes from the root
// down to it (what must be loaded to render it).
func treeChains(nodes []*pageNode) map[string][]string {
	out := map[string][]string{}
	var walk func([]*pageNode, []string)
	walk = func(ns []*pageNode, above []string) {
		for _, n := range ns {
			mods := above
			if n.file != "" {
				mods = append(append([]string(nil), above...), n.file)
			}
			out[n.id] = mods
			walk(n.children, mods)
		}
	}
	walk(nodes, nil)
	return out
}

// treeString renders the tree one node a line, indented, for people and
// golden files.
func treeString(nodes []*pageNode) string {
	var b strings.Builder
	var walk func([]*pageNode, string)
	walk = func(ns []*pageNode, ind string) {
		for _, n := range ns {
			fmt.Fprintf(&b, "%s%s", ind, n.id)
			if n.hasPath {
				fmt.Fprintf(&b, " path=%q", n.path)
			}
			if n.file != "" {
				fmt.Fprintf(&b, " %s", n.file)
			}
			if n.splat != "" {
				fmt.Fprintf(&b, " splat=%s", n.splat)
			}
			if n.handler {
				b.WriteString(" handler")
			}
			if n.loader {
				b.WriteString(" loader")
			}
			b.WriteString("\n")
			walk(n.children, ind+"  ")
		}
	}
	walk(nodes, "")
	return b.String()
}

// entrySource is the generated entry module. For the client each module is
// imported lazily (one chunk per module); the server imports them all.
func entrySource(nodes []*pageNode, server bool) string {
	var b strings.Builder
	b.WriteString("// Generated by sandkit from routes/; not a file on disk.\n")
	files := treeFiles(nodes)
	num := map[string]int{}
	for i, f := range files {
		num[f] = i
	}
	if server {
		b.WriteString("import { register } from \"sandkit/client/server\";\n")
		for i, f := range files {
			fmt.Fprintf(&b, "import * as m%d from %s;\n", i, strconv.Quote("./"+f))
		}
	} else {
		b.WriteString("import { hydrate } from \"sandkit/client/runtime\";\n")
	}
	var walk func([]*pageNode, string)
	walk = func(ns []*pageNode, ind string) {
		b.WriteString("[\n")
		for _, n := range ns {
			fmt.Fprintf(&b, "%s  {id: %s, kind: %q", ind, strconv.Quote(n.id), n.kind)
			if n.hasPath {
				fmt.Fprintf(&b, ", path: %s", strconv.Quote(n.path))
			}
			if n.file != "" {
				fmt.Fprintf(&b, ", file: %s", strconv.Quote(n.file))
				if server {
					fmt.Fprintf(&b, ", mod: m%d", num[n.file])
				} else {
					fmt.Fprintf(&b, ", load: () => import(%s)", strconv.Quote("./"+n.file))
				}
			}
			if n.route != "" || n.kind == "page" {
				fmt.Fprintf(&b, ", route: %s", strconv.Quote(n.route))
			}
			if n.splat != "" {
				fmt.Fprintf(&b, ", splat: %s", strconv.Quote(n.splat))
			}
			if n.handler {
				b.WriteString(", handler: true")
			}
			if n.loader {
				b.WriteString(", loader: true")
			}
			if n.kind == "notfound" {
				fmt.Fprintf(&b, ", folder: %s", strconv.Quote(n.folder))
			}
			if len(n.children) > 0 {
				b.WriteString(", children: ")
				walk(n.children, ind+"  ")
			}
			b.WriteString("},\n")
		}
		b.WriteString(ind + "]")
	}
	if server {
		b.WriteString("register(")
		walk(nodes, "")
		b.WriteString(");\n")
	} else {
		b.WriteString("hydrate(")
		walk(nodes, "")
		b.WriteString(", " + cssPlaceholderJS + ");\n")
	}
	return b.String()
}

// cssPlaceholder is replaced, after the client build, by the JSON map from
// module file to stylesheet URLs (a JavaScript string literal).
const (
	cssPlaceholder   = "__SANDKIT_CSS_MAP__"
	cssPlaceholderJS = `"` + cssPlaceholder + `"`
)
