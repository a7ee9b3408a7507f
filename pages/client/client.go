// Package client holds sandkit's client runtime, the TypeScript that the
// compiler bundles into every app's pages: the module apps import as
// "sandkit/client" (Link, Form, useData, useParams), the browser runtime
// that hydrates the server-rendered page and navigates with React Router,
// and the server side of the render protocol (spec/pages.md).
//
// The sources are embedded in the Go binary, so building pages needs no
// copy of them on disk: compiler.BuildPages resolves these import paths to
// the files of FS:
//
//	sandkit/client          index.ts    for page components
//	sandkit/client/runtime  runtime.ts  the browser entry (hydrate)
//	sandkit/client/server   server.ts   the server entry (__sandkit_render)
//	./routes (internal)     routes.ts   the generated route tree → React Router routes
//	sandkit/client/polyfill polyfill.ts URL and URLSearchParams, injected into server bundles
//
// The bare imports of these files (react, react-dom, react-router) resolve
// in the app's node_modules, so an app pins the versions in its own
// package.json.
package client

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed *.ts
var files embed.FS

// FS returns the runtime's TypeScript sources, one file per module.
func FS() fs.FS { return files }

// ImportPath is the module name apps import; its subpaths name the other
// entry modules ("sandkit/client/runtime").
const ImportPath = "sandkit/client"

// File maps an import path under ImportPath to its file in FS:
// "sandkit/client" → "index.ts", "sandkit/client/server" → "server.ts".
// ok is false for other paths and for files that do not exist.
func File(importPath string) (name string, ok bool) {
	rest, found := strings.CutPrefix(importPath, ImportPath)
	switch {
	case !found:
		return "", false
	case rest == "":
		name = "index.ts"
	case strings.HasPrefix(rest, "/") && !strings.Contains(rest[1:], "/"):
		name = rest[1:] + ".ts"
	default:
		return "", false
	}
	if _, err := fs.Stat(files, name); err != nil {
		return "", false
	}
	return name, true
}
