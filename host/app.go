// App: one sandkit app served from its folder: its sandbox, its route table
// and the module versions currently published.

package host

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/httperr"
	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/phase"
	"sandkit.dev/sandkit/routing"
)

// AppModulePath is where the compiler leaves the module that links an app's
// Go handlers, relative to the app folder, with its manifest beside it.
const (
	AppModulePath   = ".sandkit/build/handlers.wasm"
	AppManifestPath = ".sandkit/build/handlers.json"
)

// App serves one app folder. It is an http.Handler; Reload and Watch
// publish new versions of its routes without a restart.
type App struct {
	dir    string
	cfg    settings.Config
	engine *Engine
	sb     *sandbox
	budget *budget
	log    *slog.Logger
	// artifact is the manifest of an app served from an artifact
	// (spec/artifact.md), nil for an app folder.
	artifact *artifact.Manifest

	reloadMu sync.Mutex // one reload at a time
	current  atomic.Pointer[snapshot]
	reqSeq   atomic.Uint64
	reqBase  string
}

// snapshot is one published state of an app: a router and the modules it
// serves. It never changes once published.
type snapshot struct {
	router  http.Handler
	modules map[string]*Module // by source file, relative to the app folder
	pages   *pageserve.Set     // nil for an app without pages
	routes  int
}

// AppOption configures an App.
type AppOption func(*appOptions)

// WithInstanceBudget shares a bound on live instances across apps; see
// NewInstanceBudget. By default each app has its own budget of 256.
func WithInstanceBudget(b *InstanceBudget) AppOption {
	return func(o *appOptions) { o.budget = b.b }
}

// InstanceBudget bounds the live guest instances of every app that shares it.
type InstanceBudget struct{ b *budget }

// NewInstanceBudget returns a budget of max live instances.
func NewInstanceBudget(max int) *InstanceBudget { return &InstanceBudget{newBudget(max)} }

// OpenApp loads the app in dir (its sandkit.toml, routes/ and compiled
// handlers; or, for an artifact sandkit build -o wrote, its manifest, whose
// every file is checked first: spec/artifact.md), compiles and warms every module and returns the App ready to
// serve. Any error in the app fails OpenApp; later reloads keep serving the
// old version instead.
func OpenApp(ctx context.Context, e *Engine, dir string, opts ...AppOption) (*App, error) {
	end := phase.Start(ctx, "app.artifact")
	art, err := e.openArtifact(dir)
	end()
	if err != nil {
		return nil, err
	}
	var o appOptions
	for _, f := range opts {
		f(&o)
	}
	cfg, err := o.tenant.config(dir)
	if err != nil {
		return nil, err
	}
	log := e.log.With("app", cfg.Name)
	eng := o.tenant.engine(dir, cfg, log)
	adb := appdb.New(cfg.Name, eng, cfg.Limits.StatementTimeout.Std(), log)
	sb, err := e.newSandbox(ctx, cfg.Limits, cfg.Isolation, guestEnv(cfg, o.devSecretKey, eng.Name()), log, adb)
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", cfg.Name, err)
	}
	sb.group = o.group
	var seed [4]byte
	rand.Read(seed[:])
	a := &App{dir: dir, cfg: cfg, engine: e, sb: sb, log: log, artifact: art, reqBase: hex.EncodeToString(seed[:]), budget: o.budget}
	if a.budget == nil {
		a.budget = newBudget(256)
	}
	if err := a.Reload(ctx); err != nil {
		sb.close(ctx)
		return nil, err
	}
	return a, nil
}

// Name is the app's name from sandkit.toml, or its folder name.
func (a *App) Name() string { return a.cfg.Name }

// Reload rescans the app and publishes the new state atomically. A module
// that did not change keeps its warm instances; a new or changed one is
// compiled and warmed before it is published; a module that fails keeps its
// previous version serving (if there was one) and the error is returned.
// Requests in flight finish on the version they started on.
func (a *App) Reload(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	start := time.Now()
	old := a.current.Load()
	next, err := a.build(ctx, old)
	if next == nil {
		return err
	}
	a.current.Store(next)
	if old != nil {
		for src, m := range old.modules {
			if next.modules[src] != m {
				m.retire()
			}
		}
		if old.pages != nil && !next.pages.Shares(old.pages) {
			go old.pages.Close(context.WithoutCancel(ctx)) // after the renders in flight
		}
	}
	a.log.Info("routes published", "routes", next.routes, "modules", len(next.modules), "took", time.Since(start).Round(time.Millisecond))
	return err
}

