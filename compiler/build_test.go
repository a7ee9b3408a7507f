package compiler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/exampleapp"
)

// repoRoot is the sandkit module folder: the test runs in compiler/.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyHello copies examples/hello into a temporary folder and points its
// replace directive at this checkout.
func copyHello(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hello")
	copyHelloTo(t, dst)
	return dst
}

func copyHelloTo(t testing.TB, dst string) {
	t.Helper()
	if err := exampleapp.Copy(repoRoot(t), "hello", dst); err != nil {
		t.Fatal(err)
	}
}

// writeFile writes a file of the app.
func writeFile(t testing.TB, app, rel, content string) {
	t.Helper()
	p := filepath.Join(app, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hello is examples/hello built once for the tests that only read it.
var hello struct {
	once sync.Once
	app  string
	res  *Result
	err  error
}

func builtHello(t testing.TB) (string, *Result) {
	t.Helper()
	hello.once.Do(func() {
		dir, err := os.MkdirTemp("", "sandkit-hello-")
		if err != nil {
			hello.err = err
			return
		}
		// Not t.TempDir: the build is shared by several tests.
		hello.app = filepath.Join(dir, "hello")
		copyHelloTo(t, hello.app)
		hello.res, hello.err = BuildHandlers(context.Background(), hello.app)
	})
	if hello.err != nil {
		t.Fatal(hello.err)
	}
	return hello.app, hello.res
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, app := range []string{hello.app, built.app} {
		if app != "" {
			os.RemoveAll(filepath.Dir(app))
		}
	}
	os.Exit(code)
}

func TestBuildHelloManifest(t *testing.T) {
	_, res := builtHello(t)
	want := []string{"", "api/info", "echo", "hello/name.param"}
	if !slices.Equal(res.Routes, want) {
		t.Errorf("Routes = %q, want %q", res.Routes, want)
	}
	wasm, err := os.ReadFile(res.WasmPath)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	var man struct {
		ABI    int      `json:"abi"`
		SHA256 string   `json:"sha256"`
		Routes []string `json:"routes"`
	}
	b, err := os.ReadFile(res.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if man.ABI != abi.Version || man.SHA256 != hex.EncodeToString(sum[:]) || man.SHA256 != res.SHA256 || !slices.Equal(man.Routes, want) {
		t.Errorf("manifest = %s; wasm sha256 %x", b, sum)
	}
}

// guest is an instantiated app module with a minimal sandkit host.
type guest struct {
	t        testing.TB
	compiled wazero.CompiledModule
	mod      api.Module
	host     *fakeHost
}

// fakeHost implements the sandkit imports for one request at a time.
type fakeHost struct {
	slot    []byte
	body    []byte
	status  int32
	headers []abi.Pair
	out     []byte
	logs    []string
	env     map[string]string
}

func mem(m api.Module, ptr, n uint32) []byte {
	b, ok := m.Memory().Read(ptr, n)
	if !ok {
		panic("out of range")
	}
	return b
}

func newGuest(t testing.TB, wasm []byte) *guest {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	t.Cleanup(func() { r.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	h := &fakeHost{}
	_, err := r.NewHostModuleBuilder(abi.ModuleName).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, ptr, n uint32) int32 {
		return int32(copy(mem(m, ptr, n), h.slot))
	}).Export(abi.ImportResultRead).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, ptr, n uint32) int32 {
		c := copy(mem(m, ptr, n), h.body)
		h.body = h.body[c:]
		return int32(c)
	}).Export(abi.ImportBodyRead).
		NewFunctionBuilder().WithFunc(func(_ context.Context, code int32) int32 {
		h.status = code
		return 0
	}).Export(abi.ImportRespStatus).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, np, nl, vp, vl uint32) int32 {
		h.headers = append(h.headers, abi.Pair{Name: string(mem(m, np, nl)), Value: string(mem(m, vp, vl))})
		return 0
	}).Export(abi.ImportRespHeader).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, ptr, n uint32) int32 {
		h.out = append(h.out, mem(m, ptr, n)...)
		return int32(n)
	}).Export(abi.ImportRespWrite).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, status int32, hp, hl, bp, bl uint32) int32 {
		ps, err := abi.DecodePairsAliased(mem(m, hp, hl), nil)
		if err != nil {
			return abi.ErrBadInput
		}
		h.status = status
		for _, p := range ps {
			h.headers = append(h.headers, abi.Pair{Name: strings.Clone(p.Name), Value: strings.Clone(p.Value)})
		}
		h.out = append(h.out, mem(m, bp, bl)...)
		return 0
	}).Export(abi.ImportRespSend).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, level int32, ptr, n uint32) {
		h.logs = append(h.logs, string(mem(m, ptr, n)))
	}).Export(abi.ImportLog).
		NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, ptr, n uint32) int32 {
		v, ok := h.env[string(mem(m, ptr, n))]
		if !ok {
			return abi.ErrNotFound
		}
		h.slot = []byte(v)
		return int32(len(v))
	}).Export(abi.ImportEnvGet).
		Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mod.ExportedFunction(abi.ExportInitialize).Call(ctx); err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, compiled: compiled, mod: mod, host: h}
}

