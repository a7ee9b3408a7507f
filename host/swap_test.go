package host_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHotSwapHammer replaces a route's handler.wasm 20 times while a
// bounded load runs: no request may fail, and after each swap the new
// version is served.
func TestHotSwapHammer(t *testing.T) {
	dir := appDir(t, map[string]string{"ok": "ok_v1.wasm"}, "")
	app, srv := serveApp(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watching := make(chan error, 1)
	go func() { watching <- app.Watch(ctx) }()
	time.Sleep(100 * time.Millisecond) // let the watcher subscribe

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
		waitFor(t, 10*time.Second, func() bool { return do(t, "GET", srv.URL+"/ok?v=1", "").body == want })
	}
	stop.Store(true)
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d of %d requests failed during 20 swaps", failures.Load(), served.Load())
	}
	t.Logf("%d requests served across 20 swaps, 0 failed", served.Load())
	cancel()
	if err := <-watching; err != nil {
		t.Fatal(err)
	}
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

func waitFor(t testing.TB, limit time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