// build makes the next snapshot. It returns nil only if nothing can be
// published (the first load failed).
func (a *App) build(ctx context.Context, old *snapshot) (*snapshot, error) {
	table, err := a.routeTable()
	if err != nil {
		if old == nil {
			return nil, fmt.Errorf("app %q: %w", a.cfg.Name, err)
		}
		return nil, fmt.Errorf("app %q: keeping the routes served before: %w", a.cfg.Name, err)
	}
	next := &snapshot{modules: map[string]*Module{}}
	var errs []error
	load := func(src string) *Module {
		if m, ok := next.modules[src]; ok {
			return m
		}
		m, err := a.loadModule(ctx, src, old)
		if err != nil {
			errs = append(errs, err)
		}
		if m != nil {
			next.modules[src] = m
		}
		return m
	}

	var appRoutes map[string]bool
	handlers := map[*routing.Route]*Module{}
	layouts := map[string]http.Handler{} // layout loaders by folder
	for _, rt := range table.Routes() {
		switch {
		case rt.HasWasm():
			if m := load(path.Join("routes", rt.ID(), "handler.wasm")); m != nil {
				handlers[rt] = m
			}
		case rt.HasGo():
			if appRoutes == nil {
				appRoutes, err = a.readManifest()
				if err != nil {
					errs = append(errs, err)
					appRoutes = map[string]bool{}
				}
			}
			layoutID := pageserve.LayoutRoute(rt.ID())
			if !appRoutes[rt.ID()] && !appRoutes[layoutID] {
				errs = append(errs, fmt.Errorf("app %q: route %q has Go source but %s does not contain it\nhint: build the app's handlers (sandkit serve does it at start)", a.cfg.Name, "routes/"+rt.ID(), AppModulePath))
				continue
			}
			if m := load(AppModulePath); m != nil && appRoutes[layoutID] {
				layouts[rt.ID()] = a.layoutHandler(rt.ID(), m)
			}
			if m := load(AppModulePath); m != nil && appRoutes[rt.ID()] {
				handlers[rt] = m
			}
		}
	}
	var oldPages *pageserve.Set
	if old != nil {
		oldPages = old.pages
	}
	ps, err := a.loadPages(ctx, oldPages)
	if err != nil {
		errs = append(errs, err)
	}
	if ps != nil {
		ps.SetLayouts(layouts)
	}
	next.pages = ps
	for _, rt := range table.Routes() {
		if rt.Page() != "" && ps == nil && err == nil {
			errs = append(errs, fmt.Errorf("app %q: route %q has a page but %s is missing\nhint: build the app's pages (sandkit serve does it at start)", a.cfg.Name, "routes/"+rt.ID(), PagesManifest))
			break
		}
	}
	if len(errs) > 0 && old == nil {
		for _, m := range next.modules {
			m.retire()
		}
		ps.Close(ctx)
		return nil, errors.Join(errs...)
	}
	next.routes = len(handlers)
	var notFound http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httperr.JSON(w, http.StatusNotFound, "no route matches "+r.URL.Path)
	})
	if ps != nil {
		notFound = ps.NotFound(notFound)
	}
	files := publicFiles(&a.engine.verified)
	notFound = files(filepath.Join(a.dir, "public"), notFound)
	router := table.Router(func(rt *routing.Route) http.Handler {
		m := handlers[rt]
		if rt.Page() != "" && ps != nil {
			return a.pageHandler(rt, m, ps)
		}
		if m == nil {
			return nil
		}
		return a.routeHandler(rt, m)
	}, notFound)
	next.router = router
	if ps != nil {
		assets := ps.Assets(files)
		// The client runtime's fetches see redirects as 204 +
		// X-Sandkit-Redirect (spec/pages.md, "Redirects").
		pages := pageserve.ClientRedirects(router)
		next.router = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, AssetPrefix) {
				assets.ServeHTTP(w, r)
				return
			}
			pages.ServeHTTP(w, r)
		})
	}
	return next, errors.Join(errs...)
}

