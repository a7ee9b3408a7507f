// dev: the development command. Build the app, serve it, and on every
// change rebuild only what changed, type-check pages, apply new migrations,
// reload the settings, then reload the open browser pages; errors show in
// the terminal and as an overlay in the browser while the last good version
// keeps serving.

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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

Pages are type-checked when the app has a tsconfig.json, with the
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

// skipDir says which folders are not watched: packages, build output, the
// database, dot folders.
func (d *devServer) skipDir(p string) bool {
	name := filepath.Base(p)
	return name == "node_modules" || name == "data" || name == "testdata" || strings.HasPrefix(name, ".")
}

// relevant records a changed path that calls for a cycle.
func (d *devServer) relevant(p string) bool {
	base := filepath.Base(p)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false
	}
	rel, err := filepath.Rel(d.dir, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	if !strings.Contains(rel, "/") {
		switch {
		case rel == "go.mod", rel == "go.sum", rel == "package.json", rel == "package-lock.json", rel == "tsconfig.json",
			strings.HasSuffix(rel, ".toml"), strings.HasSuffix(rel, ".go"),
			rel == "routes", rel == "migrations", rel == "public":
		default:
			return false
		}
	}
	if d.pending == nil {
		d.pending = map[string]bool{}
	}
	d.pending[rel] = true
	return true
}

// changes says what a cycle rebuilds.
type changes struct {
	goSrc, pages, migrations, public, settings bool
}

var allChanges = changes{goSrc: true, pages: true, migrations: true, public: true, settings: true}

func (c changes) or(o changes) changes {
	return changes{c.goSrc || o.goSrc, c.pages || o.pages, c.migrations || o.migrations, c.public || o.public, c.settings || o.settings}
}

// classify sorts changed paths (relative, with slashes) into kinds.
func classify(paths map[string]bool) changes {
	var c changes
	for rel := range paths {
		switch {
		case !strings.Contains(rel, "/") && strings.HasSuffix(rel, ".toml"):
			c.settings = true
		case rel == "migrations" || strings.HasPrefix(rel, "migrations/"):
			c.migrations = true
		case rel == "public" || strings.HasPrefix(rel, "public/"):
			c.public = true
		case strings.HasSuffix(rel, ".go"), rel == "go.mod", rel == "go.sum":
			c.goSrc = true
		case rel == "routes" || strings.HasPrefix(rel, "routes/") && filepath.Ext(rel) == "":
			// A folder came or went: routes of both kinds may have.
			c.goSrc, c.pages = true, true
		default:
			c.pages = true
		}
	}
	return c
}

// onChange runs one cycle for the changes recorded since the last one.
func (d *devServer) onChange(ctx context.Context) {
	c := classify(d.pending)
	if len(d.pending) == 0 {
		// A folder came: the watcher adds it without naming the files
		// already written into it.
		c.goSrc, c.pages = true, true
	}
	d.pending = nil
	d.log.Info("change seen; rebuilding", "what", c.String())
	d.cycle(ctx, c, false)
}

func (c changes) String() string {
	var s []string
	for _, k := range []struct {
		on   bool
		name string
	}{{c.goSrc, "go"}, {c.pages, "pages"}, {c.migrations, "migrations"}, {c.public, "public"}, {c.settings, "settings"}} {
		if k.on {
			s = append(s, k.name)
		}
	}
	return strings.Join(s, ",")
}

