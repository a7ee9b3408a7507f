// Page routes, the host's side: an app's pages loaded with its settings,
// each page route given its handler and parameters, and the one QuickJS
// engine. Package pageserve serves them (document, loader, actions, render
// cache).

package host

import (
	"context"
	"net/http"
	"path/filepath"

	"sandkit.dev/sandkit/host/internal/fuel"
	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/internal/phase"
	"sandkit.dev/sandkit/pages"
	"sandkit.dev/sandkit/routing"
)

// Where the compiler leaves an app's pages, relative to the app folder
// (spec/pages.md, "Build output"), and the URL path of their client assets.
const (
	PagesDir      = pageserve.Dir
	PagesManifest = pageserve.Manifest
	PagesServer   = pageserve.Server
	PagesClient   = pageserve.Client
	AssetPrefix   = pageserve.AssetPrefix
)

// loadPages loads the app's built pages, reusing old's renderer when the
// server bundle did not change. It returns nil, nil for an app without
// pages.
func (a *App) loadPages(ctx context.Context, old *pageserve.Set) (*pageserve.Set, error) {
	defer phase.Start(ctx, "pages.load")()
	return pageserve.Load(ctx, pageserve.Config{
		Name:           a.cfg.Name,
		Dir:            a.dir,
		Engine:         a.engine.pagesEngine,
		Log:            a.log,
		RenderTimeout:  a.cfg.Limits.RenderTimeout.Std(),
		CacheEntries:   a.cfg.Limits.RenderCacheEntries,
		CacheBytes:     a.cfg.Limits.RenderCacheBytes,
		ReuseInstances: a.cfg.Pages.ReuseInstances,
		RenderScope:    renderScope(a.sb.group),
	}, old)
}

// pageHandler serves a route that has a page; m is the route's handler
// module, or nil for a page without a handler.
func (a *App) pageHandler(rt *routing.Route, m *Module, ps *pageserve.Set) http.Handler {
	var guest http.Handler
	if m != nil {
		guest = a.routeHandler(rt, m)
	}
	params := func(r *http.Request) map[string]string {
		p := map[string]string{}
		for _, v := range rt.Vars(r) {
			p[v.Name] = v.Value
		}
		return p
	}
	return ps.Page(rt.ID(), params, guest)
}

// pagesEngine is the host's one QuickJS engine, made on first use. Its
// module gets the same fuel counter as handlers, so a long native operation
// inside QuickJS stops at the deadline too.
func (e *Engine) pagesEngine(ctx context.Context) (*pages.Engine, error) {
	e.pagesOnce.Do(func() {
		opts := []pages.Option{pages.WithLogger(e.log)}
		if e.cacheDir != "" {
			opts = append(opts, pages.WithCacheDir(filepath.Join(e.cacheDir, "quickjs")))
		}
		if e.snapBytes != nil {
			opts = append(opts, pages.WithSnapshotCacheBytes(*e.snapBytes))
		}
		if _, ok := e.intr.(fuelCounter); ok {
			opts = append(opts, pages.WithModuleRewrite(fuel.Instrument), pages.WithRuntimeSetup(fuel.Register))
		}
		e.pages, e.pagesErr = pages.NewEngine(context.WithoutCancel(ctx), opts...)
	})
	return e.pages, e.pagesErr
}
