package compiler

// The measurement behind MEASURE.md: one module per route against one app
// module, for examples/hello. It is slow and machine-dependent, so it runs
// only when asked:
//
//	SANDKIT_MEASURE=1 go test -run TestMeasureModuleLayout -v -timeout 30m ./compiler

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"sandkit.dev/sandkit/abi"
)

func TestMeasureModuleLayout(t *testing.T) {
	if os.Getenv("SANDKIT_MEASURE") == "" {
		t.Skip("set SANDKIT_MEASURE=1 to run")
	}
	ctx := context.Background()
	app := copyHello(t)
	routes, err := scanGoRoutes(app)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := findModule(app)
	if err != nil {
		t.Fatal(err)
	}
	goCmd, err := findGo()
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()

	type layout struct {
		name    string
		modules [][]*goRoute // routes linked into each module
	}
	perRoute := layout{name: "(a) one module per route"}
	for _, r := range routes {
		perRoute.modules = append(perRoute.modules, []*goRoute{r})
	}
	appMod := layout{name: "(b) one app module", modules: [][]*goRoute{routes}}

	// build builds every module of l with GOCACHE=cache and returns the wall time.
	build := func(l layout, cache, tag string) (time.Duration, []string) {
		start := time.Now()
		var files []string
		for i, rs := range l.modules {
			gen := generate(mod, app, rs)
			f := filepath.Join(out, fmt.Sprintf("%s-%s-%d.wasm", l.name[:3], tag, i))
			if err := goBuild(ctx, goCmd.path, app, gen, rs, f, []string{"GOCACHE=" + cache}); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		return time.Since(start), files
	}
	edit := func() { // a one-line change in one route
		p := filepath.Join(app, "routes", "hello", "[name]", "handler.go")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, append(b, []byte(fmt.Sprintf("\nvar edit%d = 1\n", time.Now().UnixNano()))...), 0o644)
	}

	var report strings.Builder
	fmt.Fprintf(&report, "machine: %d CPUs, %s, %s/%s; load average at start: %s\n",
		runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadavg())
	layouts := []layout{perRoute, appMod}
	caches := make([]string, len(layouts))
	cold := make([]time.Duration, len(layouts))
	files := make([][]string, len(layouts))
	for i, l := range layouts {
		caches[i] = t.TempDir() // an empty build cache: cold
		cold[i], files[i] = build(l, caches[i], "cold")
	}
	// Warm runs alternate between the layouts so both see the same load.
	const reps = 5
	warm := make([][]time.Duration, len(layouts))
	edited := make([][]time.Duration, len(layouts))
	for rep := 0; rep < reps; rep++ {
		for i, l := range layouts {
			d, _ := build(l, caches[i], "warm")
			warm[i] = append(warm[i], d)
			edit()
			// After an edit of one route, (a) rebuilds only that route's module.
			only := layout{name: l.name}
			for _, rs := range l.modules {
				if slices.ContainsFunc(rs, func(r *goRoute) bool { return r.id == "hello/[name]" }) {
					only.modules = append(only.modules, rs)
				}
			}
			d, _ = build(only, caches[i], "edit")
			edited[i] = append(edited[i], d)
		}
	}
	comp := map[string][]time.Duration{}
	for rep := 0; rep < reps; rep++ {
		for i := range layouts {
			for _, f := range files[i] {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				comp[f] = append(comp[f], compileTime(t, b))
			}
		}
	}
	for i, l := range layouts {
		fmt.Fprintf(&report, "\n%s: %d module(s)\n", l.name, len(files[i]))
		fmt.Fprintf(&report, "  go build, empty build cache (all modules, sequential): %v\n", cold[i].Round(10*time.Millisecond))
		fmt.Fprintf(&report, "  go build, warm cache, no change (all modules): median %v  %v\n", median(warm[i]).Round(10*time.Millisecond), rounded(warm[i]))
		fmt.Fprintf(&report, "  go build after editing routes/hello/[name] (its module only): median %v  %v\n", median(edited[i]).Round(10*time.Millisecond), rounded(edited[i]))
		var total int64
		var compTotal time.Duration
		for j, f := range files[i] {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			total += int64(len(b))
			compTotal += median(comp[f])
			heap := instanceHeap(t, b, 20)
			name := "app"
			if len(l.modules) > 1 {
				name = "routes/" + l.modules[j][0].id
			}
			fmt.Fprintf(&report, "  %-22s %7.2f MB  wazero compile median %v %v  host heap/instance %.2f MB\n",
				name, float64(len(b))/1e6, median(comp[f]).Round(time.Millisecond), rounded(comp[f]), heap/1e6)
		}
		fmt.Fprintf(&report, "  total: %.2f MB, wazero compile %v\n", float64(total)/1e6, compTotal.Round(time.Millisecond))
	}
	fmt.Fprintf(&report, "\nload average at end: %s\n", loadavg())
	t.Log("\n" + report.String())
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func rounded(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(10 * time.Millisecond)
	}
	return out
}

// compileTime is NewRuntime + CompileModule with no compilation cache.
func compileTime(t *testing.T, wasm []byte) time.Duration {
	ctx := context.Background()
	start := time.Now()
	r := wazero.NewRuntime(ctx)
	if _, err := r.CompileModule(ctx, wasm); err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	r.Close(ctx)
	return d
}

// instanceHeap is the Go heap growth per live, initialized instance over n
// instances of one compiled module.
func instanceHeap(t *testing.T, wasm []byte, n int) float64 {
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	b := r.NewHostModuleBuilder(abi.ModuleName)
	for _, name := range []string{abi.ImportResultRead, abi.ImportBodyRead, abi.ImportRespWrite, abi.ImportEnvGet} {
		b = b.NewFunctionBuilder().WithFunc(func(context.Context, uint32, uint32) int32 { return 0 }).Export(name)
	}
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, int32) int32 { return 0 }).Export(abi.ImportRespStatus)
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, uint32, uint32, uint32, uint32) int32 { return 0 }).Export(abi.ImportRespHeader)
	b = b.NewFunctionBuilder().WithFunc(func(context.Context, int32, uint32, uint32) {}).Export(abi.ImportLog)
	if _, err := b.Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	mods := make([]api.Module, n)
	for i := range mods {
		m, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(fmt.Sprint("m", i)).WithStartFunctions(abi.ExportInitialize))
		if err != nil {
			t.Fatal(err)
		}
		mods[i] = m
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(mods)
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}