// cycle builds what c says changed (and what failed last time), then
// publishes the new version and reloads the open pages; on any error
// nothing new is published, and the errors go to the terminal and the
// overlay.
func (d *devServer) cycle(ctx context.Context, c changes, first bool) {
	start := time.Now()
	c = c.or(d.retry)
	var (
		mu       sync.Mutex
		problems []devProblem
	)
	fail := func(kind string, err error) {
		if err == nil || ctx.Err() != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, devProblem{Kind: kind, Message: err.Error()})
		if d.plain != nil {
			// Readable as the compiler wrote it: one problem a line.
			d.log.Error(kind + " failed; the last good version keeps serving")
			fmt.Fprintf(d.plain, "%s\n", err)
		} else {
			d.log.Error(kind+" failed; the last good version keeps serving", "err", err)
		}
	}
	hint := ""
	if first {
		hint = firstBuildHint
	}
	if c.goSrc {
		done := progress(d.log, "building Go handlers", hint)
		res, err := compiler.BuildHandlers(ctx, d.dir)
		done()
		fail("build", err)
		if err == nil && len(res.Routes) > 0 {
			d.log.Info("Go handlers built", "routes", len(res.Routes), "cached", res.Cached, "took", res.Duration.Round(time.Millisecond))
		}
	}
	pagesNeeded := c.pages
	if (c.goSrc || c.pages) && len(problems) == 0 {
		// A Go edit that leaves every route's type Data as it was needs no
		// page build and no type check.
		before := treeHash(filepath.Join(d.dir, filepath.FromSlash(compiler.TypesDir)))
		if _, err := compiler.GenerateTypes(d.dir); err != nil {
			fail("build", err)
		}
		if treeHash(filepath.Join(d.dir, filepath.FromSlash(compiler.TypesDir))) != before || first {
			pagesNeeded = true
		}
	}
	if pagesNeeded && len(problems) == 0 {
		// The bundles and the type check, side by side; the first time one
		// after the other, since the bundling writes the client runtime's
		// types the check reads.
		var wg sync.WaitGroup
		wg.Add(1)
		bundle := func() {
			defer wg.Done()
			fail("build", buildPagesWith(ctx, d.dir, compiler.PagesOptions{Dev: true, Session: d.session}, d.log))
		}
		if first {
			bundle()
		} else {
			go bundle()
		}
		if missing := compiler.MissingTypes(d.dir); d.typecheck && compiler.HasTypeCheck(d.dir) && missing != "" {
			if !d.warnedTypes {
				d.log.Warn("pages are not type-checked: " + missing)
				d.warnedTypes = true
			}
		} else if d.typecheck && compiler.HasTypeCheck(d.dir) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fail("types", d.checkTypes(ctx))
			}()
		}
		wg.Wait()
	}
	if c.migrations && len(problems) == 0 {
		fail("migrations", applyMigrations(ctx, d.dir, d.log))
	}
	if len(problems) > 0 {
		d.retry = c
		d.hub.failed(problems)
		return
	}
	d.mu.RLock()
	app := d.app
	d.mu.RUnlock()
	if app == nil || c.settings {
		done := progress(d.log, "loading the app (compiling its modules)", "")
		next, err := host.OpenApp(ctx, d.engine, d.dir)
		done()
		if err != nil {
			fail("load", err)
			d.retry = c
			d.hub.failed(problems)
			return
		}
		d.appName.Store(next.Name())
		d.mu.Lock()
		d.app = next
		d.mu.Unlock()
		if app != nil {
			app.Close(context.WithoutCancel(ctx)) // no request uses it any more
		}
	} else {
		done := progress(d.log, "publishing the new version (compiling changed modules)", "")
		err := app.Reload(ctx)
		done()
		if err != nil {
			fail("reload", err)
			d.retry = c
			d.hub.failed(problems)
			return
		}
	}
	d.retry = changes{}
	d.hub.published()
	d.log.Info("live; open pages reload", "took", time.Since(start).Round(time.Millisecond))
}

// checkTypes runs the type checker, starting it first if needed.
func (d *devServer) checkTypes(ctx context.Context) error {
	if d.checker == nil {
		done := progress(d.log, "starting the type checker", "TypeScript "+compiler.TypeScriptVersion+" is installed once into "+d.toolsDir)
		c, err := compiler.NewTypeChecker(ctx, d.dir, d.toolsDir)
		done()
		if err != nil {
			return fmt.Errorf("%w\nhint: run with --no-typecheck to skip type checks", err)
		}
		d.checker = c
	}
	done := progress(d.log, "type-checking pages", "")
	err := d.checker.Check(ctx)
	done()
	var te *compiler.TypeError
	if err != nil && !errors.As(err, &te) {
		d.checker.Close() // started again next time
		d.checker = nil
	}
	return err
}

// treeHash is a hash of the names and contents of the files under dir
// ("" when it cannot be read).
func treeHash(dir string) string {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
