// Module layout: examples/hello's Go routes built as one module per route
// (a) against one app module (b): build times, sizes, wazero compile time
// and host memory per instance. The numbers behind compiler/MEASURE.md.

package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/internal/exampleapp"
)

// layoutRoutes are examples/hello's Go routes; editedRoute is the one the
// "after an edit" row changes.
var layoutRoutes = []string{"", "api/info", "echo", "hello/name.param"}

const editedRoute = "hello/name.param"

// layoutModule is one module of a layout: a copy of examples/hello holding
// the handlers of some routes.
type layoutModule struct {
	name   string // the route, or "app"
	dir    string
	routes []string
}

// layoutApp copies examples/hello to dir keeping only the handlers of keep.
func layoutApp(root, dir string, keep []string) error {
	if err := exampleapp.Copy(root, "hello", dir); err != nil {
		return err
	}
	routesDir := filepath.Join(dir, "routes")
	return filepath.WalkDir(routesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		rel, _ := filepath.Rel(routesDir, filepath.Dir(p))
		if rel == "." {
			rel = ""
		}
		for _, k := range keep {
			if filepath.ToSlash(rel) == k {
				return nil
			}
		}
		return os.Remove(p)
	})
}

// buildModule runs go build for m with the given build cache: the
// compiler's own cache of finished modules is emptied first so that go runs.
func buildModule(ctx context.Context, m layoutModule, gocache string) (time.Duration, string, error) {
	if err := os.RemoveAll(filepath.Join(m.dir, filepath.FromSlash(compiler.CacheDir))); err != nil {
		return 0, "", err
	}
	os.Setenv("GOCACHE", gocache) // the go command inherits it
	start := time.Now()
	res, err := compiler.BuildHandlers(ctx, m.dir)
	if err != nil {
		return 0, "", err
	}
	if res.Cached {
		return 0, "", fmt.Errorf("%s: answered from the build cache", m.dir)
	}
	return time.Since(start), res.WasmPath, nil
}

