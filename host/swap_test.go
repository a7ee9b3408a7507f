package host_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandkit.dev/sandkit/host"
)

// publishes is a slog.Handler that sends on its channel each time an app
// logs that it published a new version of its routes: tests wait for that
// event instead of polling.
type publishes chan struct{}

func (p publishes) Enabled(context.Context, slog.Level) bool { return true }
func (p publishes) WithAttrs([]slog.Attr) slog.Handler       { return p }
func (p publishes) WithGroup(string) slog.Handler            { return p }
func (p publishes) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "routes published" {
		select {
		case p <- struct{}{}:
		default: // one pending event is enough: the waiter checks again
		}
	}
	return nil
}

// untilPublished checks cond now and after each version the app publishes,
// until it holds; it fails t after a minute.
func untilPublished(t testing.TB, p publishes, cond func() bool) {
	t.Helper()
	timeout := time.After(time.Minute)
	for !cond() {
		select {
		case <-p:
		case <-timeout:
			t.Fatal("condition not met a minute after the change")
		}
	}
}

// TestHotSwapHammer replaces a route's handler.wasm 20 times while a
// bounded load runs: no request may fail, and after each swap the new
// version is served. Under isolation = "request" too, where retiring a
// version frees its restore point while its instances are being reset.
func TestHotSwapHammer(t *testing.T) {
	for _, isolation := range []string{"pool", "request"} {
		t.Run(isolation, func(t *testing.T) { testHotSwapHammer(t, isolation) })
	}
}

func testHotSwapHammer(t *testing.T, isolation string) {
	dir := appDir(t, map[string]string{"ok": "ok_v1.wasm"}, "isolation = \""+isolation+"\"\n")
	published := make(publishes, 1)
	eng, err := host.NewEngine(host.WithLogger(slog.New(published)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close(context.Background()) })
	app, srv := serveAppOn(t, eng, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := app.StartWatch(ctx); err != nil {
		t.Fatal(err)
	}

	var (
		stop     atomic.Bool
		served   atomic.Int64
		failures atomic.Int64
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(2 * time.Minute) // the load stops by itself
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && time.Now().Before(deadline) {
				r := do(t, "GET", srv.URL+"/ok?v=1", "")
				if r.status != 200 || (r.body != "v1" && r.body != "v2") {
					failures.Add(1)
					t.Errorf("during swap: %d %q", r.status, r.body)
				}
				served.Add(1)
			}
		}()
	}
	for i := range 20 {
		want, fx := "v2", "ok_v2.wasm"
		if i%2 == 1 {
			want, fx = "v1", "ok_v1.wasm"
		}
		installGuest(t, dir, "ok", fx)
		untilPublished(t, published, func() bool { return do(t, "GET", srv.URL+"/ok?v=1", "").body == want })
	}
	stop.Store(true)
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d of %d requests failed during 20 swaps", failures.Load(), served.Load())
	}
	t.Logf("%d requests served across 20 swaps, 0 failed", served.Load())
}

// TestFailedSwapKeepsOldVersion drops a module that does not compile: the
// previous version keeps serving; a later good one goes live.
func TestFailedSwapKeepsOldVersion(t *testing.T) {
	dir := appDir(t, map[string]string{"ok": "ok_v1.wasm"}, "")
	app, srv := serveApp(t, dir)
	installGuest(t, dir, "ok", "noexports.wasm")
	if err := app.Reload(context.Background()); err == nil {
		t.Fatal("reload of a broken module succeeded")
	}
	expect(t, do(t, "GET", srv.URL+"/ok?v=1", ""), 200, "v1")
	installGuest(t, dir, "ok", "ok_v2.wasm")
	if err := app.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(t, do(t, "GET", srv.URL+"/ok?v=1", ""), 200, "v2")
}

// TestDeletedModuleUnroutes removes a route's handler.wasm.
func TestDeletedModuleUnroutes(t *testing.T) {
	dir := appDir(t, map[string]string{"ok": "ok.wasm", "other": "ok.wasm"}, "")
	app, srv := serveApp(t, dir)
	if err := removeAll(dir, "routes/ok"); err != nil {
		t.Fatal(err)
	}
	if err := app.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	expect(t, do(t, "GET", srv.URL+"/ok", ""), 404, "")
	expect(t, do(t, "GET", srv.URL+"/other", ""), 200, "ok")
}
