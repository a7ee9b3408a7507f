// Where a wake's time goes: each wake after eviction is timed phase by
// phase (internal/phase, carried into the host by a header only this
// benchmark's server reads), beside what the process and the machine did
// meanwhile — garbage collections, the process's CPU time, the time its
// threads waited for a CPU (the kernel's run-queue delay, summed over the
// threads: the machine's share), page faults — and a CPU-bound control
// timed just before the wake, whose spread is the machine's alone.

package main

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sandkit.dev/sandkit/internal/phase"
)

// Rounds and variants of the wakes after eviction (-rounds, -variants).
var (
	rounds   int
	variants []string
)

// variant is one way to run the wakes after eviction: apply sets it up
// and returns what undoes it.
type variant struct {
	about string
	apply func() (undo func())
}

var variantsByName = map[string]variant{
	"host": {"the host as it is", func() func() { return func() {} }},
	"gcoff": {"no garbage collection during the wakes (debug.SetGCPercent(-1))", func() func() {
		old := debug.SetGCPercent(-1)
		return func() { debug.SetGCPercent(old); runtime.GC() }
	}},
}

func variantNames() string {
	return strings.Join(slices.Sorted(maps.Keys(variantsByName)), ", ")
}

func totals(ss []sample) []time.Duration {
	out := make([]time.Duration, len(ss))
	for i, s := range ss {
		out[i] = s.total
	}
	return out
}

// wakeHeader names the recorder of a request's phases.
const wakeHeader = "X-Density-Wake"

// recorders are the phase recorders of the requests in flight, by the
// value of wakeHeader.
var recorders sync.Map

// withPhases serves h, timing the phases of requests that name a recorder.
func withPhases(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(wakeHeader); id != "" {
			if rec, ok := recorders.Load(id); ok {
				r = r.WithContext(phase.With(r.Context(), rec.(*phase.Recorder)))
			}
		}
		h.ServeHTTP(w, r)
	})
}

// sample is one wake and what happened around it.
type sample struct {
	app     string
	total   time.Duration // the request, as the client saw it
	control time.Duration // the CPU-bound control, timed just before
	phases  map[string]time.Duration
	process procStats // during the request
}

// procStats are the process's counters; their differences are a sample's.
type procStats struct {
	cpu      time.Duration // user + system
	runDelay time.Duration // summed over the threads: runnable, waiting for a CPU
	majflt   int64
	inblock  int64 // 512-byte blocks read from disk
	gcs      uint64
	gcPause  time.Duration // stop-the-world pauses for the collector (from a histogram: approximate)
	gcCPU    time.Duration // the runtime's estimate of the collector's CPU time
	schedLat time.Duration // goroutines runnable, waiting for a thread (histogram: approximate)
	alloc    uint64        // bytes allocated on the Go heap
}

func (a procStats) sub(b procStats) procStats {
	return procStats{cpu: a.cpu - b.cpu, runDelay: a.runDelay - b.runDelay, majflt: a.majflt - b.majflt,
		inblock: a.inblock - b.inblock, gcs: a.gcs - b.gcs, gcPause: a.gcPause - b.gcPause,
		gcCPU: a.gcCPU - b.gcCPU, schedLat: a.schedLat - b.schedLat, alloc: a.alloc - b.alloc}
}

var metricSamples = []metrics.Sample{
	{Name: "/gc/cycles/total:gc-cycles"},
	{Name: "/sched/pauses/total/gc:seconds"},
	{Name: "/cpu/classes/gc/total:cpu-seconds"},
	{Name: "/sched/latencies:seconds"},
	{Name: "/gc/heap/allocs:bytes"},
	{Name: "/gc/heap/live:bytes"},
}

// readProc reads the process's counters.
func readProc() procStats {
	var s procStats
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		s.majflt = ru.Majflt
		s.inblock = ru.Inblock
	}
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join("/proc/self/task", t.Name(), "schedstat"))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) >= 2 {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			s.runDelay += time.Duration(ns)
		}
	}
	metrics.Read(metricSamples)
	s.gcs = metricSamples[0].Value.Uint64()
	s.gcPause = histSum(metricSamples[1].Value.Float64Histogram())
	s.gcCPU = time.Duration(metricSamples[2].Value.Float64() * 1e9)
	s.schedLat = histSum(metricSamples[3].Value.Float64Histogram())
	s.alloc = metricSamples[4].Value.Uint64()
	return s
}

// histSum is a histogram's total, each count taken at its bucket's lower
// bound (the upper one for the first bucket).
func histSum(h *metrics.Float64Histogram) time.Duration {
	var sum float64
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		v := h.Buckets[i]
		if math.IsInf(v, -1) {
			v = h.Buckets[i+1]
		}
		sum += float64(n) * v
	}
	return time.Duration(sum * 1e9)
}

// controlBuf is what the control hashes.
var controlBuf = make([]byte, 1<<20)

// control does a fixed amount of CPU work and returns how long it took: on
// an idle core always about the same, so its spread is the machine's.
func control() time.Duration {
	start := time.Now()
	sha256.Sum256(controlBuf)
	return time.Since(start)
}

