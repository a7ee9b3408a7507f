package host_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
)

// BenchmarkRestore compares examples/hello's Go module pooled and under
// isolation = "request", interleaved: each iteration does the same thing
// once with each app, timing each, and the medians of those times are
// reported (so load from elsewhere on the machine hits both alike), with
// the means beside them.
//
//   - new: a fresh instance, closed at once. Pooled: instantiated and
//     initialised, as a pool does when it grows. Request: restored from the
//     restore point, as after a trap or a request that grew the memory.
//   - serve/PATH: the whole request path of a GET in process (no network,
//     no access log). Request: including the reset to the restore point.
func BenchmarkRestore(b *testing.B) {
	src := copyExample(b, "hello")
	if _, err := compiler.BuildHandlers(context.Background(), src); err != nil {
		b.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := host.NewEngine(host.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(context.Background())
	var apps [2]*host.App
	for i, isolation := range []string{"pool", "request"} {
		dir := filepath.Join(b.TempDir(), isolation)
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("isolation = \""+isolation+"\"\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		if apps[i], err = host.OpenApp(context.Background(), e, dir); err != nil {
			b.Fatal(err)
		}
		defer apps[i].Close(context.Background())
	}
	interleave := func(b *testing.B, run func(app *host.App)) {
		var times [2][]time.Duration
		b.ReportAllocs()
		for b.Loop() {
			for i, app := range apps {
				start := time.Now()
				run(app)
				times[i] = append(times[i], time.Since(start))
			}
		}
		pool, req := medianDuration(times[0]), medianDuration(times[1])
		b.ReportMetric(float64(pool.Nanoseconds())/1e3, "pool-µs")
		b.ReportMetric(float64(req.Nanoseconds())/1e3, "request-µs")
		b.ReportMetric(float64(pool)/float64(req), "pool/request")
		b.ReportMetric(float64(meanDuration(times[0]).Nanoseconds())/1e3, "pool-mean-µs")
		b.ReportMetric(float64(meanDuration(times[1]).Nanoseconds())/1e3, "request-mean-µs")
	}
	ctx := context.Background()
	b.Run("new", func(b *testing.B) {
		loops := [2]func(context.Context) error{host.NewInstanceLoop(apps[0]), host.NewInstanceLoop(apps[1])}
		interleave(b, func(app *host.App) {
			i := slices.Index(apps[:], app)
			if err := loops[i](ctx); err != nil {
				b.Fatal(err)
			}
		})
	})
	for _, path := range []string{"/", "/api/info"} {
		b.Run("serve"+path, func(b *testing.B) {
			interleave(b, func(app *host.App) {
				w := httptest.NewRecorder()
				app.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body.String())
				}
			})
		})
	}
}

func medianDuration(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func meanDuration(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}
