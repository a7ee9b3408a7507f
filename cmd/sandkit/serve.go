// serve: compile an app's Go handlers, then serve the app, reloading routes
// as their files change.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"sandkit.dev/sandkit/host"
)

var serveCmd = &command{
	name:    "serve",
	summary: "serve an app over HTTP",
	usage:   serveUsage,
	run:     runServe,
}

const serveUsage = `Usage: sandkit serve [APPDIR] [flags]

Serves the app in APPDIR (default: the current folder). Go route handlers
(routes/**/*.go) are first compiled into one WebAssembly module, and React
pages (routes/**/page.tsx with their layouts) are bundled for the browser
and for server rendering, after "npm ci --ignore-scripts" (no install
script runs, see spec/config.md) if the app's node_modules is
missing; prebuilt routes/**/handler.wasm files are served as they are;
files under public/ are served as-is where no route matches. Changes under
routes/ are picked up without a restart: an edited .go file is rebuilt, and
a new or changed module is compiled, warmed and published atomically while
requests in flight finish on the old version. A build or module that fails
keeps the previous version serving and logs the error. sandkit.toml,
migrations/ and Go packages outside routes/ are read at start only.

While developing, use "sandkit dev": it watches all of the app, reloads the
browser, type-checks pages and shows errors over the page. "serve --dev"
only builds pages for development (readable code, source maps).

Flags:
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	cacheDir := fs.String("cache-dir", defaultCacheDir(), "where compiled machine code is cached (empty: memory only)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	logJSON := fs.Bool("log-json", false, "write logs as JSON lines instead of text")
	dev := fs.Bool("dev", false, "build pages for development: readable code and source maps (for the whole development loop use sandkit dev)")
	noWatch := fs.Bool("no-watch", false, "do not rebuild or reload when files under routes/ change")
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{msg: fmt.Sprintf("--log-level %q: want debug, info, warn or error", *logLevel)}
	}
	dir, err := appDirArg(pos)
	if err != nil {
		return err
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(stderr, opts)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, opts)
	}
	log := slog.New(h)

	if err := buildApp(ctx, dir, *dev, log); err != nil {
		return err
	}
	if err := applyMigrations(ctx, dir, log); err != nil {
		return err
	}

	engineOpts := []host.EngineOption{host.WithLogger(log)}
	if *cacheDir != "" {
		engineOpts = append(engineOpts, host.WithCacheDir(*cacheDir))
	}
	engine, err := host.NewEngine(engineOpts...)
	if err != nil {
		return err
	}
	defer engine.Close(context.Background())
	app, err := host.OpenApp(ctx, engine, dir)
	if err != nil {
		return err
	}
	defer app.Close(context.Background())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(h, slog.LevelWarn),
	}
	if !*noWatch {
		// Both watches are set up before the address is printed: a change
		// made after that is seen.
		if err := app.StartWatch(ctx); err != nil {
			return err
		}
		if err := startSourceWatch(ctx, dir, log, func(ctx context.Context) error { return buildApp(ctx, dir, *dev, log) }); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "sandkit: serving %s on http://%s\n", app.Name(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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

// defaultCacheDir is the user's cache folder for sandkit's compiled code.
func defaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "sandkit", "wazero")
}