// writeSamples writes every sample as a line of CSV, for a closer look.
func writeSamples(path string, kinds map[string][]sample) { // kind: variant/route
	var b strings.Builder
	b.WriteString("kind,app,total_ms,control_ms,cpu_ms,run_delay_ms,gcs,gc_pause_ms,gc_cpu_ms,sched_lat_ms,alloc_mib,majflt,inblock")
	for _, name := range phaseOrder {
		b.WriteString("," + name)
	}
	b.WriteString("\n")
	for kind, ss := range kinds {
		for _, s := range ss {
			p := s.process
			fmt.Fprintf(&b, "%s,%s,%.3f,%.3f,%.3f,%.3f,%d,%.3f,%.3f,%.3f,%.2f,%d,%d", kind, s.app, ms(s.total), ms(s.control), ms(p.cpu), ms(p.runDelay),
				p.gcs, ms(p.gcPause), ms(p.gcCPU), ms(p.schedLat), float64(p.alloc)/(1<<20), p.majflt, p.inblock)
			for _, name := range phaseOrder {
				fmt.Fprintf(&b, ",%.3f", ms(s.phases[name]))
			}
			b.WriteString("\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		fatalf("%v", err)
	}
}

// phaseOrder lists the phases in the order of a wake, for the report.
var phaseOrder = []string{
	"admit", "acquire", "load.versions", "load.checkout", "load.place", "load.migrate", "load.open_app",
	"app.artifact", "module.read", "module.compile", "module.warm", "instance.instantiate", "instance.initialize",
	"pages.load", "pages.read_snapshot", "pages.evaluate", "pages.write_snapshot", "pages.restore", "serve", "db.open", "pages.render", "pages.reset",
}

func q(s []time.Duration, f float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	s = slices.Clone(s)
	slices.Sort(s)
	return s[int(f*float64(len(s)-1))]
}

// breakdown writes, for one kind of wake, the p50 and p99 of each phase
// and counter, and the slowest wakes in full.
func breakdown(b *strings.Builder, title string, ss []sample) {
	if len(ss) == 0 {
		return
	}
	col := func(get func(sample) time.Duration) (p50, p99 time.Duration) {
		v := make([]time.Duration, len(ss))
		for i, s := range ss {
			v[i] = get(s)
		}
		return q(v, 0.5), q(v, 0.99)
	}
	fmt.Fprintf(b, "\n%s (%d wakes): p50 / p99 of each phase, ms (a phase's p99 is its own, not that of the slowest wakes)\n\n", title, len(ss))
	fmt.Fprintf(b, "| phase | p50 | p99 | max |\n| --- | --- | --- | --- |\n")
	row := func(name string, get func(sample) time.Duration) {
		p50, p99 := col(get)
		var mx time.Duration
		for _, s := range ss {
			mx = max(mx, get(s))
		}
		fmt.Fprintf(b, "| %s | %.2f | %.2f | %.2f |\n", name, ms(p50), ms(p99), ms(mx))
	}
	row("**request, as the client saw it**", func(s sample) time.Duration { return s.total })
	for _, name := range phaseOrder {
		seen := false
		for _, s := range ss {
			if _, ok := s.phases[name]; ok {
				seen = true
			}
		}
		if seen {
			row(name, func(s sample) time.Duration { return s.phases[name] })
		}
	}
	row("not in a phase (HTTP, routing)", func(s sample) time.Duration {
		return s.total - s.phases["admit"] - s.phases["acquire"] - s.phases["serve"]
	})
	row("control (1 MiB SHA-256 just before)", func(s sample) time.Duration { return s.control })
	row("process CPU time during it", func(s sample) time.Duration { return s.process.cpu })
	row("threads' run-queue wait during it", func(s sample) time.Duration { return s.process.runDelay })
	row("GC stop-the-world pauses during it", func(s sample) time.Duration { return s.process.gcPause })
	row("GC CPU (runtime estimate) during it", func(s sample) time.Duration { return s.process.gcCPU })
	row("goroutines runnable, waiting for a thread", func(s sample) time.Duration { return s.process.schedLat })
	var allocs []float64
	gcs := 0
	for _, s := range ss {
		allocs = append(allocs, float64(s.process.alloc)/(1<<20))
		if s.process.gcs > 0 {
			gcs++
		}
	}
	slices.Sort(allocs)
	fmt.Fprintf(b, "\nGo heap allocated per wake: p50 %.1f MiB, max %.1f MiB; %d of %d wakes saw a GC cycle end.\n", allocs[len(allocs)/2], allocs[len(allocs)-1], gcs, len(ss))

	slow := slices.Clone(ss)
	slices.SortFunc(slow, func(a, b sample) int { return int(b.total - a.total) })
	fmt.Fprintf(b, "\nThe slowest wakes:\n\n")
	for _, s := range slow[:min(5, len(slow))] {
		fmt.Fprintf(b, "- %s %.1f ms: control %.2f ms, CPU %.1f ms, run-queue wait %.1f ms, GCs %d (STW %.2f ms, GC CPU %.1f ms), major faults %d, blocks read %d;",
			s.app, ms(s.total), ms(s.control), ms(s.process.cpu), ms(s.process.runDelay), s.process.gcs, ms(s.process.gcPause), ms(s.process.gcCPU), s.process.majflt, s.process.inblock)
		for _, name := range phaseOrder {
			if d, ok := s.phases[name]; ok && d >= time.Millisecond {
				fmt.Fprintf(b, " %s %.1f", name, ms(d))
			}
		}
		b.WriteString("\n")
	}
}
