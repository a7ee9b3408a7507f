// Server flags: what "serve" and "dev" share (address, compile cache,
// logging).

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/logbuf"
)

// serverFlags are the flags of a command that serves an app.
type serverFlags struct {
	addr, cacheDir, logLevel *string
	logJSON                  *bool
}

func addServerFlags(fs *flag.FlagSet) *serverFlags {
	return &serverFlags{
		addr:     fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)"),
		cacheDir: fs.String("cache-dir", defaultCacheDir(), "where compiled machine code is cached (empty: memory only)"),
		logLevel: fs.String("log-level", "info", "log level: debug, info, warn or error"),
		logJSON:  fs.Bool("log-json", false, "write logs as JSON lines instead of text"),
	}
}

// logHandler is the log handler the flags ask for, writing to stderr.
func (f *serverFlags) logHandler(stderr io.Writer) (slog.Handler, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(*f.logLevel)); err != nil {
		return nil, usageError{msg: fmt.Sprintf("--log-level %q: want debug, info, warn or error", *f.logLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	if *f.logJSON {
		return slog.NewJSONHandler(stderr, opts), nil
	}
	return slog.NewTextHandler(stderr, opts), nil
}

// Batching of a server's log (spec/RATIONALE.md, "The access log is
// written in batches"): a line is written at once when the log was quiet
// for logDelay, else with the lines that follow, at most logDelay later or
// when logBatch bytes are waiting.
const (
	logDelay = 10 * time.Millisecond
	logBatch = 64 << 10
)

// bufferedLogHandler is logHandler writing to stderr through a batching
// writer, for a server whose every request logs a line. Records at warn
// and above flush it at once. The caller closes the writer last, after
// everything that logs at shutdown, and flushes it before it prints
// anything to stdout that a reader may take as a sign the log is
// complete.
func (f *serverFlags) bufferedLogHandler(stderr io.Writer) (slog.Handler, *logbuf.Writer, error) {
	w := logbuf.New(stderr, logDelay, logBatch)
	h, err := f.logHandler(w)
	if err != nil {
		return nil, nil, err
	}
	return flushOnWarn{h, w}, w, nil
}

// flushOnWarn flushes w after each record at warn or above, so a warning
// or an error is never left waiting in the buffer (nor lost if the process
// dies).
type flushOnWarn struct {
	slog.Handler
	w *logbuf.Writer
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.w.Flush()
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.w}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.w}
}

// newEngine is the engine of a serving command: its compiled code cached
// in the --cache-dir folder, if there is one; more are further options.
func (f *serverFlags) newEngine(log *slog.Logger, more ...host.EngineOption) (*host.Engine, error) {
	opts := append([]host.EngineOption{host.WithLogger(log)}, more...)
	if *f.cacheDir != "" {
		opts = append(opts, host.WithCacheDir(*f.cacheDir))
	}
	return host.NewEngine(opts...)
}

// newServer is the HTTP server of serve and dev, logging its own errors
// through h.
func newServer(handler http.Handler, h slog.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(h, slog.LevelWarn),
	}
}

// waitAndShutdown returns when serving ended (errc) with its error, or when
// ctx is done, after shutting srv down gracefully.
func waitAndShutdown(ctx context.Context, srv *http.Server, errc <-chan error, log *slog.Logger) error {
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
