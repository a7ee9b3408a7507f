// The fair CPU share measured: a neighbour app's requests per second and
// p99 alone, then beside another app's spinning requests, with and without
// a Scheduler. The load comes from a separate process (this test binary
// run as TestLoadGenerator), as it would from clients elsewhere, so the
// host's goroutines alone compete for its CPUs.

package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
)

// loadResult is what the load generator prints.
type loadResult struct {
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	Seconds  float64       `json:"seconds"`
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
}

// BenchmarkNeighbour serves two apps on one engine: "neighbour" (ok.wasm
// at /ok) and "noisy" (spin.wasm at /spin, request_timeout 1s). Each
// sub-benchmark loads /ok from a separate process for FAIRNESS_SECONDS
// (default 3) with 32 keep-alive connections and reports its req/s and
// p99; "spin" keeps 4 /spin requests running meanwhile; "sched" opens both
// apps with one Scheduler (FAIRNESS_SLOTS slots, default DefaultSlots),
// each in its own group; "oneapp" serves both routes from one app (one
// group); "work" loads a CPU-bound route (work.wasm, ~1 ms a request)
// instead of /ok. Run it with
//
//	go test -run '^$' -bench Neighbour -benchtime 1x ./host/
func BenchmarkNeighbour(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	secs := 3
	if s := os.Getenv("FAIRNESS_SECONDS"); s != "" {
		secs, _ = strconv.Atoi(s)
	}
	const toml = "[limits]\nrequest_timeout = \"1s\"\n"
	for _, c := range []struct {
		name        string
		spin, sched bool
		oneApp      bool
		work        bool // load /work?n=1000 (CPU-bound) instead of /ok
	}{
		{name: "alone"},
		{name: "alone/sched", sched: true},
		{name: "spin", spin: true},
		{name: "spin/sched", spin: true, sched: true},
		{name: "oneapp/spin", spin: true, oneApp: true},
		{name: "oneapp/spin/sched", spin: true, oneApp: true, sched: true},
		{name: "work/alone", work: true},
		{name: "work/alone/sched", work: true, sched: true},
		{name: "work/spin", work: true, spin: true},
		{name: "work/spin/sched", work: true, spin: true, sched: true},
	} {
		b.Run(c.name, func(b *testing.B) {
			var s *host.Scheduler
			opts := func(group string) []host.AppOption {
				if s == nil {
					return nil
				}
				return []host.AppOption{host.WithScheduler(s, group)}
			}
			if c.sched {
				n, _ := strconv.Atoi(os.Getenv("FAIRNESS_SLOTS"))
				s = host.NewScheduler(n)
			}
			var okURL, spinURL string
			if c.oneApp {
				_, srv := serveAppOn(b, e, appDir(b, map[string]string{"ok": "ok.wasm", "spin": "spin.wasm"}, toml), opts("app")...)
				okURL, spinURL = srv.URL+"/ok", srv.URL+"/spin"
			} else {
				route, fx, path := "ok", "ok.wasm", "/ok"
				if c.work {
					route, fx, path = "work", "work.wasm", "/work?n=1000"
				}
				_, nsrv := serveAppOn(b, e, appDir(b, map[string]string{route: fx}, ""), opts("neighbour")...)
				_, ssrv := serveAppOn(b, e, appDir(b, map[string]string{"spin": "spin.wasm"}, toml), opts("noisy")...)
				okURL, spinURL = nsrv.URL+path, ssrv.URL+"/spin"
			}
			var res loadResult
			for b.Loop() {
				res = neighbourLoad(b, okURL, spinURL, c.spin, secs)
			}
			if res.Errors > 0 {
				b.Errorf("%d of %d neighbour requests failed", res.Errors, res.Requests)
			}
			b.ReportMetric(float64(res.Requests)/res.Seconds, "req/s")
			b.ReportMetric(float64(res.P50)/1e6, "p50-ms")
			b.ReportMetric(float64(res.P99)/1e6, "p99-ms")
		})
	}
}

// neighbourLoad runs the load generator against okURL for secs seconds,
// with 4 requests to spinURL in flight throughout if spin is set.
func neighbourLoad(b *testing.B, okURL, spinURL string, spin bool, secs int) loadResult {
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if spin {
		started := make(chan struct{}, 4)
		for range 4 {
			wg.Go(func() {
				once := false
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", spinURL, nil)
					if !once {
						started <- struct{}{}
						once = true
					}
					res, err := http.DefaultClient.Do(req)
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}
			})
		}
		for range 4 {
			<-started
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadGenerator$")
	cmd.Env = append(os.Environ(), "SANDKIT_LOADGEN_URL="+okURL, "SANDKIT_LOADGEN_SECONDS="+strconv.Itoa(secs))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	stop()
	wg.Wait()
	if err != nil {
		b.Fatalf("load generator: %v", err)
	}
	var res loadResult
	for _, line := range slices.Backward(splitLines(out)) {
		if json.Unmarshal(line, &res) == nil && res.Seconds > 0 {
			return res
		}
	}
	b.Fatalf("load generator printed no result: %s", out)
	return res
}

func splitLines(b []byte) [][]byte {
	var lines [][]byte
	for len(b) > 0 {
		i := slices.Index(b, '\n')
		if i < 0 {
			return append(lines, b)
		}
		lines = append(lines, b[:i])
		b = b[i+1:]
	}
	return lines
}

// TestLoadGenerator is the load generator of BenchmarkNeighbour when this
// test binary runs with SANDKIT_LOADGEN_URL set; otherwise it does nothing.
// It GETs the URL over 32 keep-alive connections for
// SANDKIT_LOADGEN_SECONDS and prints a loadResult as JSON.
func TestLoadGenerator(t *testing.T) {
	url := os.Getenv("SANDKIT_LOADGEN_URL")
	if url == "" {
		return
	}
	secs, _ := strconv.Atoi(os.Getenv("SANDKIT_LOADGEN_SECONDS"))
	const conns = 32
	start := time.Now()
	end := start.Add(time.Duration(secs) * time.Second)
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for time.Now().Before(end) {
				t0 := time.Now()
				res, err := client.Get(url)
				if err != nil {
					errs[i]++
					continue
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK {
					errs[i]++
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := loadResult{Seconds: time.Since(start).Seconds()}
	for _, n := range errs {
		r.Errors += n
	}
	r.Requests = len(all) + r.Errors
	if len(all) > 0 {
		r.P50 = all[len(all)/2]
		r.P99 = all[len(all)*99/100]
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
