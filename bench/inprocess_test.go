package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

// BenchmarkInProcess is one request to examples/hello through the host's
// handler without the network, against the native handler: the sandbox's
// own cost per request. go test -bench InProcess ./bench
func BenchmarkInProcess(b *testing.B) {
	ctx := context.Background()
	root, err := repoRoot()
	if err != nil {
		b.Fatal(err)
	}
	work := b.TempDir()
	app, err := buildHello(ctx, root, work)
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(ctx)
	a, err := host.OpenApp(ctx, e, app)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close(ctx)
	// The same with the access log on: text lines formatted, then dropped.
	logged := slog.New(slog.NewTextHandler(io.Discard, nil))
	el, err := host.NewEngine(host.WithLogger(logged))
	if err != nil {
		b.Fatal(err)
	}
	defer el.Close(ctx)
	al, err := host.OpenApp(ctx, el, app)
	if err != nil {
		b.Fatal(err)
	}
	defer al.Close(ctx)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"wasm", a}, {"wasm-log", al}, {"native", nativeHello()}} {
		for _, path := range []string{"/", "/api/info"} {
			b.Run(c.name+path, func(b *testing.B) {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("User-Agent", "bench")
				req.Header.Set("Accept", "*/*")
				b.ReportAllocs()
				for b.Loop() {
					serveOK(b, c.h, req)
				}
			})
		}
	}
}

// BenchmarkDBRowsJSONPostgres is the dbhttp section's PostgreSQL routes in
// process: db.QueryJSON and the fast path as a guest, and native
// database/sql, one request at a time, so that a CPU profile shows each
// side's own work (go test -run XXX -bench DBRowsJSONPostgres -cpuprofile F
// ./bench).
func BenchmarkDBRowsJSONPostgres(b *testing.B) {
	ctx := context.Background()
	root, err := repoRoot()
	if err != nil {
		b.Fatal(err)
	}
	u := pgtest.URL(b)
	b.Setenv(settings.DatabaseURLEnv, u)
	name := fmt.Sprintf("benchrows_%d", os.Getpid())
	defer pgtest.DropSchema(ctx, u, name)
	routes := map[string]string{}
	for _, g := range dbHTTPRoutes {
		routes[g.name] = g.body
	}
	dir, err := dbApp(ctx, root, b.TempDir(), name, fmt.Sprintf("name = %q\n[limits]\nidle_per_route = 16\n", name), routes)
	if err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app, closeApp, err := openApp(ctx, dir, quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer closeApp()
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		b.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = postgres.Schema(name)
	cfg.RuntimeParams["application_name"] = nativeAppName
	native := stdlib.OpenDB(*cfg)
	native.SetMaxOpenConns(8) // as the host's pool per app
	native.SetMaxIdleConns(8)
	defer native.Close()
	for _, c := range []struct {
		name, path, backends string
		h                    http.Handler
	}{
		{"guest-json", "/m/rowsjson", "usename = '" + postgres.Schema(name) + "'", app},
		{"guest-rows", "/m/rows", "usename = '" + postgres.Schema(name) + "'", app},
		{"native", "/", "application_name = '" + nativeAppName + "'", nativeRows(native)},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", c.path, nil)
			b.ReportAllocs()
			for b.Loop() {
				serveOK(b, c.h, req)
			}
		})
		// 32 requests at a time, as wrk's connections; cpu-µs/op is the
		// process's CPU time per request, pg-cpu-µs/op that of the
		// PostgreSQL backends serving this side.
		b.Run(c.name+"-parallel", func(b *testing.B) {
			b.SetParallelism(16)
			// cpu is the CPU time so far of this process and of the
			// PostgreSQL backends serving this side.
			cpu := func() (self, pg time.Duration) {
				self, err := cpuTime(os.Getpid())
				if err == nil {
					pg, err = backendCPU(ctx, native, c.backends)
				}
				if err != nil {
					b.Fatal(err)
				}
				return self, pg
			}
			before, pgBefore := cpu()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest("GET", c.path, nil)
				for pb.Next() {
					w := httptest.NewRecorder()
					c.h.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Error(w.Code, w.Body.String())
						return
					}
				}
			})
			after, pgAfter := cpu()
			b.ReportMetric(us(after-before)/float64(b.N), "cpu-µs/op")
			b.ReportMetric(us(pgAfter-pgBefore)/float64(b.N), "pg-cpu-µs/op")
		})
	}
}

// serveOK serves req with h and stops the benchmark unless h answers 200.
func serveOK(b *testing.B, h http.Handler, req *http.Request) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 {
		b.Fatal(w.Code, w.Body.String())
	}
}
