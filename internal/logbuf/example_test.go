package logbuf_test

import (
	"log/slog"
	"os"
	"time"

	"sandkit.dev/sandkit/internal/logbuf"
)

// A log whose lines go out in batches under load, and all of them by
// Close.
func Example() {
	w := logbuf.New(os.Stdout, 10*time.Millisecond, 64<<10)
	defer w.Close()
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // a fixed output for the example
			}
			return a
		},
	}))
	log.Info("request", "path", "/", "status", 200)  // a quiet log: out at once
	log.Info("request", "path", "/a", "status", 200) // kept with the next lines
	log.Info("request", "path", "/b", "status", 404)
	// Output:
	// level=INFO msg=request path=/ status=200
	// level=INFO msg=request path=/a status=200
	// level=INFO msg=request path=/b status=404
}
