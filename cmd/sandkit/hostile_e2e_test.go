// The hostile-tenant suite: a multi-app host serves two well-behaved
// tenants beside examples/hostile, which attacks the host (spins, recursion,
// memory, logs, database locks, pages that spin or bomb, slow and huge
// requests, snooping for the host's secrets and the neighbours' data) while
// the neighbours serve a bounded load. The neighbours must answer every
// request; every attack must stay inside its tenant.

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/procthreads"
)

// load is a bounded, open-loop load on the neighbours: rate requests a
// second to urls in turn, at most n of them (fewer once stop is closed),
// with what each answered and how long it took from the moment it was due
// (so a stalled server is not hidden by requests it delayed).
type load struct {
	mu        sync.Mutex
	latencies []time.Duration
	failures  []string
}

func runLoad(urls []string, rate, n int, stop <-chan struct{}) *load {
	l := &load{}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := 0; i < n; i++ {
		var due time.Time
		select {
		case <-stop:
			i = n
			continue
		case due = <-tick.C:
		}
		u := urls[i%len(urls)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(u)
			status := 0
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				status = resp.StatusCode
			}
			took := time.Since(due)
			l.mu.Lock()
			defer l.mu.Unlock()
			l.latencies = append(l.latencies, took)
			if status != 200 {
				l.failures = append(l.failures, fmt.Sprintf("%s: %d %v", u, status, err))
			}
		}()
	}
	wg.Wait()
	slices.Sort(l.latencies)
	return l
}

func (l *load) quantile(q float64) time.Duration {
	return l.latencies[int(q*float64(len(l.latencies)-1))]
}

// attack is one request of the hostile tenant and what containment means
// for its answer.
type attack struct {
	method, path string
	body         func() io.Reader
	ok           func(status int, body string) bool
}

func refused(status int, _ string) bool { return status >= 400 }

func TestHostileTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three apps")
	}
	apps := t.TempDir()
	for _, name := range []string{"hello", "todo", "hostile"} {
		if err := os.Rename(buildArtifact(t, copyExample(t, name)), filepath.Join(apps, name)); err != nil {
			t.Fatal(err)
		}
	}
	// The budget bounds the tenants' guest memory (3 × memory_bytes fit);
	// the process may hold the host's own on top: its heap, the compiled
	// code, the page engines' snapshots.
	const budget, hostOwn = 1 << 30, 512 << 20
	cfg := filepath.Join(t.TempDir(), "host.toml")
	os.WriteFile(cfg, []byte(`memory_budget = 1073741824

[limits]
memory_bytes = 268435456

[apps.hostile.limits]
concurrency = 2
queue = 4
queue_timeout = "2s"
request_timeout = "1s"
`), 0o644)
	s := startServeEnv(t, append(os.Environ(), "SANDKIT_ADMIN_TOKEN=operator-secret"),
		"--apps", apps, "--path-prefix", "--host-config", cfg)
	neighbours := []string{s.url + "/hello/", s.url + "/hello/api/info", s.url + "/todo/api/todos"}
	for _, u := range neighbours {
		if r := request(t, "GET", u, "", ""); r.status != 200 {
			t.Fatalf("GET %s: %d %s\n%s", u, r.status, r.body, s.logs())
		}
	}
	before := request(t, "GET", s.url+"/todo/api/todos", "", "").body

	// The neighbours' load: 200 requests a second, well under what the
	// host serves on two cores, as a real neighbour's traffic would be.
	const rate = 200
	alone := runLoad(neighbours, rate, 10*rate, nil)
	if len(alone.failures) > 0 {
		t.Fatalf("neighbours alone: %d failed: %v", len(alone.failures), alone.failures[:min(5, len(alone.failures))])
	}

	todoDB := filepath.Join(apps, "todo", "data", "app.db")
	attacks := []attack{
		{"GET", "/spin", nil, refused},
		{"GET", "/recurse", nil, refused},
		{"GET", "/membomb", nil, refused},
		{"GET", "/logflood", nil, refused},
		{"GET", "/dblock", nil, refused},
		{"GET", "/bigresponse", nil, refused},
		{"GET", "/pagespin", nil, refused},
		{"GET", "/pagebomb", nil, refused},
		{"POST", "/echo", func() io.Reader { return io.LimitReader(zeros{}, 64<<20) }, refused},
		{"GET", "/snoop?env=SANDKIT_ADMIN_TOKEN&file=" + todoDB + "&db=" + todoDB, nil,
			func(status int, body string) bool { return status == 200 && strings.TrimSpace(body) == "{}" }},
	}
	// Each attacker goes through the attacks twice, starting at its own;
	// the neighbours' load runs until they are done (or its cap).
	if only := os.Getenv("SANDKIT_HOSTILE_ONLY"); only != "" {
		// For finding which attack costs the neighbours most: a comma list
		// of attack paths (/spin,/membomb), slow clients as "slow".
		attacks = slices.DeleteFunc(attacks, func(a attack) bool {
			return !slices.Contains(strings.Split(only, ","), strings.SplitN(a.path, "?", 2)[0])
		})
	}
	var stop atomic.Bool
	var attackWG, slowWG sync.WaitGroup
	var mu sync.Mutex
	var escaped []string
	attacked := map[string]int{}
	client := &http.Client{Timeout: time.Minute}
	for w := range 4 {
		attackWG.Add(1)
		go func() {
			defer attackWG.Done()
			for i := w; i < w+2*len(attacks); i++ {
				a := attacks[i%len(attacks)]
				var body io.Reader
				if a.body != nil {
					body = a.body()
				}
				req, _ := http.NewRequest(a.method, s.url+"/hostile"+a.path, body)
				resp, err := client.Do(req)
				status, text := 0, ""
				if err == nil {
					b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
					resp.Body.Close()
					status, text = resp.StatusCode, string(b)
				}
				mu.Lock()
				attacked[a.path]++
				// 503 is the tenant's own queue turning it away: contained too.
				if status != 503 && !a.ok(status, text) {
					escaped = append(escaped, fmt.Sprintf("%s %s: %d %v %.200s", a.method, a.path, status, err, text))
				}
				mu.Unlock()
			}
		}()
	}
	// Slow clients: connections that send their head a byte at a time.
	for range 4 {
		if only := os.Getenv("SANDKIT_HOSTILE_ONLY"); only != "" && !strings.Contains(only, "slow") {
			break
		}
		slowWG.Add(1)
		go func() {
			defer slowWG.Done()
			c, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
			if err != nil {
				return
			}
			defer c.Close()
			head := "GET /hostile/ HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("s", 1<<10)
			for i := 0; i < len(head) && !stop.Load(); i++ {
				if _, err := c.Write([]byte{head[i]}); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond) // the slowness is the attack, not synchronisation
			}
		}()
	}
	attacksDone := make(chan struct{})
	go func() { attackWG.Wait(); close(attacksDone) }()
	// The host runs a long call's thread at the lowest priority (nice 19)
	// where it may raise it back after (host.CanLowerThreads): look at its
	// threads while the attacks run.
	lowered := make(chan int)
	go func() {
		most, tick := 0, time.NewTicker(20*time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-attacksDone:
				lowered <- most
				return
			case <-tick.C:
				most = max(most, procthreads.AtNice(s.cmd.Process.Pid, 19))
			}
		}
	}()
	var beside *load
	if len(attacks) > 0 {
		beside = runLoad(neighbours, rate, 120*rate, attacksDone)
	} else { // slow clients only: as long as the load alone ran
		beside = runLoad(neighbours, rate, 10*rate, nil)
	}
	<-attacksDone
	stop.Store(true)
	slowWG.Wait()
	mostLowered := <-lowered

	t.Logf("neighbours alone:  p50 %v p99 %v (%d requests)", alone.quantile(0.5), alone.quantile(0.99), len(alone.latencies))
	t.Logf("beside hostile:    p50 %v p99 %v (%d requests); p99 ratio %.2f", beside.quantile(0.5), beside.quantile(0.99), len(beside.latencies),
		float64(beside.quantile(0.99))/float64(alone.quantile(0.99)))
	t.Logf("attacks sent: %v", attacked)
	if len(beside.failures) > 0 {
		t.Errorf("neighbours beside the hostile tenant: %d of %d failed: %v", len(beside.failures), len(beside.latencies), beside.failures[:min(5, len(beside.failures))])
	}
	if len(escaped) > 0 {
		t.Errorf("attacks not contained: %v", escaped)
	}
	if after := request(t, "GET", s.url+"/todo/api/todos", "", "").body; after != before {
		t.Errorf("the todo tenant's data changed: %s → %s", before, after)
	}
	if r := request(t, "GET", s.url+"/hostile/", "", ""); r.status != 200 {
		t.Errorf("the hostile tenant itself no longer serves: %d %s", r.status, r.body)
	}
	spun := slices.ContainsFunc(attacks, func(a attack) bool { return a.path == "/spin" })
	switch {
	case !host.CanLowerThreads():
		t.Logf("long calls are not lowered here (no CAP_SYS_NICE, RLIMIT_NICE < 20)")
	case spun && mostLowered == 0:
		t.Errorf("no thread of the host ran at nice 19 while a tenant spun")
	default:
		t.Logf("at most %d threads of the host at nice 19 while the attacks ran", mostLowered)
		// Every call has ended: each thread has its priority back.
		deadline := time.Now().Add(30 * time.Second)
		for procthreads.AtNice(s.cmd.Process.Pid, 19) > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond) // polling the kernel's view, with a deadline
		}
		if n := procthreads.AtNice(s.cmd.Process.Pid, 19); n > 0 {
			t.Errorf("%d threads of the host still at nice 19 after every request was answered", n)
		}
	}
	if hwm := peakRSS(t, s.cmd.Process.Pid); hwm > budget+hostOwn {
		t.Errorf("host peak memory %d MiB, over its budget of %d MiB + %d MiB of its own", hwm>>20, budget>>20, hostOwn>>20)
	} else {
		t.Logf("host peak memory %d MiB (budget %d MiB)", hwm>>20, budget>>20)
	}
	if n := len(s.logs()); n > 64<<20 {
		t.Errorf("the host logged %d MiB: the log flood was not bounded", n>>20)
	}
}

// zeros reads as an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// peakRSS is the peak resident memory of process pid (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}
