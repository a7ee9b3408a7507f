// Isolation: examples/hello under isolation = "request" (an instance reset
// to its restore point after every request) against the same app pooled,
// under wrk, in one run.

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sandkit.dev/sandkit/host"
)

// loadAverage is the first three fields of /proc/loadavg ("" elsewhere).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func isolationBench(ctx context.Context, r *report, app, work string, log *slog.Logger, d time.Duration, conns, rounds int) error {
	var targets []target
	for _, isolation := range []string{"pool", "request"} {
		dir := filepath.Join(work, "isolation-"+isolation)
		if err := os.CopyFS(dir, os.DirFS(app)); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("isolation = \""+isolation+"\"\n"), 0o644); err != nil {
			return err
		}
		url, stop, err := serveAppDir(ctx, dir, host.WithLogger(log), host.WithCacheDir(filepath.Join(work, "cache")))
		if err != nil {
			return err
		}
		defer stop()
		targets = append(targets, target{isolation, url, os.Getpid()})
	}
	before := loadAverage()
	r.printf("## A fresh instance per request: isolation = \"request\" vs pooled\n\n")
	r.printf("examples/hello served by the host twice, pooled (the default) and with isolation = \"request\"\n")
	r.printf("(every request starts from the restore point taken after the guest's initialisation),\n")
	r.printf("both on 127.0.0.1, no access log; rounds interleave the two.\n\n")
	r.printf("| route | isolation | req/s | p50 | p99 | vs pool |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, path := range []string{"/", "/api/info"} {
		res := make([][]wrkResult, len(targets))
		for i := 0; i < rounds; i++ {
			for j, t := range targets {
				progress("isolation %s %s round %d/%d", t.name, path, i+1, rounds)
				w, err := runWrk(t.url+path, d, conns)
				if err != nil {
					return err
				}
				res[j] = append(res[j], w)
			}
		}
		var rps [2]float64
		var p50, p99 [2]time.Duration
		for j := range targets {
			var xs []float64
			var a, b []time.Duration
			for _, w := range res[j] {
				xs = append(xs, w.rps)
				a = append(a, w.p50)
				b = append(b, w.p99)
			}
			rps[j], p50[j], p99[j] = median(xs), median(a), median(b)
		}
		for j, t := range targets {
			r.printf("| `%s` | %s | %.0f | %v | %v | %.2fx |\n", path, t.name, rps[j], p50[j], p99[j], rps[j]/rps[0])
		}
	}
	r.printf("\nLoad average (1, 5, 15 min) before: %s; after: %s.\n\n", before, loadAverage())
	return nil
}
