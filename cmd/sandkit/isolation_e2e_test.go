// isolation = "request" through sandkit serve: a guest that counts its
// requests in a global always sees 1, sequentially and concurrently, while
// the same app pooled counts up; a spinning guest still stops at its
// deadline.

package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// isolationRoutes are added to a copy of examples/hello.
var isolationRoutes = map[string]string{
	"counter": `package counter

import (
	"strconv"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// n, seen and hoard are state a pooled instance keeps from request to
// request; ?grow=1 grows the memory by 8 MiB.
var (
	n     int
	seen  = map[string]bool{}
	hoard [][]byte
)

func Get(r *sandkit.Request) sandkit.Response {
	n++
	seen[r.QueryValue("id")] = true
	if r.QueryValue("grow") != "" {
		b := make([]byte, 8<<20)
		b[len(b)-1] = 1
		hoard = append(hoard, b)
	}
	return sandkit.Text(200, strconv.Itoa(n)+" "+strconv.Itoa(len(seen))+" "+strconv.Itoa(len(hoard)))
}
`,
	"spin": `package spin

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

var sink int

func Get(r *sandkit.Request) sandkit.Response {
	for i := 0; ; i++ {
		sink += i
	}
}
`,
	"random": `package random

import (
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"strconv"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers 16 bytes from crypto/rand, then the first number of
// math/rand/v2's top-level generator.
func Get(r *sandkit.Request) sandkit.Response {
	b := make([]byte, 16)
	rand.Read(b)
	return sandkit.Text(200, hex.EncodeToString(b)+" "+strconv.FormatUint(mrand.Uint64(), 10))
}
`,
}

func isolationApp(t *testing.T, isolation string) string {
	t.Helper()
	app := copyExample(t, "hello")
	for name, src := range isolationRoutes {
		writeFile(t, filepath.Join(app, "routes", name, "handler.go"), src)
	}
	writeFile(t, filepath.Join(app, "sandkit.toml"), fmt.Sprintf("isolation = %q\n\n[limits]\nrequest_timeout = \"1s\"\n", isolation))
	return app
}

// counts GETs /counter n times from each of workers goroutines and returns
// every answer, with 1 or 0 in place of how much memory it hoards.
func counts(t *testing.T, url string, workers, n int) []string {
	t.Helper()
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				grow := ""
				if i%3 == 2 {
					grow = "&grow=1" // every third request grows the memory
				}
				r := request(t, "GET", fmt.Sprintf("%s/counter?id=%d-%d%s", url, w, i, grow), "", "")
				body, hoarded := r.body, " 0"
				if grow != "" {
					hoarded = " 1"
				}
				body, ok := strings.CutSuffix(body, hoarded)
				if !ok {
					body = r.body + " (hoard?)"
				}
				mu.Lock()
				got = append(got, fmt.Sprintf("%d %s", r.status, body))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return got
}

func TestE2EIsolationRequest(t *testing.T) {
	s := startServe(t, isolationApp(t, "request"))
	// One after the other, then 8 clients at once: every request sees a
	// fresh instance, with its counter at 0 and its map empty.
	for _, c := range []struct{ workers, n int }{{1, 10}, {8, 10}} {
		for _, got := range counts(t, s.url, c.workers, c.n) {
			if got != "200 1 1" {
				t.Fatalf("%d clients: a request answered %q, want 200 \"1 1\" (state survived a request)\n%s", c.workers, got, s.logs())
			}
		}
	}

	// crypto/rand still differs from request to request; the Go
	// runtime's own generator (math/rand's top-level functions, map
	// seeds) was seeded before the restore point, so every request starts
	// it in the same state (spec/config.md, "Isolation").
	a, b := request(t, "GET", s.url+"/random", "", ""), request(t, "GET", s.url+"/random", "", "")
	ca, ma, _ := strings.Cut(a.body, " ")
	cb, mb, _ := strings.Cut(b.body, " ")
	if a.status != 200 || len(ca) != 32 || ca == cb {
		t.Errorf("/random twice: crypto/rand gave %d %q, %d %q", a.status, a.body, b.status, b.body)
	}
	if ma == "" || ma != mb {
		t.Errorf("/random twice: math/rand gave %q and %q; spec/config.md says they are the same", ma, mb)
	}

	// A spinning guest stops at its deadline (1 s here), and the next
	// requests are served as before.
	start := time.Now()
	if r := request(t, "GET", s.url+"/spin", "", ""); r.status != 504 {
		t.Errorf("/spin: %d %q, want 504", r.status, r.body)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("/spin took %v, past its 1 s deadline", took)
	}
	for _, got := range counts(t, s.url, 4, 3) {
		if got != "200 1 1" {
			t.Fatalf("after /spin: %q", got)
		}
	}
	s.until(t, "the deadline logged", func() bool { return strings.Contains(s.logs(), "stopped at the 1s deadline") })
}

// The control: the same app pooled keeps its state, so the test above can
// fail.
func TestE2EIsolationPoolKeepsState(t *testing.T) {
	s := startServe(t, isolationApp(t, "pool"))
	for i := range 5 {
		r := request(t, "GET", fmt.Sprintf("%s/counter?id=%d", s.url, i), "", "")
		if want := strconv.Itoa(i+1) + " " + strconv.Itoa(i+1) + " 0"; r.status != 200 || r.body != want {
			t.Fatalf("pooled request %d answered %d %q, want %q", i+1, r.status, r.body, want)
		}
	}
}

func TestE2EIsolationBadValue(t *testing.T) {
	app := isolationApp(t, "per-request")
	code, stdout, stderr := runCLI(t, app, nil, "check")
	stderr += stdout
	if code == 0 || !strings.Contains(stderr, `isolation = "per-request": want "pool"`) {
		t.Errorf("sandkit check: exit %d, stderr %q", code, stderr)
	}
}
