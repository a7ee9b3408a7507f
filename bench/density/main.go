// Command density measures how many apps one multi-app host holds: it
// registers N copies of examples/todo (each with its own SQLite database)
// in a bundle directory, serves them with package tenant over loopback
// HTTP, and reports
//
//   - the host's resident memory per loaded, idle tenant, per loaded tenant
//     once it gave back its idle instances (tenant.Host.TrimAll), and per
//     tenant once every one has been evicted;
//   - the latency of the first request to a trimmed tenant;
//   - wake latency, p50 and p99, of a tenant evicted with warm disk caches
//     (its machine code in the compilation cache, its files in the page
//     cache): for a handler route (GET /api/todos) and for a page (GET /);
//   - the same for the first wake of all, with an empty compilation cache;
//   - each wake after eviction phase by phase, beside the process's CPU
//     time, its threads' run-queue wait, GC cycles and heap allocated,
//     and a CPU-bound control (wake.go), so that a slow wake can be put
//     down to a phase, the collector or the machine.
//
// Its report is the source of docs/benchmarks.md, "Density".
//
//	go run ./bench/density [-apps 1000] [-wake 200] [-rounds 1] [-variants host,gcoff]
//		[-out FILE] [-samples FILE.csv] [-cpuprofile FILE] [-memprofile FILE]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/host/tenant"
	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/phase"
)

func main() {
	runtime.MemProfileRate = 64 << 10 // before anything is allocated: -memprofile diffs two profiles
	apps := flag.Int("apps", 1000, "copies of examples/todo to register")
	wake := flag.Int("wake", 200, "tenants woken per kind of route for the latency figures")
	out := flag.String("out", "", "also write the report (Markdown) to this file")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the wakes after eviction to this file")
	flag.StringVar(&memProfile, "memprofile", "", "write an allocation profile of the wakes after eviction to this file")
	samples := flag.String("samples", "", "write each wake after eviction, phase by phase, to this CSV file")
	flag.IntVar(&rounds, "rounds", 1, "evict and wake the same tenants this many times (per variant)")
	vs := flag.String("variants", "host", "comma-separated ways to run the wakes after eviction, interleaved by round: "+variantNames())
	flag.Parse()
	if *apps < 2 || *wake < 1 || 2**wake > *apps || rounds < 1 {
		fatalf("want -apps ≥ 2, 1 ≤ -wake ≤ apps/2 and -rounds ≥ 1")
	}
	for _, v := range strings.Split(*vs, ",") {
		if _, ok := variantsByName[v]; !ok {
			fatalf("no variant %q; there are: %s", v, variantNames())
		}
		variants = append(variants, v)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		fatalf("%v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "examples", "todo")); err != nil {
		fatalf("run from the repository's root: %v", err)
	}
	work, err := os.MkdirTemp("", "sandkit-density-")
	if err != nil {
		fatalf("%v", err)
	}
	defer os.RemoveAll(work)

	art := buildTodo(root, work)
	dir := filepath.Join(work, "apps")
	for i := range *apps {
		if err := linkTree(art, filepath.Join(dir, name(i))); err != nil {
			fatalf("registering copy %d: %v", i, err)
		}
	}
	r := measure(dir, filepath.Join(work, "cache"), *apps, *wake)
	report := r.markdown(*apps, *wake)
	if *samples != "" {
		writeSamples(*samples, r.samples)
	}
	fmt.Print(report)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
			fatalf("%v", err)
		}
	}
}

// Profiles of the wakes after eviction (-cpuprofile, -memprofile).
var cpuProfile, memProfile string

func name(i int) string { return fmt.Sprintf("todo-%04d", i) }

// buildTodo builds examples/todo into an artifact with the CLI of this
// checkout and returns its folder.
func buildTodo(root, work string) string {
	src := filepath.Join(work, "src", "todo")
	if err := exampleapp.Copy(root, "todo", src); err != nil {
		fatalf("%v", err)
	}
	art := filepath.Join(work, "artifact")
	cmd := exec.Command("go", "run", "./cmd/sandkit", "build", src, "-o", art)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		fatalf("sandkit build: %v\n%s", err, b)
	}
	return art
}

// linkTree makes dst a copy of the artifact folder src whose files are hard
// links: a tenant never writes into its artifact, only into its data/.
func linkTree(src, dst string) error {
	return filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			if rel == "data" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		return os.Link(p, filepath.Join(dst, rel))
	})
}

// result holds the measurements.
type result struct {
	base, loaded, evicted   int64           // resident bytes
	trimmed                 int64           // resident bytes once every loaded tenant gave back its idle instances
	trimHandler, trimPage   []time.Duration // the first request to a trimmed tenant
	coldFirst               time.Duration
	wakeHandler, wakePage   []time.Duration
	firstHandler, firstPage []time.Duration // the first wake of each tenant (cache filled by the first)

	samples               map[string][]sample // the wakes after eviction, phase by phase, by variant/kind
	loadBefore, loadAfter string              // the load average around them
	snapFiles, snapBytes  int64               // the QuickJS snapshot files on disk once every tenant woke
}

