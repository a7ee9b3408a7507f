// Drop-in: how long after a handler.wasm lands in routes/ its route serves
// its first request, with the compilation cache cold and warm.

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sandkit.dev/sandkit/host"
)

// dropIn starts a watched, empty app on a new engine using cacheDir, drops
// wasm in at routes/route/handler.wasm and returns the time until the
// route answers 200.
func dropIn(ctx context.Context, work, cacheDir, route string, wasm []byte, log *slog.Logger) (time.Duration, error) {
	dir, err := os.MkdirTemp(work, "app-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "routes"), 0o755); err != nil {
		return 0, err
	}
	e, err := host.NewEngine(host.WithLogger(log), host.WithCacheDir(cacheDir))
	if err != nil {
		return 0, err
	}
	defer e.Close(ctx)
	app, err := host.OpenApp(ctx, e, dir)
	if err != nil {
		return 0, err
	}
	defer app.Close(ctx)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := app.StartWatch(wctx); err != nil {
		return 0, err
	}
	url, stop, err := serve(app)
	if err != nil {
		return 0, err
	}
	defer stop()

	d := filepath.Join(dir, "routes", filepath.FromSlash(route))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return 0, err
	}
	tmp := filepath.Join(d, ".handler.wasm.tmp")
	if err := os.WriteFile(tmp, wasm, 0o644); err != nil {
		return 0, err
	}
	start := time.Now()
	if err := os.Rename(tmp, filepath.Join(d, "handler.wasm")); err != nil {
		return 0, err
	}
	for time.Since(start) < time.Minute {
		resp, err := http.Get(url + "/" + route)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(start), nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, fmt.Errorf("route %s not served a minute after the drop-in", route)
}

func dropInBench(ctx context.Context, r *report, root, app, work string, log *slog.Logger, n int) error {
	goWasm, err := os.ReadFile(filepath.Join(app, ".sandkit", "build", "handlers.wasm"))
	if err != nil {
		return err
	}
	cWasm, err := os.ReadFile(filepath.Join(root, "host", "testdata", "guests", "ok.wasm"))
	if err != nil {
		return err
	}
	r.printf("## First request after a drop-in\n\n")
	r.printf("Time from the rename of a handler.wasm into a served app's routes/ until its route first answers 200,\n")
	r.printf("polled every 2 ms; it includes the watcher's 150 ms debounce, the fuel rewrite, compilation (or the\n")
	r.printf("cache load), warming one instance and publishing. Each run is a new engine and app; \"cold\" uses an\n")
	r.printf("empty compilation cache, \"warm\" one that already holds the module. Median of %d.\n\n", n)
	r.printf("| module | size | cold cache | warm cache |\n| --- | ---: | ---: | ---: |\n")
	for _, c := range []struct {
		name, route string
		wasm        []byte
	}{
		{"C guest (host/testdata/guests/ok.wasm)", "dropped", cWasm},
		{"Go app module (examples/hello)", "api/info", goWasm},
	} {
		var cold, warm []time.Duration
		for i := 0; i < n; i++ {
			progress("drop-in %s, cold cache %d/%d", c.name, i+1, n)
			cache, err := os.MkdirTemp(work, "cache-")
			if err != nil {
				return err
			}
			d, err := dropIn(ctx, work, cache, c.route, c.wasm, log)
			if err != nil {
				return err
			}
			cold = append(cold, d)
			progress("drop-in %s, warm cache %d/%d", c.name, i+1, n)
			if d, err = dropIn(ctx, work, cache, c.route, c.wasm, log); err != nil {
				return err
			}
			warm = append(warm, d)
			os.RemoveAll(cache)
		}
		r.printf("| %s | %s | %v | %v |\n", c.name, size(len(c.wasm)),
			median(cold).Round(time.Millisecond), median(warm).Round(time.Millisecond))
	}
	r.printf("\n")
	return nil
}

// size formats a byte count for the report.
func size(n int) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
