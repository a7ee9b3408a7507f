package pages

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRender100 renders the 100-item page on one warm instance, reset
// to the snapshot after every render (the default). Besides ns/op it
// reports the median (p50-ms) and renders/s.
func BenchmarkRender100(b *testing.B) { benchRender100(b) }

// BenchmarkRender100Reuse renders on one instance that keeps what each
// render leaves (WithInstanceReuse): the cost of pristine renders is the
// difference with BenchmarkRender100.
func BenchmarkRender100Reuse(b *testing.B) { benchRender100(b, WithInstanceReuse(true)) }

// BenchmarkRender100Pristine renders every page on a new instance restored
// from the snapshot (reuse with WithRendersPerInstance(1)): the other way to
// start each render pristine.
func BenchmarkRender100Pristine(b *testing.B) {
	benchRender100(b, WithInstanceReuse(true), WithRendersPerInstance(1))
}

// warmRenderer loads the React bundle on one instance warmed by input
// (the warm-up before the snapshot and three renders), closed when b ends.
func warmRenderer(b *testing.B, input []byte, opts ...LoadOption) *Renderer {
	ctx := context.Background()
	// A minute, not the default second: on a loaded machine a render can
	// be descheduled past a second, which says nothing about its speed.
	opts = append([]LoadOption{WithInstances(1), WithWarmup(input), WithTimeout(time.Minute)}, opts...)
	r, err := testEngine(b).Load(ctx, "app/server.js", reactBundle(b), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close(ctx) })
	for range 3 {
		if _, err := r.Render(ctx, input); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

func benchRender100(b *testing.B, opts ...LoadOption) {
	ctx := context.Background()
	input := listPage(b, 100)
	r := warmRenderer(b, input, opts...)
	var times []time.Duration
	start := time.Now()
	for b.Loop() {
		t0 := time.Now()
		if _, err := r.Render(ctx, input); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
	}
	total := time.Since(start)
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(len(times))/total.Seconds(), "renders/s")
	if st := r.Stats(); st.Resets > 0 {
		b.ReportMetric(float64(st.Reset.Microseconds()), "reset-µs")
	}
}

// BenchmarkRender100Modes compares the ways to run renders on one loaded
// machine: each iteration renders the 100-item page once on each of three
// renderers in turn, so load from elsewhere hits all three alike. It
// reports each one's median: reset (the default: the instance is reset to
// the snapshot in place after each render), reuse (WithInstanceReuse) and
// restore (a new instance from the snapshot per render), and the medians
// of the per-iteration ratios to reuse.
func BenchmarkRender100Modes(b *testing.B) { benchModes(b, listPage(b, 100)) }

// BenchmarkRender0Modes is BenchmarkRender100Modes for the same page with
// no items (layout, nav and sidebar: a small page), where the reset's fixed
// part weighs most.
func BenchmarkRender0Modes(b *testing.B) { benchModes(b, listPage(b, 0)) }

func benchModes(b *testing.B, input []byte) {
	ctx := context.Background()
	modes := []struct {
		name string
		opts []LoadOption
	}{
		{"reset", nil},
		{"reuse", []LoadOption{WithInstanceReuse(true)}},
		{"restore", []LoadOption{WithInstanceReuse(true), WithRendersPerInstance(1)}},
	}
	rs := make([]*Renderer, len(modes))
	for i, m := range modes {
		rs[i] = warmRenderer(b, input, m.opts...)
	}
	times := make([][]time.Duration, len(modes))
	ratios := make([][]float64, len(modes))
	for b.Loop() {
		took := make([]time.Duration, len(modes))
		for i, r := range rs {
			t0 := time.Now()
			if _, err := r.Render(ctx, input); err != nil {
				b.Fatalf("%s, after %v: %v", modes[i].name, time.Since(t0), err)
			}
			took[i] = time.Since(t0)
			times[i] = append(times[i], took[i])
		}
		for i := range modes {
			ratios[i] = append(ratios[i], float64(took[i])/float64(took[1]))
		}
	}
	for i, m := range modes {
		slices.Sort(times[i])
		slices.Sort(ratios[i])
		b.ReportMetric(float64(times[i][len(times[i])/2])/1e6, m.name+"-p50-ms")
		if i != 1 {
			b.ReportMetric(ratios[i][len(ratios[i])/2], m.name+"/reuse")
		}
	}
	b.ReportMetric(float64(rs[0].Stats().Reset.Microseconds()), "reset-µs")
}

// BenchmarkRender100Parallel renders the 100-item page from all CPUs, one
// instance each: the throughput of one app on the machine.
func BenchmarkRender100Parallel(b *testing.B) {
	ctx := context.Background()
	input := listPage(b, 100)
	r, err := testEngine(b).Load(ctx, "app/server.js", reactBundle(b), WithWarmup(input))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.Render(ctx, input); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "renders/s")
}