// snapshotFiles counts the QuickJS snapshot files under the cache folder
// and their bytes.
func snapshotFiles(cache string) (n, bytes int64) {
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".snap") {
			if fi, err := d.Info(); err == nil {
				n++
				bytes += fi.Size()
			}
		}
		return nil
	})
	return n, bytes
}

// loadavg is the machine's load average (1, 5, 15 minutes).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func measure(dir, cache string, apps, wake int) *result {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := tenant.DefaultConfig
	engine, err := host.NewEngine(append(cfg.EngineOptions(), host.WithCacheDir(cache), host.WithLogger(log))...)
	if err != nil {
		fatalf("%v", err)
	}
	defer engine.Close(ctx)
	reg, err := registry.OpenDir(dir)
	if err != nil {
		fatalf("%v", err)
	}
	cfg.BaseDomain = "apps.test"
	// Small tenants, so that every one of them fits the budget while loaded.
	cfg.Limits.MemoryBytes = 16 << 20
	cfg.Limits.MemoryPages = 256
	cfg.MemoryBudget = int64(apps) * cfg.Limits.MemoryBytes
	cfg.IdleTimeout = settings.Duration(time.Hour)
	h, err := tenant.New(ctx, engine, reg, cfg, tenant.WithLogger(log))
	if err != nil {
		fatalf("%v", err)
	}
	defer h.Close(ctx)
	srv := httptest.NewServer(withPhases(h))
	defer srv.Close()
	get := func(i int, path string, hdr ...string) time.Duration {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Host = name(i) + ".apps.test"
		for j := 0; j+1 < len(hdr); j += 2 {
			req.Header.Set(hdr[j], hdr[j+1])
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fatalf("GET %s on %s: %v", path, name(i), err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if resp.StatusCode != 200 {
			fatalf("GET %s on %s: %s", path, name(i), resp.Status)
		}
		return took
	}

	r := &result{base: rss()}
	// Every tenant woken once, alternating the handler route and the page;
	// the first fills the compilation cache.
	for i := range apps {
		path := "/api/todos"
		if i%2 == 1 {
			path = "/"
		}
		took := get(i, path)
		switch {
		case i == 0:
			r.coldFirst = took
		case i%2 == 0:
			r.firstHandler = append(r.firstHandler, took)
		default:
			r.firstPage = append(r.firstPage, took)
		}
		if (i+1)%100 == 0 {
			fmt.Fprintf(os.Stderr, "woke %d of %d tenants\n", i+1, apps)
		}
	}
	r.loaded = rss()
	r.snapFiles, r.snapBytes = snapshotFiles(cache)

	h.TrimAll()
	r.trimmed = rss()
	for i := range wake {
		r.trimHandler = append(r.trimHandler, get(2*i, "/api/todos"))
		r.trimPage = append(r.trimPage, get(2*i+1, "/"))
	}

	h.EvictAll()
	r.evicted = rss()
	// Each wake is timed phase by phase, beside a CPU-bound control and
	// what the process did meanwhile (wake.go).
	timed := func(i int, path string) sample {
		id := strconv.Itoa(i)
		rec := &phase.Recorder{}
		recorders.Store(id, rec)
		defer recorders.Delete(id)
		s := sample{app: name(i), control: control(), phases: map[string]time.Duration{}}
		before := readProc()
		s.total = get(i, path, wakeHeader, id)
		s.process = readProc().sub(before)
		for _, sp := range rec.Spans() {
			s.phases[sp.Name] += sp.Took
		}
		return s
	}
	r.loadBefore = loadavg()
	r.samples = map[string][]sample{}
	stop := startProfiles()
	for round := range rounds {
		for _, name := range variants {
			if round > 0 || name != variants[0] {
				h.EvictAll()
			}
			runtime.GC()
			undo := variantsByName[name].apply()
			for i := range wake {
				hs := timed(2*i, "/api/todos")
				ps := timed(2*i+1, "/")
				if name == variants[0] {
					r.wakeHandler = append(r.wakeHandler, hs.total)
					r.wakePage = append(r.wakePage, ps.total)
				}
				r.samples[name+"/handler"] = append(r.samples[name+"/handler"], hs)
				r.samples[name+"/page"] = append(r.samples[name+"/page"], ps)
			}
			undo()
		}
	}
	stop()
	r.loadAfter = loadavg()
	return r
}

// startProfiles starts the profiles asked for and returns what stops them
// and writes them.
func startProfiles() (stop func()) {
	if memProfile != "" {
		// What the wakes allocate is this profile less the .base one
		// (go tool pprof -base).
		runtime.GC()
		f, err := os.Create(memProfile + ".base")
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fatalf("%v", err)
		}
		f.Close()
	}
	var cpu *os.File
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatalf("%v", err)
		}
		cpu = f
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if memProfile != "" {
			f, err := os.Create(memProfile)
			if err != nil {
				fatalf("%v", err)
			}
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fatalf("%v", err)
			}
			f.Close()
		}
	}
}

