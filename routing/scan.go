// Scan: walk an app's routes/ folder and build its route table.

package routing

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/module"
)

// File names Scan looks for. A route folder holds one page at most, and at
// most one of each special file.
var (
	pageFiles     = []string{"page.tsx", "page.jsx", "page.ts", "page.js"}
	layoutFiles   = []string{"layout.tsx", "layout.jsx", "layout.ts", "layout.js"}
	notFoundFiles = []string{"404.tsx", "404.jsx", "404.ts", "404.js"}
	errorFiles    = []string{"error.tsx", "error.jsx", "error.ts", "error.js"}
)

// WasmFile is the name of a prebuilt handler module in a route folder.
const WasmFile = "handler.wasm"

// MiddlewareFile is the Go file of a folder's middleware (spec/routing.md
// §8). A folder whose only Go source it is makes no route.
const MiddlewareFile = "middleware.go"

// Scan walks fsys, an app's routes/ folder (os.DirFS("blog/routes")), and
// returns its route table. A folder is a route if it holds handler.wasm,
// Go source (any .go file but _test.go, as the go tool counts them) or a
// page file, except that a folder whose only Go source is middleware.go
// is not a route for it (it is listed by [Table.MiddlewareFolders]).
// Folders whose names start with . or _ are skipped with everything under
// them.
//
// Scan reports every problem it finds, not just the first: the error is an
// errors.Join of *Error values, and the table is nil when it is non-nil.
func Scan(fsys fs.FS) (*Table, error) {
	s := &scanner{fsys: fsys}
	s.walk(".", nil, inherited{})
	t, conflicts := newTable(s.routes)
	t.middleware = s.middleware
	if err := errors.Join(append(s.errs, conflicts...)...); err != nil {
		return nil, err
	}
	return t, nil
}

type scanner struct {
	fsys       fs.FS
	routes     []*Route
	middleware []string // folders whose only Go source is middleware.go
	errs       []error
}

// inherited is what a folder passes down to the folders under it.
type inherited struct {
	layouts   []string
	notFound  string
	errorPage string
	bad       bool // a folder above has a bad name: report problems, build no routes
}

func (s *scanner) fail(p, problem, hint string) {
	s.errs = append(s.errs, &Error{Path: appPath(p), Problem: problem, Hint: hint})
}

// walk visits dir (relative to fsys, "." for the root) whose parsed folder
// names from the root are segs.
func (s *scanner) walk(dir string, segs []segment, in inherited) {
	entries, err := fs.ReadDir(s.fsys, dir)
	if err != nil {
		s.fail(dir, fmt.Sprintf("cannot read folder: %v", err), "check the folder's permissions")
		return
	}
	rel := func(name string) string {
		if dir == "." {
			return name
		}
		return dir + "/" + name
	}
	var (
		wasm                          bool
		goFiles, subdirs              []string
		pages, layouts, nfs, errPages []string
	)
	for _, e := range entries {
		name := e.Name()
		if unrouted(name) {
			continue // .git, _components, _helpers.go: never routed, never read
		}
		if e.IsDir() {
			subdirs = append(subdirs, name)
			continue
		}
		switch {
		case name == WasmFile:
			wasm = true
		case strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"):
			goFiles = append(goFiles, rel(name))
		case slices.Contains(pageFiles, name):
			pages = append(pages, name)
		case slices.Contains(layoutFiles, name):
			layouts = append(layouts, name)
		case slices.Contains(notFoundFiles, name):
			nfs = append(nfs, name)
		case slices.Contains(errorFiles, name):
			errPages = append(errPages, name)
		}
	}
	one := func(kind string, names []string) string {
		switch len(names) {
		case 0:
			return ""
		case 1:
			return rel(names[0])
		}
		s.fail(dir, fmt.Sprintf("%d %s files: %s", len(names), kind, strings.Join(names, ", ")), "remove all but one")
		return rel(names[0])
	}
	page := one("page", pages)
	if l := one("layout", layouts); l != "" {
		in.layouts = append(slices.Clip(in.layouts), l)
	}
	if nf := one("404", nfs); nf != "" {
		in.notFound = nf
	}
	if ep := one("error", errPages); ep != "" {
		in.errorPage = ep
	}

	if wasm && len(goFiles) > 0 {
		s.fail(dir, fmt.Sprintf("both %s and Go source (%s)", WasmFile, strings.Join(baseNames(goFiles), ", ")),
			"remove one: keep the Go source and let sandkit compile it, or keep the prebuilt "+WasmFile+" and move the Go files to a _folder")
	}
	if len(goFiles) > 0 && !in.bad {
		if err := goPackagePath(dir); err != nil {
			s.fail(dir, err.Error(), "rename the folder with letters, digits, - and _ (a parameter is NAME.param, a catch-all NAME.all, a group NAME.group)")
		}
	}
	id := dir
	if dir == "." {
		id = ""
	}
	if len(goFiles) == 1 && path.Base(goFiles[0]) == MiddlewareFile && !wasm && page == "" {
		// Only a middleware: its Go wraps the routes below and serves no URL.
		if !in.bad {
			s.middleware = append(s.middleware, id)
		}
		goFiles = nil
	}
	if (wasm || len(goFiles) > 0 || page != "") && !in.bad {
		if err := checkSegments(segs); err != nil {
			var se *segError
			errors.As(err, &se)
			s.fail(dir, se.msg, se.hint)
		} else {
			rt := newRoute(id, segs)
			rt.wasm, rt.goFiles, rt.page = wasm, goFiles, page
			rt.layouts = slices.Clone(in.layouts)
			rt.notFound, rt.errorPage = in.notFound, in.errorPage
			s.routes = append(s.routes, rt)
		}
	}

	for _, name := range subdirs {
		sub := rel(name)
		child := in
		seg, err := parseSegment(name)
		if err != nil {
			se := err.(*segError)
			s.fail(sub, se.msg, se.hint)
			child.bad = true
		}
		s.walk(sub, append(slices.Clip(segs), seg), child)
	}
}

// goPackagePath reports why Go's tools could not build a package in dir
// (relative to routes/), as go build ./..., go vet and gopls would: every
// folder must be an import path element, and the last one must not start
// with a character the go command refuses ("invalid input directory name").
func goPackagePath(dir string) error {
	if dir == "." {
		return nil
	}
	if err := module.CheckImportPath("app/routes/" + dir); err != nil {
		return fmt.Errorf("Go's tools cannot build a package in this folder: %w", err)
	}
	if c := path.Base(dir)[0]; c < utf8.RuneSelf && !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
		return fmt.Errorf("Go's tools cannot build a package in this folder: the go command refuses a package folder that starts with %q", rune(c))
	}
	return nil
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = path.Base(p)
	}
	return out
}