// response is what one request produced.
type response struct {
	rc      int32
	status  int32
	headers []abi.Pair
	body    string
}

func (r response) header(name string) string {
	for _, p := range r.headers {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func (g *guest) do(head abi.RequestHead, body string) response {
	g.t.Helper()
	*g.host = fakeHost{slot: abi.AppendRequestHead(nil, &head), body: []byte(body), status: 200}
	res, err := g.mod.ExportedFunction(abi.ExportHandle).Call(context.Background(), uint64(len(g.host.slot)))
	if err != nil {
		g.t.Fatalf("%s %s: %v", head.Method, head.Path, err)
	}
	return response{rc: int32(res[0]), status: g.host.status, headers: g.host.headers, body: string(g.host.out)}
}

func TestBuildHelloRuns(t *testing.T) {
	_, res := builtHello(t)
	wasm, err := os.ReadFile(res.WasmPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g := newGuest(t, wasm)
	exports := g.compiled.ExportedFunctions()
	for name, sig := range map[string]string{
		abi.ExportHandle:     "i32->i32",
		abi.ExportAlloc:      "i32->i32",
		abi.ExportVersion:    "->i32",
		abi.ExportInitialize: "->",
	} {
		f, ok := exports[name]
		if !ok {
			t.Errorf("export %s missing", name)
			continue
		}
		if got := signature(f); got != sig {
			t.Errorf("export %s: signature %s, want %s", name, got, sig)
		}
	}

	v, err := g.mod.ExportedFunction(abi.ExportVersion).Call(ctx)
	if err != nil || int32(v[0]) != abi.Version {
		t.Fatalf("sandkit_abi_version = %v, %v", v, err)
	}
	tests := []struct {
		name       string
		head       abi.RequestHead
		body       string
		wantStatus int32
		wantBody   string // substring
		wantHeader abi.Pair
	}{
		{"param", abi.RequestHead{Method: "GET", Route: "hello/name.param", Path: "/hello/Ada",
			Params: []abi.Pair{{Name: "name", Value: "Ada"}}, ContentLength: -1, RequestID: "r1"},
			"", 200, "Hello, Ada!", abi.Pair{Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
		{"root", abi.RequestHead{Method: "GET", Route: "", Path: "/", ContentLength: -1},
			"", 200, "Hello from sandkit", abi.Pair{}},
		{"raw json", abi.RequestHead{Method: "GET", Route: "api/info", Path: "/api/info", ContentLength: -1, RequestID: "q7"},
			"", 200, `{"app":"hello","route":"api/info","method":"GET","request_id":"q7"}`, abi.Pair{Name: "Content-Type", Value: "application/json"}},
		{"reflect json", abi.RequestHead{Method: "GET", Route: "api/info", Path: "/api/info", Query: "via=reflect", ContentLength: -1, RequestID: "q7"},
			"", 200, `{"app":"hello","route":"api/info","method":"GET","request_id":"q7"}`, abi.Pair{Name: "Content-Type", Value: "application/json"}},
		{"echo", abi.RequestHead{Method: "POST", Route: "echo", Path: "/echo", ContentLength: 10000,
			Headers: []abi.Pair{{Name: "Content-Type", Value: "text/x-demo"}}},
			strings.Repeat("0123456789", 1000), 200, strings.Repeat("0123456789", 1000), abi.Pair{Name: "Content-Type", Value: "text/x-demo"}},
		{"echo GET is 405", abi.RequestHead{Method: "GET", Route: "echo", Path: "/echo", ContentLength: -1},
			"", 405, "method not allowed", abi.Pair{Name: "Allow", Value: "POST"}},
		{"unknown route", abi.RequestHead{Method: "GET", Route: "nope", Path: "/nope", ContentLength: -1},
			"", 404, `{"error":{"status":404,"message":"no handler for this route"}}`, abi.Pair{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.do(tt.head, tt.body)
			if got.rc != 0 || got.status != tt.wantStatus || !strings.Contains(got.body, tt.wantBody) {
				t.Fatalf("rc=%d status=%d body=%.200q; want rc=0 status=%d body containing %.200q", got.rc, got.status, got.body, tt.wantStatus, tt.wantBody)
			}
			if tt.wantHeader.Name != "" && got.header(tt.wantHeader.Name) != tt.wantHeader.Value {
				t.Errorf("%s = %q, want %q", tt.wantHeader.Name, got.header(tt.wantHeader.Name), tt.wantHeader.Value)
			}
		})
	}
}

func signature(f api.FunctionDefinition) string {
	names := func(ts []api.ValueType) string {
		var s []string
		for _, t := range ts {
			s = append(s, api.ValueTypeName(t))
		}
		return strings.Join(s, ",")
	}
	return names(f.ParamTypes()) + "->" + names(f.ResultTypes())
}

func TestBuildCacheHit(t *testing.T) {
	app, first := builtHello(t)
	runs := goRuns.Load()
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Cached || goRuns.Load() != runs {
		t.Errorf("second build: Cached=%v, go ran %d times; want a cache hit without go", res.Cached, goRuns.Load()-runs)
	}
	if res.SHA256 != first.SHA256 || !slices.Equal(res.Routes, first.Routes) {
		t.Errorf("cache hit gave %s %q, first build %s %q", res.SHA256, res.Routes, first.SHA256, first.Routes)
	}
}

func TestBuildErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	const broken = `package hello

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response {
	x := 1
	return sandkit.Text(200, foo)
}
`
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error
	}{
		{"undefined name", map[string]string{"routes/hello/name.param/handler.go": broken},
			[]string{"routes/hello/name.param/handler.go:6:2: declared and not used: x", "routes/hello/name.param/handler.go:7:27: undefined: foo", "# routes/hello/name.param"}},
		{"wrong signature", map[string]string{"routes/echo/handler.go": "package echo\n\nfunc Post() string { return \"\" }\n"},
			[]string{"routes/echo/handler.go:3:6: cannot use Post", "hint: a handler must be func(*sandkit.Request) sandkit.Response"}},
		{"syntax error", map[string]string{"routes/api/info/handler.go": "package info\n\nfunc Get( {\n"},
			[]string{"routes/api/info/handler.go:3:"}},
		{"no handler function", map[string]string{"routes/api/info/handler.go": "package info\n\nfunc get() {}\n"},
			[]string{`routes/api/info/handler.go: no handler function in route "api/info" (hint: define func Get`}},
		{"layout loader without a layout", map[string]string{"routes/api/info/handler.go": "package info\n\nfunc Layout() {}\n"},
			[]string{`routes/api/info/handler.go:3:6: func Layout loads the data of a layout, but routes/api/info/ has no layout.tsx`}},
		{"package main", map[string]string{"routes/echo/handler.go": "package main\n\nfunc Post() {}\n"},
			[]string{"routes/echo/handler.go:1:9: a route handler cannot be package main (hint: use any other name, such as `package echo`)"}},
		{"missing import", map[string]string{"routes/echo/more.go": "package echo\n\nimport _ \"example.com/nowhere/pkg\"\n"},
			[]string{"routes/echo/more.go:3:8:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectBuildError(t, tt.files, tt.want) })
	}
}

// expectBuildError builds a copy of examples/hello with files added and
// wants a *BuildError whose text holds each of want and names none of the
// generated code (its folder, the build's temporary folder, the
// middleware glue's mw identifiers).
func expectBuildError(t *testing.T, files map[string]string, want []string) {
	t.Helper()
	app := copyHello(t)
	for f, c := range files {
		writeFile(t, app, f, c)
	}
	_, err := BuildHandlers(context.Background(), app)
	t.Log(err)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BuildError", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	if strings.Contains(err.Error(), genDir) || strings.Contains(err.Error(), "mw0") || strings.Contains(err.Error(), filepath.Join(os.TempDir(), "sandkit-build")) {
		t.Errorf("error names generated code:\n%v", err)
	}
}

func TestBuildNoGoMod(t *testing.T) {
	app := t.TempDir()
	writeFile(t, app, "routes/handler.go", "package root\n\nfunc Get() {}\n")
	_, err := BuildHandlers(context.Background(), app)
	if err == nil || !strings.Contains(err.Error(), "go.mod: not found") || !strings.Contains(err.Error(), "sandkit new NAME") {
		t.Errorf("err = %v, want go.mod not found with a `sandkit new` hint", err)
	}
}

func TestBuildNoGoRoutesRemovesStaleOutput(t *testing.T) {
	app := t.TempDir()
	writeFile(t, app, "routes/page.tsx", "export default function Page() { return null }\n")
	writeFile(t, app, "routes/_lib/util.go", "package lib\n")
	writeFile(t, app, BuildDir+"/"+WasmFile, "stale")
	writeFile(t, app, BuildDir+"/"+ManifestFile, "{}")
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Routes) != 0 || res.WasmPath != "" || res.ManifestPath != "" {
		t.Errorf("result = %+v, want no routes and no files", res)
	}
	for _, f := range []string{WasmFile, ManifestFile} {
		if _, err := os.Stat(filepath.Join(app, BuildDir, f)); !os.IsNotExist(err) {
			t.Errorf("%s still there (err %v)", f, err)
		}
	}
}

func TestGenerate(t *testing.T) {
	mod := &goModule{dir: "/src/blog", path: "example.com/blog"}
	routes := []*goRoute{
		{id: "", dir: "/src/blog/routes", files: []string{"handler.go"},
			funcs: []handlerFunc{{name: "Get", file: "routes/handler.go", line: 5, col: 6}}},
		{id: "posts/slug.param", dir: "/src/blog/routes/posts/slug.param", files: []string{"a.go", "b.go"},
			funcs: []handlerFunc{{name: "Get", file: "routes/posts/slug.param/a.go", line: 3, col: 6}, {name: "Delete", file: "routes/posts/slug.param/b.go", line: 9, col: 6}}},
	}
	g := generate(mod, "/src/blog", routes)
	want := `// Code generated by sandkit's compiler from routes/; DO NOT EDIT.

package main

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"

	r0 "example.com/blog/sandkit_gen/r0" // routes/
	r1 "example.com/blog/sandkit_gen/r1" // routes/posts/slug.param
)

func init() {
	sandkit.Handle("", sandkit.Methods{
		Get: r0.Get,
	})
	sandkit.Handle("posts/slug.param", sandkit.Methods{
		Get: r1.Get,
		Delete: r1.Delete,
	})
}

func main() {}
`
	if string(g.mainGo) != want {
		t.Errorf("main.go:\n%s\nwant:\n%s", g.mainGo, want)
	}
	if hf := g.lines[18]; hf.file != "routes/posts/slug.param/b.go" || hf.line != 9 {
		t.Errorf("line 18 maps to %+v, want the Delete of b.go", hf)
	}
	if g.overlay["/src/blog/sandkit_gen/r1/b.go"] != "/src/blog/routes/posts/slug.param/b.go" {
		t.Errorf("overlay = %v", g.overlay)
	}
	// A layout loader registers under layout:FOLDER; a folder with only one
	// registers nothing else.
	routes = []*goRoute{{id: "", dir: "/src/blog/routes", files: []string{"handler.go"},
		layout: &handlerFunc{name: "Layout", file: "routes/handler.go", line: 4, col: 6}}}
	if g := generate(mod, "/src/blog", routes); !strings.Contains(string(g.mainGo), "func init() {\n\tsandkit.Handle(\"layout:\", sandkit.Methods{\n\t\tGet: r0.Layout,\n\t})\n}") || g.lines[13].name != "Layout" {
		t.Errorf("main.go with a layout loader:\n%s\nline 13 maps to %+v", g.mainGo, g.lines[13])
	}
	var ov struct{ Replace map[string]string }
	if err := json.Unmarshal(g.overlayJSON("/src/blog", "/tmp/x/main.go"), &ov); err != nil || ov.Replace["/src/blog/sandkit_gen/main.go"] != "/tmp/x/main.go" || len(ov.Replace) != 4 {
		t.Errorf("overlay JSON = %v, %v", ov, err)
	}
}

func TestBuildCancelled(t *testing.T) {
	app := copyHello(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := BuildHandlers(ctx, app)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(app, BuildDir, WasmFile)); !os.IsNotExist(err) {
		t.Errorf("a cancelled build published a module (stat err %v)", err)
	}
}

// BenchmarkHandle is one warm sandkit_handle call of the built app module:
// GET /hello/Ada, through the test's minimal host.
func BenchmarkHandle(b *testing.B) {
	_, res := builtHello(b)
	wasm, err := os.ReadFile(res.WasmPath)
	if err != nil {
		b.Fatal(err)
	}
	g := newGuest(b, wasm)
	head := abi.RequestHead{Method: "GET", Route: "hello/name.param", Path: "/hello/Ada",
		Params: []abi.Pair{{Name: "name", Value: "Ada"}}, ContentLength: -1, RequestID: "r1",
		Headers: []abi.Pair{{Name: "Accept", Value: "*/*"}, {Name: "Host", Value: "localhost"}}}
	slot := abi.AppendRequestHead(nil, &head)
	handle := g.mod.ExportedFunction(abi.ExportHandle)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		*g.host = fakeHost{slot: slot, out: g.host.out[:0], headers: g.host.headers[:0]}
		if res, err := handle.Call(ctx, uint64(len(slot))); err != nil || res[0] != 0 {
			b.Fatal(res, err)
		}
	}
}

// An app may live below its module's root; the virtual packages then sit
// under the app's import path.
func TestBuildAppBelowModuleRoot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	app := copyHello(t)
	root := filepath.Dir(app)
	if err := os.Rename(filepath.Join(app, "go.mod"), filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	gomod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	writeFile(t, root, "go.mod", strings.Replace(string(gomod), "module example.com/hello", "module example.com/site", 1))
	writeFile(t, root, "shared/greet/greet.go", "package greet\n\nfunc Hello(n string) string { return \"Hi, \" + n }\n")
	writeFile(t, app, "routes/hello/name.param/handler.go", `package hello

import (
	"example.com/site/shared/greet"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, greet.Hello(r.Param("name"))) }
`)
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	wasm, _ := os.ReadFile(res.WasmPath)
	g := newGuest(t, wasm)
	got := g.do(abi.RequestHead{Method: "GET", Route: "hello/name.param", Path: "/hello/Ada", Params: []abi.Pair{{Name: "name", Value: "Ada"}}}, "")
	if got.rc != 0 || got.body != "Hi, Ada" {
		t.Errorf("rc=%d body=%q", got.rc, got.body)
	}
	// A change outside the app folder but inside its module invalidates the cache.
	writeFile(t, root, "shared/greet/greet.go", "package greet\n\nfunc Hello(n string) string { return \"Hey, \" + n }\n")
	res, err = BuildHandlers(context.Background(), app)
	if err != nil || res.Cached {
		t.Errorf("after editing a shared package: Cached=%v err=%v, want a rebuild", res != nil && res.Cached, err)
	}
}

// A panic in a handler is recovered inside the module: handle fails, one
// error record is logged with a stack that names routes/, and the instance
// keeps serving.
func TestGuestPanicRecovered(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	app := copyHello(t)
	writeFile(t, app, "routes/boom/handler.go", `package boom

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

func Get(r *sandkit.Request) sandkit.Response {
	var m map[string]int
	m["x"] = 1 // assignment to a nil map
	return sandkit.Text(200, "unreachable")
}
`)
	res, err := BuildHandlers(context.Background(), app)
	if err != nil {
		t.Fatal(err)
	}
	wasm, _ := os.ReadFile(res.WasmPath)
	g := newGuest(t, wasm)
	got := g.do(abi.RequestHead{Method: "GET", Route: "boom", Path: "/boom", RequestID: "r9"}, "")
	if got.rc == 0 || len(g.host.out) != 0 {
		t.Errorf("after a panic: rc=%d body=%q, want non-zero and no body", got.rc, g.host.out)
	}
	if len(g.host.logs) != 1 || !strings.Contains(g.host.logs[0], "assignment to entry in nil map") ||
		!strings.Contains(g.host.logs[0], "\troutes/boom/handler.go:7 ") || strings.Contains(g.host.logs[0], genDir) {
		t.Errorf("logs = %q, want one record with the panic and its stack", g.host.logs)
	}
	if got := g.do(abi.RequestHead{Method: "GET", Route: "", Path: "/"}, ""); got.rc != 0 || got.status != 200 {
		t.Errorf("next request: rc=%d status=%d", got.rc, got.status)
	}
}