// rss is this process's resident memory after a full collection that
// returns freed memory to the system: its anonymous and file pages, and
// the memory of its memfd files (the QuickJS snapshots), which is counted
// whole whether or not a mapping has touched it — RSS counts only the
// shared-memory pages a mapping touched, and none once unmapped.
func rss() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fatalf("%v", err)
	}
	var total int64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "RssAnon:", "RssFile:":
			total += kb << 10
			fmt.Fprintf(os.Stderr, "%s %.1f MiB ", f[0], float64(kb)/1024)
		case "RssShmem:":
			fmt.Fprintf(os.Stderr, "%s %.1f MiB ", f[0], float64(kb)/1024)
		}
	}
	memfd := memfdBytes()
	fmt.Fprintf(os.Stderr, "memfd: %.1f MiB\n", float64(memfd)/(1<<20))
	return total + memfd
}

// memfdBytes is the memory held by this process's memfd files.
func memfdBytes() int64 {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		fatalf("%v", err)
	}
	var n int64
	for _, fd := range fds {
		p := filepath.Join("/proc/self/fd", fd.Name())
		if target, err := os.Readlink(p); err != nil || !strings.HasPrefix(target, "/memfd:") {
			continue
		}
		if fi, err := os.Stat(p); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			}
		}
	}
	return n
}

func quantiles(d []time.Duration) string {
	s := slices.Clone(d)
	slices.Sort(s)
	q := func(f float64) time.Duration { return s[int(f*float64(len(s)-1))] }
	return fmt.Sprintf("%.1f / %.1f ms", ms(q(0.5)), ms(q(0.99)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (r *result) markdown(apps, wake int) string {
	var b strings.Builder
	perApp := func(v int64) string { return fmt.Sprintf("%.2f MiB", float64(v-r.base)/float64(apps)/(1<<20)) }
	fmt.Fprintf(&b, "%d copies of examples/todo, each with its own SQLite database; %d CPUs, %s.\n\n", apps, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "| figure | value |\n| --- | --- |\n")
	fmt.Fprintf(&b, "| host resident memory, no tenant loaded | %.0f MiB |\n", float64(r.base)/(1<<20))
	fmt.Fprintf(&b, "| per loaded, idle tenant | %s |\n", perApp(r.loaded))
	fmt.Fprintf(&b, "| per loaded tenant after it gave back its idle instances (trim) | %s |\n", perApp(r.trimmed))
	fmt.Fprintf(&b, "| per tenant after every one was evicted | %s |\n", perApp(r.evicted))
	fmt.Fprintf(&b, "| the very first wake (empty compilation cache) | %.1f ms |\n", ms(r.coldFirst))
	fmt.Fprintf(&b, "| first wake of each tenant, handler route, p50 / p99 | %s |\n", quantiles(r.firstHandler))
	fmt.Fprintf(&b, "| first wake of each tenant, page, p50 / p99 | %s |\n", quantiles(r.firstPage))
	fmt.Fprintf(&b, "| first request after a trim, handler route (%d tenants), p50 / p99 | %s |\n", wake, quantiles(r.trimHandler))
	fmt.Fprintf(&b, "| first request after a trim, page (%d tenants), p50 / p99 | %s |\n", wake, quantiles(r.trimPage))
	fmt.Fprintf(&b, "| wake after eviction, handler route (%d tenants), p50 / p99 | %s |\n", wake, quantiles(r.wakeHandler))
	fmt.Fprintf(&b, "| wake after eviction, page (%d tenants), p50 / p99 | %s |\n", wake, quantiles(r.wakePage))
	fmt.Fprintf(&b, "\nQuickJS snapshot files on disk once every tenant had woken: %d, %.0f MiB.\n", r.snapFiles, float64(r.snapBytes)/(1<<20))
	fmt.Fprintf(&b, "\nLoad average before the wakes after eviction: %s; after: %s.\n", r.loadBefore, r.loadAfter)
	if len(variants) > 1 || rounds > 1 {
		fmt.Fprintf(&b, "\nThe wakes after eviction ran %d round(s) of each variant, interleaved (%s); the table above is %q's.\n", rounds, strings.Join(variants, ", "), variants[0])
		fmt.Fprintf(&b, "\n| variant | handler p50 / p99 | page p50 / p99 |\n| --- | --- | --- |\n")
		for _, v := range variants {
			fmt.Fprintf(&b, "| %s: %s | %s | %s |\n", v, variantsByName[v].about, quantiles(totals(r.samples[v+"/handler"])), quantiles(totals(r.samples[v+"/page"])))
		}
	}
	for _, v := range variants {
		breakdown(&b, "Wake after eviction, handler route, "+v, r.samples[v+"/handler"])
		breakdown(&b, "Wake after eviction, page, "+v, r.samples[v+"/page"])
	}
	return b.String()
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "density: "+format+"\n", args...)
	os.Exit(1)
}
