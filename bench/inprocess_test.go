package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"sandkit.dev/sandkit/host"
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
					w := httptest.NewRecorder()
					c.h.ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatal(w.Code, w.Body.String())
					}
				}
			})
		}
	}
}
