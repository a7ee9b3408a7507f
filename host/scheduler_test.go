// The CPU scheduler over HTTP: a tenant whose handlers or page renders
// spin holds the run slots, and another tenant's long call is still served
// while they spin.

package host_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
)

// spinPageServer is a server bundle whose route "spin" never returns.
const spinPageServer = `globalThis.__sandkit_render = function (s) {
  const i = JSON.parse(s);
  if (i.route === 'spin') { for (;;) {} }
  return JSON.stringify({html: '<p>ok</p>', head: '', status: 200, route: i.route, state: null});
};`

// spinPagesApp writes a page-only app around spinPageServer.
func spinPagesApp(t *testing.T, config string) string {
	return pagesOnlyApp(t, config, spinPageServer, "spin")
}

func TestSchedulerSharesCPU(t *testing.T) {
	// Long deadlines: the spinning calls end when the test cancels them,
	// and the neighbour's call must be answered long before.
	const long = "[limits]\nrequest_timeout = \"120s\"\nrender_timeout = \"120s\"\n"
	for _, c := range []struct {
		name   string
		noisy  func(t *testing.T) string // the spinning tenant's app
		spin   string                    // its spinning path
		spins  int
		queued int // calls waiting for the one slot once all spin
	}{
		{"handlers", func(t *testing.T) string { return appDir(t, map[string]string{"spin": "spin.wasm"}, long) }, "/spin", 3, 2},
		{"page renders", func(t *testing.T) string { return spinPagesApp(t, long) }, "/spin", 2, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := host.NewScheduler(1)
			_, noisy := serveAppOn(t, testEngine(t), c.noisy(t), host.WithScheduler(s, "noisy"))
			_, quiet := serveAppOn(t, testEngine(t), appDir(t, map[string]string{"work": "work.wasm"}, ""), host.WithScheduler(s, "quiet"))

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wg sync.WaitGroup
			ended := make(chan int, c.spins)
			for range c.spins {
				wg.Go(func() {
					req, _ := http.NewRequestWithContext(ctx, "GET", noisy.URL+c.spin, nil)
					req.Header.Set("Accept", "text/html")
					res, err := http.DefaultClient.Do(req)
					if err == nil {
						res.Body.Close()
						ended <- res.StatusCode
					}
				})
			}
			// One spinning call holds the slot, the others wait for it.
			waitFor(t, func() bool { return s.Waiting() == c.queued }, "%d calls waiting for the slot (now %d)", c.queued, s.Waiting)

			r := do(t, "GET", quiet.URL+"/work?n=100", "")
			expect(t, r, http.StatusOK, "done")
			select {
			case status := <-ended:
				t.Fatalf("a spinning call ended (%d) before the test stopped it", status)
			default:
			}
			cancel()
			wg.Wait()
			waitFor(t, func() bool { return s.Waiting() == 0 }, "no call waiting after the spinners stopped (now %d)", s.Waiting)
		})
	}
}

// waitFor polls cond until it holds, failing after a minute; the message's
// last argument is called for the current value.
func waitFor(t *testing.T, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			for i, a := range args {
				if f, ok := a.(func() int); ok {
					args[i] = f()
				}
			}
			t.Fatalf("waited a minute for "+format, args...)
		}
		time.Sleep(time.Millisecond)
	}
}
