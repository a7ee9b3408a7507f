// dev: the development command. Build the app, serve it, and on every
// change rebuild only what changed, type-check pages, apply new migrations,
// reload the settings, then reload the open browser pages; errors show in
// the terminal and as an overlay in the browser while the last good version
// keeps serving.

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/internal/fswatch"
)

var devCmd = &command{
	name:    "dev",
	summary: "develop an app: serve it, rebuild on change, reload the browser, show errors",
	usage:   devUsage,
	run:     runDev,
}

const devUsage = `Usage: sandkit dev [APPDIR] [flags]

Builds the app in APPDIR (default: the current folder) for development,
applies its pending migrations and serves it, then watches it:

  routes/           Go handlers and pages are rebuilt (Go only when a .go
                    file changed), pages are type-checked with tsc
  other Go packages any .go file of the app outside routes/ (a store/
                    package its handlers import), go.mod and go.sum
  migrations/       new migrations are applied
  public/           served as-is; open pages reload
  sandkit.toml      the settings are read again and the app reopened

Open pages reload by themselves when a new version goes live. A build,
type, migration or settings error is printed here and shown over the page in
the browser, and the last good version keeps serving until it is fixed; a
page that fails to render shows its error there too.

Pages are type-checked when the app has a tsconfig.json and React's types
(node_modules/@types/react), with the
TypeScript sandkit pins (` + compiler.TypeScriptVersion + `; installed once into the cache folder,
never the app's own typescript package), run by Node read-only under its
permission model (spec/config.md). A type error keeps the last good version
serving, as a build error does.

Only for development: the browser script and its event stream are added to
every page. Serve a finished app with "sandkit serve".

Flags:
`

// devDebounce is how long after the last change a rebuild starts: editors
// write a file in one or two quick operations.
const devDebounce = 30 * time.Millisecond

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addServerFlags(fs)
	noTypecheck := fs.Bool("no-typecheck", false, "do not type-check pages with tsc")
	tools := fs.String("tools-dir", toolsDir(), "where sandkit installs its own tools (the pinned TypeScript)")
	fs.Usage = func() {
		fmt.Fprint(stderr, devUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	h, err := sf.logHandler(stderr)
	if err != nil {
		return err
	}
	dir, err := appDirArg(pos)
	if err != nil {
		return err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	var seed [4]byte
	rand.Read(seed[:])
	hub := newDevHub(hex.EncodeToString(seed[:]))
	d := &devServer{dir: dir, hub: hub, ctx: ctx, typecheck: !*noTypecheck, toolsDir: *tools, session: compiler.NewPagesSession()}
	d.stacks = &stackMapper{appDir: dir}
	d.log = slog.New(&devLogHandler{Handler: h, d: d})
	if !*sf.logJSON {
		d.plain = stderr
	}

	// The address first: a busy port is reported before a long build.
	ln, err := net.Listen("tcp", *sf.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w\nhint: another program uses the port; pick another with --addr 127.0.0.1:PORT (port 0 picks a free one)", *sf.addr, err)
	}
	engineOpts := []host.EngineOption{host.WithLogger(d.log)}
	if *sf.cacheDir != "" {
		engineOpts = append(engineOpts, host.WithCacheDir(*sf.cacheDir))
	}
	if d.engine, err = host.NewEngine(engineOpts...); err != nil {
		return err
	}
	defer d.engine.Close(context.Background())
	defer d.close()

	// Watches are in place before the first build: a change made during it
	// is seen.
	w, err := fswatch.NewSkipping(nil, []string{dir}, d.skipDir)
	if err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	srv := newServer(d, h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	d.log.Info("building the app; the browser shows progress and errors meanwhile", "url", "http://"+ln.Addr().String())

	d.cycle(ctx, allChanges, true)
	if ctx.Err() != nil {
		return nil // interrupted during the first build
	}
	name := filepath.Base(dir)
	if a := d.current(); a != nil {
		name = a.Name()
	}
	fmt.Fprintf(stdout, "sandkit: serving %s on http://%s (dev: watching for changes)\n", name, ln.Addr())
	// The watcher's goroutine runs the cycles; it is over before d.close
	// (deferred above) releases what they use.
	wctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		w.Run(wctx, devDebounce, d.relevant, d.onChange, func(err error) { d.log.Warn("watching the app", "err", err) })
	}()
	defer func() {
		stopWatch()
		<-watched
	}()

	return waitAndShutdown(ctx, srv, errc, d.log)
}

// toolsDir is where sandkit installs its own tools (the pinned TypeScript).
func toolsDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "sandkit", "tools")
}

// devServer is the app being developed and its dev loop.
type devServer struct {
	dir       string
	log       *slog.Logger
	hub       *devHub
	ctx       context.Context // the dev server's life
	engine    *host.Engine
	typecheck bool
	toolsDir  string

	mu  sync.RWMutex // held for reading while a request uses app
	app *host.App

	stacks     *stackMapper
	appName    atomic.Value // string: the name of the app served
	renderMu   sync.Mutex
	renderErrs map[string][]devProblem // by request URI, until its answer takes them

	// Used on the watcher's goroutine only (and before it starts).
	pending map[string]bool // paths changed since the last cycle
	retry   changes         // what the last cycle failed on: built again next time
	checker *compiler.TypeChecker
	session *compiler.PagesSession // esbuild's parsed files, kept between page builds
	plain   io.Writer              // where errors are printed as they are, with text logs

	warnedTypes bool // the missing React types were reported
}

func (d *devServer) current() *host.App {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.app
}

func (d *devServer) close() {
	d.session.Close()
	if d.checker != nil {
		d.checker.Close()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.app != nil {
		d.app.Close(context.Background())
		d.app = nil
	}
}

// ServeHTTP serves the dev endpoints and the app, adding the dev script to
// its documents.
func (d *devServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case devEventsPath:
		d.hub.serveEvents(d.ctx, w, r)
		return
	case devClientPath:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(devClientJS)
		return
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	build := d.hub.state().Build
	if d.app == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(devErrorDocument("sandkit dev: the app has not built yet; this page reloads when it has.", build, nil))
		return
	}
	serveWithDevScript(w, r, d.app, build, d.takeRenderErrs)
}
