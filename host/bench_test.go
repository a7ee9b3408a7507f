package host_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"sandkit.dev/sandkit/host"
)

// BenchmarkServeOK is the host's request path for a tiny C guest, without
// the network and without the access log: routing, pool, head encoding,
// the guest call, the response; "scheduled" opens the app under a
// Scheduler (WithScheduler), whose cost this measures.
func BenchmarkServeOK(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	for _, scheduled := range []bool{false, true} {
		name := "plain"
		var opts []host.AppOption
		if scheduled {
			name = "scheduled"
			opts = append(opts, host.WithScheduler(host.NewScheduler(0), "ok"))
		}
		b.Run(name, func(b *testing.B) {
			app, err := host.OpenApp(context.Background(), e, appDir(b, map[string]string{"ok": "ok.wasm"}, ""), opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer app.Close(context.Background())
			req := httptest.NewRequest("GET", "/ok", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				app.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// BenchmarkServeCGI is a command guest's request (spec/abi.md §7): a fresh
// instance per request, its CGI environment built from the request, the
// app's [env] and the database engine.
func BenchmarkServeCGI(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	app, err := host.OpenApp(context.Background(), e, appDir(b, map[string]string{"cgi/id.param": "cgi.wasm"}, "[env]\nGREETING = \"hi\"\n"))
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close(context.Background())
	req := httptest.NewRequest("GET", "/cgi/7", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		app.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body)
		}
	}
}