// BenchmarkNodeRender100 is the baseline: Node 20 rendering the same bundle
// and input warm, b.N times in one process (started outside the timing).
func BenchmarkNodeRender100(b *testing.B) {
	benchNode(b, "node-bench.cjs", max(b.N, 100), reactBundle(b), listPage(b, 100))
}

// BenchmarkNodePerRender100 is the baseline of issue 13's SSR rows: a Node
// process started per render (node -e: load the same bundle, render the
// 100-item page once, exit), as a server that shells out to Node per page
// would. It reports the median (p50-ms).
func BenchmarkNodePerRender100(b *testing.B) {
	dir := b.TempDir()
	bundle, input := filepath.Join(dir, "server.js"), filepath.Join(dir, "input.json")
	if err := os.WriteFile(bundle, reactBundle(b), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(input, listPage(b, 100), 0o644); err != nil {
		b.Fatal(err)
	}
	script := `const fs=require("fs");(0,eval)(fs.readFileSync(process.argv[1],"utf8"));` +
		`process.stdout.write(String(globalThis.__sandkit_render(fs.readFileSync(process.argv[2],"utf8")).length))`
	var times []time.Duration
	for b.Loop() {
		t0 := time.Now()
		out, err := exec.Command("node", "-e", script, bundle, input).Output()
		if err != nil {
			b.Fatalf("node: %v", err)
		}
		times = append(times, time.Since(t0))
		if n, err := strconv.Atoi(string(out)); err != nil || n < 10000 {
			b.Fatalf("node rendered %q, want the length of a 100-item page", out)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2])/1e6, "p50-ms")
}

// BenchmarkQuickJSInNode100 runs the same QuickJS wasm, prelude, bundle
// and input in Node's wasm engine (V8's Liftoff/TurboFan instead of
// wazero's compiler), b.N renders in one process.
func BenchmarkQuickJSInNode100(b *testing.B) {
	benchNode(b, "node-qjs-bench.cjs", max(b.N, 10), []byte(prelude), reactBundle(b), listPage(b, 100))
}

// benchNode runs a Node benchmark script from appDir with files (written to
// temporary files, passed in order) and n, and reports the median and
// throughput it prints.
func benchNode(b *testing.B, script string, n int, files ...[]byte) {
	dir := b.TempDir()
	args := []string{filepath.Join(appDir, script)}
	for i, data := range files {
		f := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
		args = append(args, f)
	}
	out, err := exec.Command("node", append(args, strconv.Itoa(n))...).Output()
	if err != nil {
		b.Fatalf("node: %v", err)
	}
	var res struct {
		MedianNS float64 `json:"median_ns"`
		PerSec   float64 `json:"per_sec"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(1e9/res.PerSec, "ns/op")
	b.ReportMetric(res.MedianNS/1e6, "p50-ms")
	b.ReportMetric(res.PerSec, "renders/s")
}

// BenchmarkRestore creates an instance from the snapshot of a warmed one
// (and closes it), the cost of replacing or adding an instance.
func BenchmarkRestore(b *testing.B) {
	ctx := context.Background()
	bundle := reactBundle(b)
	e := testEngine(b)
	r, err := e.Load(ctx, "app/server.js", bundle, WithWarmup(listPage(b, 100)))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	for b.Loop() {
		in, err := e.restore(ctx, r.snap)
		if err != nil {
			b.Fatal(err)
		}
		in.close(ctx)
	}
}

// BenchmarkRestoreAndRender is a restore followed by the first render on
// the new instance (which pays its copy-on-write page faults).
func BenchmarkRestoreAndRender(b *testing.B) {
	ctx := context.Background()
	bundle := reactBundle(b)
	input := listPage(b, 100)
	e := testEngine(b)
	r, err := e.Load(ctx, "app/server.js", bundle, WithWarmup(input))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close(ctx)
	for b.Loop() {
		in, err := e.restore(ctx, r.snap)
		if err != nil {
			b.Fatal(err)
		}
		st := &callState{}
		if _, err := in.render(withState(ctx, st), st, input); err != nil {
			b.Fatal(err)
		}
		in.close(ctx)
	}
}

// BenchmarkFreshInstance evaluates the bundle in a new instance: what every
// new instance would cost without a snapshot.
func BenchmarkFreshInstance(b *testing.B) {
	ctx := context.Background()
	bundle := reactBundle(b)
	e := testEngine(b)
	for b.Loop() {
		in, err := e.newFreshInstance(ctx, "app/server.js", bundle, 0)
		if err != nil {
			b.Fatal(err)
		}
		in.close(ctx)
	}
}
