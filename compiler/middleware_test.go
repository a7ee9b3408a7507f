package compiler

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
)

// requireHeader is a middleware that refuses a request without the header
// name and marks the answers it passes with X-Trace: tag.
func requireHeader(pkg, name, tag string, status int) string {
	return `package ` + pkg + `

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc {
	return func(r *sandkit.Request) sandkit.Response {
		if r.Header("` + name + `") == "" {
			return sandkit.Error(` + itoa(status) + `, "` + tag + ` refused")
		}
		return next(r).WithHeader("X-Trace", "` + tag + `")
	}
}
`
}

func getText(pkg, text string) string {
	return `package ` + pkg + `

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "` + text + `") }
`
}

// middlewareApp writes an app with middleware in routes/admin (needs
// X-Admin, 401), routes/admin/deep (needs X-Deep, 403, written with the
// unnamed func type) and routes/panel.group (needs X-Panel).
func middlewareApp(t *testing.T) string {
	app := copyHello(t)
	writeFile(t, app, "routes/admin/middleware.go", requireHeader("admin", "X-Admin", "admin", 401))
	writeFile(t, app, "routes/admin/users/handler.go", getText("users", "users")+
		"\nfunc Post(r *sandkit.Request) sandkit.Response { return sandkit.Text(201, \"posted\") }\n")
	writeFile(t, app, "routes/admin/deep/middleware.go", `package deep

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Middleware(next func(*sandkit.Request) sandkit.Response) func(*sandkit.Request) sandkit.Response {
	return func(r *sandkit.Request) sandkit.Response {
		if r.Header("X-Deep") == "" {
			return sandkit.Error(403, "deep refused")
		}
		return next(r).WithHeader("X-Trace", "deep")
	}
}
`)
	writeFile(t, app, "routes/admin/deep/x/handler.go", getText("x", "deep x"))
	writeFile(t, app, "routes/admin/page/page.tsx", "export default function P() { return null }\n")
	writeFile(t, app, "routes/admin/page/handler.go", "package page\n")
	writeFile(t, app, "routes/admin/layout.tsx", "export default function L({children}) { return children }\n")
	writeFile(t, app, "routes/admin/layout.go", `package admin

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Layout(r *sandkit.Request) sandkit.Response { return sandkit.RawJSON(200, []byte("{}")) }
`)
	writeFile(t, app, "routes/panel.group/middleware.go", requireHeader("panel", "X-Panel", "panel", 401))
	writeFile(t, app, "routes/panel.group/stats/handler.go", getText("stats", "stats"))
	return app
}

func TestScanMiddlewareChains(t *testing.T) {
	app := middlewareApp(t)
	routes, err := scanGoRoutes(app)
	if err != nil {
		t.Fatal(err)
	}
	chains := map[string][]string{}
	for _, r := range routes {
		var ids []string
		for _, c := range r.chain {
			ids = append(ids, c.id)
		}
		chains[r.id] = ids
	}
	want := map[string][]string{
		"":                  nil,
		"admin":             {"admin"},
		"admin/users":       {"admin"},
		"admin/deep":        {"admin", "admin/deep"},
		"admin/deep/x":      {"admin", "admin/deep"},
		"admin/page":        {"admin"},
		"panel.group":       {"panel.group"},
		"panel.group/stats": {"panel.group"},
		"echo":              nil,
	}
	for id, w := range want {
		if got, ok := chains[id]; !ok || !slices.Equal(got, w) {
			t.Errorf("route %q: chain %q (found %v), want %q", id, got, ok, w)
		}
	}
}