// readManifest lists the route ids the compiled app module serves.
func (a *App) readManifest() (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(a.dir, AppManifestPath))
	if err != nil {
		return nil, fmt.Errorf("app %q: %w\nhint: build the app's Go handlers first", a.cfg.Name, err)
	}
	var man struct {
		ABI    int      `json:"abi"`
		Routes []string `json:"routes"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		return nil, fmt.Errorf("app %q: %s: %w", a.cfg.Name, AppManifestPath, err)
	}
	if man.ABI != abi.Version {
		return nil, fmt.Errorf("app %q: %s: built for ABI %d, this host serves %d", a.cfg.Name, AppManifestPath, man.ABI, abi.Version)
	}
	ids := make(map[string]bool, len(man.Routes))
	for _, id := range man.Routes {
		ids[id] = true
	}
	return ids, nil
}

// loadModule returns the module for the file src (relative to the app),
// reusing the old snapshot's module when the bytes did not change. On
// failure it returns the old module, if any, and the error.
func (a *App) loadModule(ctx context.Context, src string, old *snapshot) (*Module, error) {
	var prev *Module
	if old != nil {
		prev = old.modules[src]
	}
	end := phase.Start(ctx, "module.read")
	sum, size, load, err := a.moduleBytes(src)
	end()
	if err != nil {
		return prev, fmt.Errorf("app %q: %w", a.cfg.Name, err)
	}
	if prev != nil && prev.version == hex.EncodeToString(sum[:6]) {
		return prev, nil
	}
	end = phase.Start(ctx, "module.compile")
	m, err := a.sb.compile(ctx, src, sum, size, load)
	end()
	if err != nil {
		return prev, fmt.Errorf("app %q: %w", a.cfg.Name, err)
	}
	if m.kind == reactor {
		m.pool = newPool(m, a.cfg.Limits, a.budget)
		wctx, cancel := context.WithTimeout(ctx, a.cfg.Limits.RequestTimeout.Std())
		end := phase.Start(ctx, "module.warm")
		err := m.pool.warm(wctx, 1)
		end()
		cancel()
		if err != nil {
			m.retire()
			return prev, fmt.Errorf("app %q: %w", a.cfg.Name, err)
		}
	}
	if prev != nil {
		a.log.Info("module replaced", "module", src, "from", prev.version, "to", m.version)
	}
	return m, nil
}

// moduleBytes returns the SHA-256 and size of the module file src and
// what reads its bytes. An artifact's manifest lists both, checked against
// the file when the app was opened (openArtifact), so a module the Engine
// has compiled for another app, or for this one before it was evicted, is
// found without reading and hashing megabytes again; the bytes are read
// only when they must be compiled (and checked against the hash then).
// Other apps' modules are read and hashed here.
func (a *App) moduleBytes(src string) (sum [sha256.Size]byte, size int, load func() ([]byte, error), err error) {
	if a.artifact != nil {
		for _, f := range a.artifact.Files {
			if f.Path != src {
				continue
			}
			if b, err := hex.DecodeString(f.SHA256); err == nil && len(b) == sha256.Size {
				copy(sum[:], b)
				return sum, int(f.Size), func() ([]byte, error) { return os.ReadFile(filepath.Join(a.dir, src)) }, nil
			}
		}
	}
	wasm, err := os.ReadFile(filepath.Join(a.dir, src))
	if err != nil {
		return sum, 0, nil, err
	}
	return sha256.Sum256(wasm), len(wasm), func() ([]byte, error) { return wasm, nil }, nil
}

// retire stops serving new requests from m; requests in flight finish.
func (m *Module) retire() {
	if m.pool != nil {
		m.pool.close()
	}
}

// ServeHTTP routes the request to its guest.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.current.Load().router.ServeHTTP(w, r)
}

// routeHandler serves a route with module m, logging each request.
func (a *App) routeHandler(rt *routing.Route, m *Module) http.Handler {
	return a.guestHandler(rt.ID(), rt.Pattern(), func(r *http.Request) []abi.Pair {
		vars := rt.Vars(r)
		params := make([]abi.Pair, len(vars))
		for i, v := range vars {
			params[i] = abi.Pair{Name: v.Name, Value: v.Value}
		}
		return params
	}, m)
}

// layoutHandler calls the loader of the layout in folder, served by m
// under route id layout:FOLDER, with the parameters of the page it loads
// for (by name).
func (a *App) layoutHandler(folder string, m *Module) http.Handler {
	id := pageserve.LayoutRoute(folder)
	return a.guestHandler(id, id, func(r *http.Request) []abi.Pair {
		p := pageserve.Params(r)
		params := make([]abi.Pair, 0, len(p))
		for _, k := range slices.Sorted(maps.Keys(p)) {
			params = append(params, abi.Pair{Name: k, Value: p[k]})
		}
		return params
	}, m)
}

// guestHandler calls m for route id routeID; pattern names the route in
// logs.
func (a *App) guestHandler(routeID, pattern string, paramsOf func(*http.Request) []abi.Pair, m *Module) http.Handler {
	routeLog := a.log.With(slog.String("route", pattern), slog.String("module", m.name), slog.String("version", m.version))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var idBuf [40]byte // one allocation for the id, not two
		id := string(strconv.AppendUint(append(append(idBuf[:0], a.reqBase...), '-'), a.reqSeq.Add(1), 10))
		params := paramsOf(r)
		head := &abi.RequestHead{
			Method:        r.Method,
			Route:         routeID,
			Path:          r.URL.Path,
			Query:         r.URL.RawQuery,
			Params:        params,
			Headers:       sortedHeaders(r),
			ContentLength: r.ContentLength,
			RequestID:     id,
		}
		log := &requestLog{base: routeLog, id: id}
		out := m.serve(r.Context(), w, r, head, log)
		if errors.Is(out.err, errClosed) {
			// This version was retired after routing; the newest one serves.
			a.ServeHTTP(w, r)
			return
		}
		if out.err != nil {
			log.access(r.Context(), slog.LevelError, "request failed", r.Method, r.URL.Path, out.status, start, out.err)
			return
		}
		log.access(r.Context(), slog.LevelInfo, "request", r.Method, r.URL.Path, out.status, start, nil)
	})
}

// Close retires every module and closes the app's sandbox.
func (a *App) Close(ctx context.Context) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	if s := a.current.Load(); s != nil {
		for _, m := range s.modules {
			m.retire()
		}
		s.pages.Close(ctx)
	}
	return a.sb.close(ctx)
}
