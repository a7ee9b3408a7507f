// Load: the hello and JSON routes of examples/hello served by the host
// (pooled wasm) and by the same logic in native Go, under wrk, in one run.

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/exampleapp"
	"sandkit.dev/sandkit/internal/jsonstr"
)

// buildHello copies examples/hello into work and builds its handlers.
func buildHello(ctx context.Context, root, work string) (string, error) {
	app := filepath.Join(work, "hello")
	if err := exampleapp.Copy(root, "hello", app); err != nil {
		return "", err
	}
	if _, err := compiler.BuildHandlers(ctx, app); err != nil {
		return "", err
	}
	return app, nil
}

// nativeHello is examples/hello's "" and api/info routes written as plain
// net/http handlers: the same work without the sandbox.
func nativeHello() http.Handler {
	var seq atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Hello from sandkit\n"))
	})
	mux.HandleFunc("GET /api/info", func(w http.ResponseWriter, r *http.Request) {
		id := "native-" + strconv.FormatInt(seq.Add(1), 10)
		b := make([]byte, 0, 128)
		b = append(b, `{"app":"hello","route":`...)
		b = jsonstr.Append(b, "api/info")
		b = append(b, `,"method":`...)
		b = jsonstr.Append(b, r.Method)
		b = append(b, `,"request_id":`...)
		b = jsonstr.Append(b, id)
		b = append(b, '}')
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	return mux
}

// serve serves h on a free loopback port until the returned stop is called.
func serve(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// serveAppDir opens the app in dir on a new engine made with opts and
// serves it on a free loopback port until stop is called.
func serveAppDir(ctx context.Context, dir string, opts ...host.EngineOption) (url string, stop func(), err error) {
	e, err := host.NewEngine(opts...)
	if err != nil {
		return "", nil, err
	}
	a, err := host.OpenApp(ctx, e, dir)
	if err != nil {
		e.Close(ctx)
		return "", nil, err
	}
	url, stopServer, err := serve(a)
	if err != nil {
		a.Close(ctx)
		e.Close(ctx)
		return "", nil, err
	}
	return url, func() { stopServer(); a.Close(ctx); e.Close(ctx) }, nil
}

// wrkResult is one wrk run.
type wrkResult struct {
	rps float64
	p50 time.Duration
	p99 time.Duration
	n   int64         // requests completed
	cpu time.Duration // CPU time the server's process spent per request
}

// runWrk loads url for d with c connections and parses wrk's summary.
func runWrk(url string, d time.Duration, c int) (wrkResult, error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(c), "-d"+d.String(), "--latency", url).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v\n%s", url, err, out)
	}
	s := string(out)
	if m := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`).FindStringSubmatch(s); m != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %s failed responses\n%s", url, m[1], s)
	}
	var r wrkResult
	m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindStringSubmatch(s)
	if m == nil {
		return r, fmt.Errorf("wrk %s: no Requests/sec in\n%s", url, s)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	if m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(s); m != nil {
		r.n, _ = strconv.ParseInt(m[1], 10, 64)
	}
	r.p50 = wrkLatency(s, "50%")
	r.p99 = wrkLatency(s, "99%")
	return r, nil
}

func wrkLatency(s, pct string) time.Duration {
	m := regexp.MustCompile(regexp.QuoteMeta(pct) + `\s+([0-9.]+)(us|ms|s)`).FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	d, _ := time.ParseDuration(m[1] + strings.Replace(m[2], "us", "µs", 1))
	return d
}

func median[T int64 | float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// target is one server under load, served by the process pid.
type target struct {
	name string
	url  string
	pid  int
}

// cpuTime is the user and system CPU time process pid has used so far,
// from /proc (clock ticks of 10 ms).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// runTarget loads t as runWrk does and measures its process's CPU time
// per request meanwhile.
func runTarget(t target, path string, d time.Duration, c int) (wrkResult, error) {
	before, err := cpuTime(t.pid)
	if err != nil {
		return wrkResult{}, err
	}
	w, err := runWrk(t.url+path, d, c)
	if err != nil {
		return w, err
	}
	after, err := cpuTime(t.pid)
	if err != nil {
		return w, err
	}
	if w.n > 0 {
		w.cpu = (after - before) / time.Duration(w.n)
	}
	return w, nil
}

func loadBench(ctx context.Context, r *report, app, work string, log *slog.Logger, bins []sandkitBin, d time.Duration, conns, rounds int) error {
	var targets []target
	for _, b := range bins {
		for _, c := range []struct {
			name string
			args []string
		}{
			{"sandkit serve, access log on (to a file)", nil},
			{"sandkit serve --log-level warn", []string{"--log-level", "warn"}},
		} {
			name := c.name
			if b.label != "" {
				name += ", " + b.label
			}
			progress("starting %s", name)
			s, err := startServeHello(ctx, b.root, work, b.path, fmt.Sprintf("serve-%d", len(targets)), c.args...)
			if err != nil {
				return err
			}
			defer s.stop()
			targets = append(targets, target{name, s.url, s.cmd.Process.Pid})
		}
	}
	accessLog := slog.New(slog.NewTextHandler(io.Discard, nil)) // formats every line, then drops it
	for _, c := range []struct {
		name   string
		scheme host.Interrupt
		log    *slog.Logger
	}{
		{"wasm, fuel", host.InterruptFuel, log},
		{"wasm, fuel, access log on", host.InterruptFuel, accessLog},
		{"wasm, close-on-done", host.InterruptCloseOnDone, log},
	} {
		url, stop, err := serveAppDir(ctx, app, host.WithInterrupt(c.scheme), host.WithLogger(c.log), host.WithCacheDir(filepath.Join(work, "cache")))
		if err != nil {
			return err
		}
		defer stop()
		targets = append(targets, target{c.name, url, os.Getpid()})
	}
	url, stop, err := serve(nativeHello())
	if err != nil {
		return err
	}
	defer stop()
	targets = append(targets, target{"native Go", url, os.Getpid()})

	r.printf("## Hello and JSON routes: pooled wasm vs native\n\n")
	r.printf("examples/hello served by the host from its Go app module, against the same handler logic as plain\n")
	r.printf("net/http handlers (bench/load.go), both on 127.0.0.1; rounds interleave the targets. The host logs\n")
	r.printf("at warn level (no access log) except in the \"access log on\" row, whose text lines are formatted and\n")
	r.printf("discarded; the native server logs nothing. The \"sandkit serve\" rows are the CLI as a user runs it\n")
	r.printf("(its stderr, the log, to a file; --no-watch), a process of its own (bench/serve.go).\n\n")
	r.printf("The last two columns are the server process's CPU time (user + system, from /proc) per request\n")
	r.printf("and native's over it: less sensitive than req/s to other load on the machine. The in-process\n")
	r.printf("rows count the bench's whole process, whose other servers sit idle meanwhile.\n\n")
	r.printf("| route | server | req/s | p50 | p99 | vs native | CPU/req | vs native (CPU) |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, path := range []string{"/", "/api/info"} {
		res := make([][]wrkResult, len(targets))
		for i := 0; i < rounds; i++ {
			for j, t := range targets {
				progress("load %s %s round %d/%d", t.name, path, i+1, rounds)
				w, err := runTarget(t, path, d, conns)
				if err != nil {
					return err
				}
				res[j] = append(res[j], w)
			}
		}
		med := func(ws []wrkResult) (float64, time.Duration, time.Duration, time.Duration) {
			var rps []float64
			var p50, p99, cpu []time.Duration
			for _, w := range ws {
				rps = append(rps, w.rps)
				p50 = append(p50, w.p50)
				p99 = append(p99, w.p99)
				cpu = append(cpu, w.cpu)
			}
			return median(rps), median(p50), median(p99), median(cpu)
		}
		native, _, _, nativeCPU := med(res[len(res)-1])
		for j, t := range targets {
			rps, p50, p99, cpu := med(res[j])
			r.printf("| `%s` | %s | %.0f | %v | %v | %.2fx | %.1fµs | %.2fx |\n", path, t.name, rps, p50, p99, rps/native,
				float64(cpu)/float64(time.Microsecond), float64(nativeCPU)/float64(cpu))
		}
		if path == "/" {
			// Issue 13's first two rows: this tree's `sandkit serve`, log on and at warn.
			for j, aim := range []float64{0.9, 0.95} {
				rps, _, _, _ := med(res[j])
				r.row(j+1, fmt.Sprintf("%.2fx (%.0f vs %.0f req/s, `/`)", rps/native, rps, native), rps/native >= aim)
			}
		}
	}
	r.printf("\n")
	return nil
}