func TestGenerateMiddleware(t *testing.T) {
	mod := &goModule{dir: "/src/blog", path: "example.com/blog"}
	admin := &goRoute{id: "admin", dir: "/src/blog/routes/admin", files: []string{"middleware.go"}, only: true,
		middleware: &handlerFunc{name: "Middleware", file: "routes/admin/middleware.go", line: 5, col: 6}}
	admin.chain = []*goRoute{admin}
	deep := &goRoute{id: "admin/deep", dir: "/src/blog/routes/admin/deep", files: []string{"m.go"}, page: true,
		middleware: &handlerFunc{name: "Middleware", file: "routes/admin/deep/m.go", line: 7, col: 6}}
	deep.chain = []*goRoute{admin, deep}
	users := &goRoute{id: "admin/deep/users", dir: "/src/blog/routes/admin/deep/users", files: []string{"h.go"},
		funcs: []handlerFunc{{name: "Get", file: "routes/admin/deep/users/h.go", line: 3, col: 6}}}
	users.chain = []*goRoute{admin, deep}
	g := generate(mod, "/src/blog", []*goRoute{admin, deep, users})
	src := string(g.mainGo)
	for _, w := range []string{
		// deep: a page without Get gets the null loader.
		"\tsandkit.Handle(\"admin/deep\", wrap(mw1, sandkit.Methods{\n\t\tGet: nullLoader,\n\t}))\n",
		"\tsandkit.Handle(\"admin/deep/users\", wrap(mw1, sandkit.Methods{\n\t\tGet: r2.Get,\n\t}))\n",
		// The chain: the inner Middleware is applied first, so the outer runs first.
		"func mw1(h sandkit.HandlerFunc) sandkit.HandlerFunc {\n\th = r1.Middleware(h)\n",
		"\treturn mw0(h)\n}",
		"func mw0(h sandkit.HandlerFunc) sandkit.HandlerFunc {\n\th = r0.Middleware(h)\n",
	} {
		if !strings.Contains(src, w) {
			t.Errorf("main.go lacks %q:\n%s", w, src)
		}
	}
	if strings.Contains(src, `sandkit.Handle("admin"`) {
		t.Errorf("a folder with only a middleware registers its route id:\n%s", src)
	}
	lines := strings.Split(src, "\n")
	var mapped []string
	for n, hf := range g.lines {
		mapped = append(mapped, hf.file+" "+strings.TrimSpace(lines[n-1]))
	}
	slices.Sort(mapped)
	want := []string{
		"routes/admin/deep/m.go h = r1.Middleware(h)",
		"routes/admin/deep/users/h.go Get: r2.Get,",
		"routes/admin/middleware.go h = r0.Middleware(h)",
	}
	if !slices.Equal(mapped, want) {
		t.Errorf("mapped lines %q, want %q", mapped, want)
	}
}

func TestBuildMiddlewareRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	app := middlewareApp(t)
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	// admin (middleware.go and a layout loader) registers only its
	// layout's loader; admin/deep and panel.group (middleware.go alone)
	// are no routes.
	wantRoutes := []string{"", "admin/deep/x", "admin/page", "admin/users", "api/info", "echo", "hello/name.param", "layout:admin", "panel.group/stats"}
	sorted := slices.Sorted(slices.Values(res.Routes))
	if !slices.Equal(sorted, wantRoutes) {
		t.Errorf("routes %q, want %q", sorted, wantRoutes)
	}
	wasm, err := os.ReadFile(res.WasmPath)
	if err != nil {
		t.Fatal(err)
	}
	g := newGuest(t, wasm)
	hdr := func(names ...string) []abi.Pair {
		var out []abi.Pair
		for _, n := range names {
			out = append(out, abi.Pair{Name: n, Value: "1"})
		}
		return out
	}
	tests := []struct {
		name, method, route string
		headers             []abi.Pair
		status              int32
		body                string   // substring
		trace               []string // the X-Trace headers, in the order written
	}{
		{"admin refuses", "GET", "admin/users", nil, 401, "admin refused", nil},
		{"admin refuses a post", "POST", "admin/users", nil, 401, "admin refused", nil},
		{"admin passes", "GET", "admin/users", hdr("X-Admin"), 200, "users", []string{"admin"}},
		{"admin passes a post", "POST", "admin/users", hdr("X-Admin"), 201, "posted", []string{"admin"}},
		// A method the route does not define is the SDK's 405, before any
		// middleware (spec/routing.md §8).
		{"405 without the middleware", "DELETE", "admin/users", nil, 405, "method not allowed", nil},
		{"outer runs first", "GET", "admin/deep/x", hdr("X-Deep"), 401, "admin refused", nil},
		{"then the inner", "GET", "admin/deep/x", hdr("X-Admin"), 403, "deep refused", []string{"admin"}},
		{"both pass, inner wraps first", "GET", "admin/deep/x", hdr("X-Admin", "X-Deep"), 200, "deep x", []string{"deep", "admin"}},
		{"a middleware folder is no route", "GET", "admin/deep", nil, 404, `"message":"no handler for this route"`, nil},
		{"page without Get gets a loader", "GET", "admin/page", nil, 401, "admin refused", nil},
		{"its loader answers null", "GET", "admin/page", hdr("X-Admin"), 200, "null", []string{"admin"}},
		{"layout loader wrapped", "GET", "layout:admin", nil, 401, "admin refused", nil},
		{"layout loader passes", "GET", "layout:admin", hdr("X-Admin"), 200, "{}", []string{"admin"}},
		{"group middleware", "GET", "panel.group/stats", nil, 401, "panel refused", nil},
		{"group passes", "GET", "panel.group/stats", hdr("X-Panel"), 200, "stats", []string{"panel"}},
		{"other routes untouched", "GET", "hello/name.param", nil, 200, "Hello, Ada", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.do(abi.RequestHead{Method: tt.method, Route: tt.route, Path: "/x", ContentLength: -1, Headers: tt.headers,
				Params: []abi.Pair{{Name: "name", Value: "Ada"}}}, "")
			var trace []string
			for _, p := range got.headers {
				if p.Name == "X-Trace" {
					trace = append(trace, p.Value)
				}
			}
			if got.rc != 0 || got.status != tt.status || !strings.Contains(got.body, tt.body) || !slices.Equal(trace, tt.trace) {
				t.Errorf("rc=%d status=%d body=%q trace=%q; want status %d, body containing %q, trace %q", got.rc, got.status, got.body, trace, tt.status, tt.body, tt.trace)
			}
		})
	}
}

func TestBuildMiddlewareErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	mw := requireHeader("admin", "X-Admin", "admin", 401)
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"wrong signature", map[string]string{"routes/admin/middleware.go": "package admin\n\nimport sandkit \"sandkit.dev/sandkit/guest-sdk/go\"\n\nfunc Middleware(r *sandkit.Request) sandkit.Response { return sandkit.Empty(204) }\n"},
			[]string{"routes/admin/middleware.go:5:6: cannot use", "(hint: a middleware must be func(next sandkit.HandlerFunc) sandkit.HandlerFunc)"}},
		{"no result", map[string]string{"routes/admin/middleware.go": "package admin\n\nfunc Middleware(next any) {}\n"},
			[]string{"routes/admin/middleware.go:3:6:", "(hint: a middleware must be func(next sandkit.HandlerFunc) sandkit.HandlerFunc)"}},
		{"another package name", map[string]string{"routes/admin/middleware.go": mw, "routes/admin/handler.go": getText("other", "x")},
			[]string{"routes/admin/: found packages other (handler.go) and admin (middleware.go) in routes/admin/"}},
		{"page without Go under a middleware", map[string]string{"routes/admin/middleware.go": mw, "routes/admin/settings/page.tsx": "export default function P() { return null }\n"},
			[]string{"routes/admin/settings/page.tsx: the page has no Go loader for the func Middleware of routes/admin/ (routes/admin/middleware.go) to wrap",
				"hint: add a Go file to routes/admin/settings/, even one that holds only `package settings`"}},
		{"handler.wasm under a middleware", map[string]string{"routes/admin/middleware.go": mw, "routes/admin/raw/handler.wasm": "\x00asm"},
			[]string{"routes/admin/raw/handler.wasm: a prebuilt handler.wasm is not wrapped by the func Middleware of routes/admin/ (routes/admin/middleware.go)"}},
		{"middleware.go alone without a Middleware", map[string]string{"routes/admin/middleware.go": "package admin\n\nfunc helper() {}\n"},
			[]string{"routes/admin/middleware.go: defines no func Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc, and a folder whose only Go file is middleware.go is no route"}},
		{"middleware.go alone with a handler", map[string]string{"routes/admin/middleware.go": mw + "\nfunc Get(r *sandkit.Request) sandkit.Response { return sandkit.Empty(204) }\n"},
			[]string{"routes/admin/middleware.go:14:6: func Get is never called: a folder whose only Go file is middleware.go is no route (hint: move Get to another file of the folder, such as handler.go)"}},
		{"a route with only a Middleware", map[string]string{"routes/admin/handler.go": mw},
			[]string{`routes/admin/handler.go:5:6: route "admin" defines only func Middleware, so it answers no request (hint: put the Middleware alone in routes/admin/middleware.go`}},
		{"empty Go folder without a page", map[string]string{"routes/admin/middleware.go": mw, "routes/admin/x/handler.go": "package x\n"},
			[]string{`routes/admin/x/handler.go: no handler function in route "admin/x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectBuildError(t, tt.files, tt.want) })
	}
}

// A Middleware that returns nil fails the module's start, naming its folder.
func TestBuildMiddlewareNilFailsStart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	app := copyHello(t)
	writeFile(t, app, "routes/admin/middleware.go", "package admin\n\nimport sandkit \"sandkit.dev/sandkit/guest-sdk/go\"\n\nfunc Middleware(next sandkit.HandlerFunc) sandkit.HandlerFunc { return nil }\n")
	writeFile(t, app, "routes/admin/x/handler.go", getText("x", "x"))
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(res.WasmPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	// The sandkit imports are never called during the start.
	hb := r.NewHostModuleBuilder(abi.ModuleName)
	for _, imp := range compiled.ImportedFunctions() {
		if mod, name, _ := imp.Import(); mod == abi.ModuleName {
			hb = hb.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {
				t.Errorf("import %s called during the start", name)
			}), imp.ParamTypes(), imp.ResultTypes()).Export(name)
		}
	}
	if _, err := hb.Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithStartFunctions().WithStderr(&stderr))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mod.ExportedFunction(abi.ExportInitialize).Call(ctx)
	if err == nil || !strings.Contains(stderr.String(), "sandkit: func Middleware of routes/admin/ returned a nil handler") {
		t.Errorf("start: err %v, stderr:\n%s\nwant a failure naming routes/admin/", err, stderr.String())
	}
}
