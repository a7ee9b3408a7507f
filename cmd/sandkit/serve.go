// serve: compile an app's Go handlers, then serve the app, reloading routes
// as their files change.

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/settings"
)

var serveCmd = &command{
	name:    "serve",
	summary: "serve an app over HTTP",
	usage:   serveUsage,
	run:     runServe,
}

const serveUsage = `Usage: sandkit serve [APPDIR] [flags]
       sandkit serve --apps DIR (--base-domain DOMAIN | --path-prefix) [--host-config FILE] [flags]

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

APPDIR may instead be an artifact written by "sandkit build -o": it is
served as built (go and node are not needed and never run), after every
file is checked against its manifest, and it is not watched.

With --apps, serve is a host for many apps (spec/hosting.md): every app
built into DIR (sandkit build APP -o DIR/NAME) is served, app NAME at
NAME.DOMAIN with --base-domain and at /NAME/ with --path-prefix. Nothing is
built: go, node and esbuild are never run. An app is loaded on its first
request, applying its pending migrations, and unloaded when it idles; its
settings see only the environment the host configuration gives it. Apps
added to, replaced in or removed from DIR are picked up without a restart.
--host-config sets limits, the idle timeout, the memory budget and each
app's domains and environment.
--admin-addr serves the deploy API ("sandkit deploy APP --to
http://ADDR"), /metrics, /healthz and /readyz on a second address, with
the operator token from $SANDKIT_ADMIN_TOKEN. --registry postgres keeps the
apps in the PostgreSQL database of $SANDKIT_DATABASE_URL instead of DIR, so
that hosts sharing it serve the same versions (a fleet).

Flags:
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addServerFlags(fs)
	dev := fs.Bool("dev", false, "build pages for development: readable code and source maps (for the whole development loop use sandkit dev)")
	noWatch := fs.Bool("no-watch", false, "do not rebuild or reload when files under routes/ change")
	af := addAppsFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *af.apps != "" {
		return runServeApps(ctx, fs, af, sf, pos, stdout, stderr)
	}
	if err := singleAppOnly(fs); err != nil {
		return err
	}
	h, logw, err := sf.bufferedLogHandler(stderr)
	if err != nil {
		return err
	}
	defer logw.Close() // first deferred, so it runs last: after the app and engine log their closing
	dir, art, err := serveDirArg(pos)
	if err != nil {
		return err
	}
	log := slog.New(h)

	// The settings are read and the address taken before the build, so a
	// settings error or a busy port is reported at once rather than after it.
	if _, err := settings.Load(dir); err != nil {
		return err
	}
	ln, err := listen(*sf.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if art {
		log.Info("serving an artifact: nothing is built", "dir", dir)
	} else if err := buildApp(ctx, dir, *dev, log); err != nil {
		return err
	}
	if err := applyMigrations(ctx, dir, log, hintServeMigration); err != nil {
		return err
	}

	engine, err := sf.newEngine(log)
	if err != nil {
		return err
	}
	defer engine.Close(context.Background())
	done := progress(log, "loading the app (compiling its modules)", "")
	app, err := host.OpenApp(ctx, engine, dir)
	done()
	if err != nil {
		return err
	}
	defer app.Close(context.Background())

	srv := newServer(app, h)
	if !*noWatch && !art {
		// Both watches are set up before the address is printed: a change
		// made after that is seen.
		if err := app.StartWatch(ctx); err != nil {
			return err
		}
		if err := startSourceWatch(ctx, dir, log, func(ctx context.Context) error { return buildApp(ctx, dir, *dev, log) }); err != nil {
			return err
		}
	}
	logw.Flush() // what was logged while starting is in the log before the address is printed
	fmt.Fprintf(stdout, "sandkit: serving %s on http://%s\n", app.Name(), ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	return waitAndShutdown(ctx, srv, errc, log)
}

// defaultCacheDir is the user's cache folder for sandkit's compiled code.
func defaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "sandkit", "wazero")
}
