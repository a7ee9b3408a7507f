// Package compiler turns an app's source tree into the artifacts the host
// serves: [BuildHandlers] links the Go route handlers into one WebAssembly
// module, and [BuildPages] bundles the React pages (page, layout, error and
// 404 files) with esbuild into client modules, one server bundle for
// rendering in the sandbox, and a manifest (spec/pages.md).
//
// # Go handlers
//
// A folder under routes/ that holds Go source (any .go file but _test.go)
// is a Go route. Its files form one package, of any name but main, that
// defines one exported function per HTTP method it serves, each of type
// func(*sandkit.Request) sandkit.Response:
//
//	// routes/hello/name.param/handler.go
//	package hello
//
//	import sandkit "sandkit.dev/sandkit/guest-sdk/go"
//
//	func Get(r *sandkit.Request) sandkit.Response {
//		return sandkit.Text(200, "Hello, "+r.Param("name")+"!\n")
//	}
//
// The names are Get, Post, Put, Patch, Delete and Options. [BuildHandlers]
// links every Go route of an app into one WebAssembly module, the app
// module, behind a dispatch table keyed by route id (the folder under
// routes/, "hello/name.param"; "" for routes/ itself):
//
//	res, err := compiler.BuildHandlers(ctx, "blog")
//	if err != nil {
//		log.Fatal(err) // routes/posts/slug.param/handler.go:12:3: undefined: foo
//	}
//	fmt.Println(res.WasmPath, res.Routes, res.Cached)
//
// A func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc in a
// folder's Go files (by convention alone in middleware.go, which then
// makes no route) wraps every handler registered at or below that folder,
// layout loaders included, the middleware nearest routes/ outermost; a
// page under one that defines no Get gets a loader answering null, so the
// middleware also runs for its document (spec/routing.md §8):
//
//	// routes/admin/middleware.go
//	package admin
//
//	func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc {
//		return func(r *sandkit.Request) sandkit.Response {
//			if _, ok := r.Cookie("admin"); !ok {
//				return sandkit.Redirect(303, "/login?next="+url.QueryEscape(r.Path()))
//			}
//			return next(r)
//		}
//	}
//
// It writes two files, each atomically (a watcher never sees half of one),
// the manifest last:
//
//	APP/.sandkit/build/handlers.wasm   the app module (a WASI reactor)
//	APP/.sandkit/build/handlers.json   {"abi":1,"sha256":"<hex of the wasm>","routes":["","hello/name.param"]}
//
// An app without Go routes gets neither (stale ones are removed). A
// prebuilt handler.wasm in a route folder is not this package's business:
// the host loads it as it is.
//
// # How
//
// The route packages are not imported under their real paths (a route
// folder's package clause is the app's choice and may be main). The
// build runs `go build -overlay` in the app folder with a virtual main
// package, APP/sandkit_gen, that imports each route folder's files as the
// virtual package APP/sandkit_gen/r<N> and registers its functions with
// sandkit.Handle. The module is built with GOOS=wasip1 GOARCH=wasm
// -buildmode=c-shared -trimpath. The app needs a go.mod (in its folder or
// above) that requires sandkit.dev/sandkit. Compiler messages are rewritten
// so that they name the files under routes/.
//
// Builds are cached by content: the key hashes the Go toolchain, the
// build-relevant environment, go.mod, go.sum, every .go file of the app's
// module, the sources of locally replaced modules (for sandkit itself, its
// guest SDK and abi packages) and the generated main package. A hit is
// served from APP/.sandkit/cache/<key>.wasm without running go at all.
//
// # Pages
//
//	res, err := compiler.BuildPages(ctx, "blog", compiler.PagesOptions{})
//
// writes APP/.sandkit/build/pages/{client/, server.js, manifest.json}, the
// manifest last (a dev build adds server.js.map). Packages (react, react-dom,
// react-router) come from the app's node_modules; no Node runs at build
// time. Errors in page code are a *PagesError naming routes/... files with
// line and column. A [PagesSession] in the options keeps esbuild's parsed
// files between builds, for a development loop:
//
//	s := compiler.NewPagesSession()
//	defer s.Close()
//	res, err := compiler.BuildPages(ctx, "blog", compiler.PagesOptions{Dev: true, Session: s})
//
// # Type checks
//
// [TypeChecker] type-checks an app's tsconfig.json project with the
// TypeScript this package pins ([TypeScriptVersion]), never the app's own:
// it is installed once with npm ci --ignore-scripts into a tools folder and
// run by Node read-only under its permission model (spec/config.md, "Type
// checks"). One checker keeps its Node process and parsed files between
// checks; problems are a *TypeError listing file:line:col: TSnnnn: text.
//
//	c, err := compiler.NewTypeChecker(ctx, "blog", toolsDir)
//	...
//	err = c.Check(ctx) // routes/page.tsx:10:29: TS2551: Property 'mesage' does not exist...
package compiler
