package host_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
)

// countingHandler counts the log records with a given message.
type countingHandler struct {
	msg string
	n   *atomic.Int64
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.n.Add(1)
	}
	return nil
}
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countingHandler) WithGroup(string) slog.Handler      { return h }

// Under a steady load wider than idle_per_route, instances are reused, not
// closed and created again for every request past the idle cap.
func TestPoolKeepsInstancesUnderLoad(t *testing.T) {
	var created atomic.Int64
	e, err := host.NewEngine(host.WithLogger(slog.New(countingHandler{"instance created", &created})))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(context.Background())
	dir := appDir(t, map[string]string{"body": "body.wasm"}, "[limits]\nidle_per_route = 1\ninstances_per_route = 8\n")
	app, err := host.OpenApp(context.Background(), e, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(context.Background())
	srv := httptest.NewServer(app)
	defer srv.Close()
	// Each round holds 8 requests open at once (the guest reads the body
	// until its end, which comes only once all 8 have started sending).
	const workers, rounds = 8, 6
	for range rounds {
		var started, wg sync.WaitGroup
		started.Add(workers)
		for range workers {
			wg.Add(1)
			pr, pw := io.Pipe()
			go func() {
				pw.Write(make([]byte, 1000))
				started.Done()
				started.Wait()
				pw.Close()
			}()
			go func() {
				defer wg.Done()
				resp, err := http.Post(srv.URL+"/body", "application/octet-stream", pr)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}()
		}
		wg.Wait()
	}
	t.Logf("%d instances created for %d rounds of %d concurrent requests", created.Load(), rounds, workers)
	// One warmed at publish, then at most one per concurrent request.
	if n := created.Load(); n > workers+1 {
		t.Errorf("%d instances created: instances past idle_per_route were closed and made again", n)
	}
}

// Requests that wait for an instance get one that goes back to idle, not
// only a slot freed by a closed one.
func TestPoolWaitersGetReturnedInstances(t *testing.T) {
	dir := appDir(t, map[string]string{"body": "body.wasm"}, "[limits]\nidle_per_route = 1\ninstances_per_route = 2\nrequest_timeout = \"5s\"\n")
	_, srv := serveApp(t, dir)
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pr, pw := io.Pipe()
			go func() {
				pw.Write(make([]byte, 1000))
				time.Sleep(20 * time.Millisecond) // hold the instance a little
				pw.Close()
			}()
			resp, err := http.Post(srv.URL+"/body", "application/octet-stream", pr)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
}