func layoutBench(ctx context.Context, r *report, root, work string, reps int) error {
	if old, ok := os.LookupEnv("GOCACHE"); ok {
		defer os.Setenv("GOCACHE", old)
	} else {
		defer os.Unsetenv("GOCACHE")
	}
	var perRoute []layoutModule
	for i, rt := range layoutRoutes {
		m := layoutModule{name: "routes/" + rt, dir: filepath.Join(work, fmt.Sprintf("layout-a%d", i)), routes: []string{rt}}
		if rt == "" {
			m.name = "routes/ (root)"
		}
		if err := layoutApp(root, m.dir, m.routes); err != nil {
			return err
		}
		perRoute = append(perRoute, m)
	}
	whole := layoutModule{name: "app", dir: filepath.Join(work, "layout-b"), routes: layoutRoutes}
	if err := layoutApp(root, whole.dir, whole.routes); err != nil {
		return err
	}
	layouts := []struct {
		name    string
		modules []layoutModule
	}{{"(a) one module per route", perRoute}, {"(b) one app module", []layoutModule{whole}}}

	type result struct {
		cold         time.Duration
		warm, edited []time.Duration
		files        []string
		compile      [][]time.Duration
	}
	res := make([]result, len(layouts))
	caches := make([]string, len(layouts))
	for i, l := range layouts {
		caches[i] = filepath.Join(work, fmt.Sprintf("gocache-%d", i)) // empty: a cold build
		start := time.Now()
		for _, m := range l.modules {
			progress("layout %s: cold build of %s", l.name, m.name)
			_, f, err := buildModule(ctx, m, caches[i])
			if err != nil {
				return err
			}
			res[i].files = append(res[i].files, f)
		}
		res[i].cold = time.Since(start)
	}
	// Warm runs alternate between the layouts so both see the same load.
	for rep := range reps {
		for i, l := range layouts {
			progress("layout %s: warm builds %d/%d", l.name, rep+1, reps)
			var total, edited time.Duration
			for _, m := range l.modules {
				d, _, err := buildModule(ctx, m, caches[i])
				if err != nil {
					return err
				}
				total += d
			}
			// A one-line change in one route: (a) rebuilds only that route's module.
			for _, m := range l.modules {
				if !slices.Contains(m.routes, editedRoute) {
					continue
				}
				p := filepath.Join(m.dir, "routes", filepath.FromSlash(editedRoute), "handler.go")
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if err := os.WriteFile(p, fmt.Appendf(b, "\nvar edit%d = 1\n", rep), 0o644); err != nil {
					return err
				}
				d, _, err := buildModule(ctx, m, caches[i])
				if err != nil {
					return err
				}
				edited += d
			}
			res[i].warm = append(res[i].warm, total)
			res[i].edited = append(res[i].edited, edited)
		}
	}
	for i := range layouts {
		res[i].compile = make([][]time.Duration, len(res[i].files))
	}
	for rep := range reps {
		progress("layout: wazero compiles %d/%d", rep+1, reps)
		for i := range layouts {
			for j, f := range res[i].files {
				d, err := compileTime(ctx, f)
				if err != nil {
					return err
				}
				res[i].compile[j] = append(res[i].compile[j], d)
			}
		}
	}

	r.printf("## One Go module per app vs one per route (issue 3)\n\n")
	r.printf("`go run ./bench -sections layout`: examples/hello's %d Go routes built by the compiler as one module per route (a)\n", len(layoutRoutes))
	r.printf("and as one app module (b). Cold: an empty GOCACHE, every module in turn. Warm: the same cache, nothing changed.\n")
	r.printf("Edit: a line appended to routes/%s, only the modules holding it rebuilt. wazero compile: NewRuntime + CompileModule,\n", editedRoute)
	r.printf("no compilation cache. Host heap: Go heap growth per live instance over 20. Medians of %d, (a) and (b) alternating.\n\n", reps)
	r.printf("| layout | module | size | wazero compile | host heap / instance |\n| --- | --- | ---: | ---: | ---: |\n")
	for i, l := range layouts {
		var total int64
		var compTotal time.Duration
		for j, f := range res[i].files {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			heap, err := instanceHeap(ctx, b, 20)
			if err != nil {
				return err
			}
			c := median(res[i].compile[j])
			total += int64(len(b))
			compTotal += c
			r.printf("| %s | %s | %s | %v | %.2f MB |\n", l.name, l.modules[j].name, size(len(b)), c.Round(time.Millisecond), heap/1e6)
		}
		r.printf("| %s | **total** | %s | %v | |\n", l.name, size(int(total)), compTotal.Round(time.Millisecond))
	}
	r.printf("\n| layout | go build, cold (all modules) | warm, nothing changed (all modules) | after an edit |\n| --- | ---: | ---: | ---: |\n")
	for i, l := range layouts {
		r.printf("| %s | %v | %v | %v |\n", l.name, res[i].cold.Round(10*time.Millisecond),
			median(res[i].warm).Round(10*time.Millisecond), median(res[i].edited).Round(10*time.Millisecond))
	}
	r.printf("\nMachine: %d CPUs, %s; load average at the end: %s.\n\n", runtime.NumCPU(), runtime.Version(), loadavg())
	return nil
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// compileTime is NewRuntime + CompileModule of the module in file, with no
// compilation cache.
func compileTime(ctx context.Context, file string) (time.Duration, error) {
	wasm, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if _, err := rt.CompileModule(ctx, wasm); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// instanceHeap is the Go heap growth per live, initialized instance over n
// instances of one compiled module, with no-op host functions.
func instanceHeap(ctx context.Context, wasm []byte, n int) (float64, error) {
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	b := rt.NewHostModuleBuilder(abi.ModuleName)
	for _, name := range []string{abi.ImportResultRead, abi.ImportBodyRead, abi.ImportRespWrite, abi.ImportEnvGet} {
		b = b.NewFunctionBuilder().WithFunc(func(context.Context, uint32, uint32) int32 { return 0 }).Export(name)
	}
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, int32) int32 { return 0 }).Export(abi.ImportRespStatus)
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, uint32, uint32, uint32, uint32) int32 { return 0 }).Export(abi.ImportRespHeader)
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, int32, uint32, uint32, uint32, uint32) int32 { return 0 }).Export(abi.ImportRespSend)
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, int32, uint32, uint32) {}).Export(abi.ImportLog)
	if _, err := b.Instantiate(ctx); err != nil {
		return 0, err
	}
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return 0, err
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	mods := make([]api.Module, n)
	for i := range mods {
		m, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(fmt.Sprint("m", i)).WithStartFunctions(abi.ExportInitialize))
		if err != nil {
			return 0, err
		}
		mods[i] = m
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(mods)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n), nil
}
