// What fuel costs a server render: the pages engine (QuickJS in wasm)
// rendering the 100-item page of pages/testdata/app, with no fuel, with the
// first rule (a check at every entry and loop header), and with the
// current plan.

package fuel

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	wasmapi "github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/internal/reactfixture"
	"sandkit.dev/sandkit/pages"
)

var appDir = filepath.Join("..", "..", "..", "pages", "testdata", "app")

// reactBundle bundles pages' fixture app as pages' own tests do.
func reactBundle(t testing.TB) []byte {
	t.Helper()
	js, err := reactfixture.Bundle(appDir)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// listPage is pages' benchmark input: layout, nav, sidebar and n cards.
func listPage(t testing.TB, n int) []byte {
	in, err := json.Marshal(pages.Input{Route: "list", URL: "/items?page=1", Data: reactfixture.ListData(n)})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// renderVariants are the set-ups BenchmarkRenderFuel compares.
var renderVariants = []struct {
	name    string
	rewrite func([]byte) ([]byte, error)
}{
	{"none", nil},
	{"every-entry", func(wasm []byte) ([]byte, error) {
		return rewriteWith(wasm, &rewriter{instrument: true, everyEntry: true, noBack: true})
	}},
	{"plan-fall", func(wasm []byte) ([]byte, error) {
		return rewriteWith(wasm, &rewriter{instrument: true, noBack: true})
	}},
	{"plan-u16", func(wasm []byte) ([]byte, error) { return rewriteWith(wasm, &rewriter{instrument: true, maxUnit: 16}) }},
	{"plan-u1", func(wasm []byte) ([]byte, error) { return rewriteWith(wasm, &rewriter{instrument: true, maxUnit: 1}) }},
	{"plan", Instrument},
}

func renderer(b *testing.B, rewrite func([]byte) ([]byte, error), input []byte, opts ...pages.Option) *pages.Renderer {
	ctx := context.Background()
	if rewrite != nil {
		opts = append(opts, pages.WithModuleRewrite(rewrite), pages.WithRuntimeSetup(Register))
	}
	e, err := pages.NewEngine(ctx, opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close(ctx) })
	r, err := e.Load(ctx, "app/server.js", reactBundle(b), pages.WithInstances(1), pages.WithWarmup(input), pages.WithTimeout(10*time.Minute))
	if err != nil {
		b.Fatal(err)
	}
	for range 3 {
		if _, err := r.Render(ctx, input); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// BenchmarkRenderFuel renders the 100-item page (as pages'
// BenchmarkRender100: one warm instance reset after each render) once on
// each of three engines per iteration, interleaved so that load from
// elsewhere hits all alike: no fuel, the every-entry rule, and the plan.
// It reports each one's median and the medians of the per-iteration
// ratios to no fuel.
//
//	go test -run '^$' -bench BenchmarkRenderFuel -benchtime 60x ./host/internal/fuel/
func BenchmarkRenderFuel(b *testing.B) {
	ctx := context.Background()
	input := listPage(b, 100)
	rs := make([]*pages.Renderer, len(renderVariants))
	for i, v := range renderVariants {
		rs[i] = renderer(b, v.rewrite, input)
	}
	times := make([][]float64, len(rs))
	ratios := make([][]float64, len(rs))
	for b.Loop() {
		took := make([]float64, len(rs))
		for i, r := range rs {
			t0 := time.Now()
			if _, err := r.Render(ctx, input); err != nil {
				b.Fatal(err)
			}
			took[i] = float64(time.Since(t0)) / 1e6
			times[i] = append(times[i], took[i])
		}
		for i := range rs {
			ratios[i] = append(ratios[i], took[i]/took[0])
		}
	}
	for i, v := range renderVariants {
		slices.Sort(times[i])
		slices.Sort(ratios[i])
		b.ReportMetric(times[i][len(times[i])/2], v.name+"-p50-ms")
		if i > 0 {
			b.ReportMetric(ratios[i][len(ratios[i])/2], v.name+"/none")
		}
	}
}

// TestQuickJSPlan reports how many entry checks the plan keeps in the
// QuickJS build, and checks that it keeps every loop's.
func TestQuickJSPlan(t *testing.T) {
	qjs, err := os.ReadFile(filepath.Join("..", "..", "..", "pages", "internal", "qjswasm", "emscripten-module.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	old := &rewriter{instrument: true, everyEntry: true}
	if _, err := rewriteWith(qjs, old); err != nil {
		t.Fatal(err)
	}
	cur := &rewriter{instrument: true}
	if _, err := rewriteWith(qjs, cur); err != nil {
		t.Fatal(err)
	}
	t.Logf("QuickJS: %d functions; entry checks %d -> %d, loop checks %d -> %d",
		old.definedFuncs, old.entries, cur.entries, old.loops, cur.loops)
	if cur.loops != old.loops || cur.entries >= old.entries {
		t.Errorf("plan: %d entries, %d loops; every-entry: %d, %d", cur.entries, cur.loops, old.entries, old.loops)
	}
}

// BenchmarkRenderVariant renders the 100-item page on one engine per
// variant, for counting instructions (valgrind --tool=callgrind) rather
// than timing: run it at two -benchtime counts and take the difference.
// Compiled code is cached in the test cache directory, so that only the
// first run compiles.
func BenchmarkRenderVariant(b *testing.B) {
	ctx := context.Background()
	input := listPage(b, 100)
	for _, v := range renderVariants {
		b.Run(v.name, func(b *testing.B) {
			r := renderer(b, v.rewrite, input, pages.WithCacheDir(filepath.Join(testCacheDir(), "fuel-render-"+v.name)))
			for b.Loop() {
				if _, err := r.Render(ctx, input); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFuelVariants runs the Go guest's fib(27) and sum(10M) under each
// rewrite of renderVariants, interleaved within each iteration, and
// reports the medians of the per-iteration ratios to no fuel.
//
//	go test -run '^$' -bench BenchmarkFuelVariants -benchtime 20x ./host/internal/fuel/
func BenchmarkFuelVariants(b *testing.B) {
	wasm := spinGuest(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	for _, work := range []struct {
		name string
		fn   string
		arg  int32
	}{{"fib27", "fib", 27}, {"sum10M", "sum", 10_000_000}} {
		b.Run(work.name, func(b *testing.B) {
			fns := make([]wasmapi.Function, len(renderVariants))
			for i, v := range renderVariants {
				w := wasm
				if v.rewrite != nil {
					var err error
					if w, err = v.rewrite(wasm); err != nil {
						b.Fatal(err)
					}
				}
				m := newGoRuntime(b, w, wazero.NewRuntimeConfig()).instance(b)
				fns[i] = m.ExportedFunction(work.fn)
			}
			ratios := make([][]float64, len(fns))
			arg := wasmapi.EncodeI32(work.arg)
			for b.Loop() {
				took := make([]float64, len(fns))
				for i, fn := range fns {
					t0 := time.Now()
					if _, err := fn.Call(ctx, arg); err != nil {
						b.Fatal(err)
					}
					took[i] = float64(time.Since(t0))
				}
				for i := range fns {
					ratios[i] = append(ratios[i], took[i]/took[0])
				}
			}
			for i, v := range renderVariants[1:] {
				slices.Sort(ratios[i+1])
				b.ReportMetric(ratios[i+1][len(ratios[i+1])/2], v.name+"/none")
			}
		})
	}
}

// BenchmarkRenderFuelUnits counts the fuel a render takes under each
// rewrite, with a yield that hands out 1000 units at a time and counts its
// calls (fuel-units/render; under every-entry, the checks a render runs).
//
//	go test -run '^$' -bench BenchmarkRenderFuelUnits -benchtime 10x ./host/internal/fuel/
func BenchmarkRenderFuelUnits(b *testing.B) {
	ctx := context.Background()
	input := listPage(b, 100)
	for _, v := range renderVariants[1:] {
		b.Run(v.name, func(b *testing.B) {
			var yields atomic.Int64
			setup := func(ctx context.Context, r wazero.Runtime) error {
				_, err := r.NewHostModuleBuilder(ImportModule).NewFunctionBuilder().
					WithGoFunction(wasmapi.GoFunc(func(ctx context.Context, stack []uint64) {
						yields.Add(1)
						stack[0] = wasmapi.EncodeI32(1000)
					}), nil, []wasmapi.ValueType{wasmapi.ValueTypeI32}).
					Export(ImportName).Instantiate(ctx)
				return err
			}
			e, err := pages.NewEngine(ctx, pages.WithModuleRewrite(v.rewrite), pages.WithRuntimeSetup(setup))
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close(ctx)
			r, err := e.Load(ctx, "app/server.js", reactBundle(b), pages.WithInstances(1), pages.WithWarmup(input), pages.WithTimeout(10*time.Minute))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := r.Render(ctx, input); err != nil {
				b.Fatal(err)
			}
			yields.Store(0)
			for b.Loop() {
				if _, err := r.Render(ctx, input); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(yields.Load())*1000/float64(b.N), "fuel-units/render")
		})
	}
}
