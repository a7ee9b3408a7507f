package host_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
)

// BenchmarkRestore measures a fresh instance of examples/hello's Go module:
// "request" restores one from the restore point (isolation = "request"),
// "pool" instantiates and initialises one as a pool does when it grows;
// each is closed at once. serve/* is the whole request path of a GET in
// process (no network, no access log) under each isolation, one request
// at a time.
func BenchmarkRestore(b *testing.B) {
	dir := copyExample(b, "hello")
	if _, err := compiler.BuildHandlers(context.Background(), dir); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	for _, isolation := range []string{"pool", "request"} {
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("isolation = \""+isolation+"\"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		app, err := host.OpenApp(context.Background(), e, dir)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("new/"+isolation, func(b *testing.B) {
			next := host.NewInstanceLoop(app)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if err := next(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, path := range []string{"/", "/api/info"} {
			b.Run("serve"+path+"/"+isolation, func(b *testing.B) {
				req := httptest.NewRequest("GET", path, nil)
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					app.ServeHTTP(w, req)
					if w.Code != http.StatusOK {
						b.Fatal(w.Code, w.Body.String())
					}
				}
			})
		}
		app.Close(context.Background())
	}
}
