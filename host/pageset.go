// Page set: an app's built pages (server bundle, client assets and their
// manifest), the renderer that runs the bundle, and its render cache.

package host

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sandkit.dev/sandkit/host/internal/fuel"
	"sandkit.dev/sandkit/pages"
)

// Where the compiler leaves an app's pages, relative to the app folder.
const (
	PagesDir      = ".sandkit/build/pages"
	PagesManifest = ".sandkit/build/pages/manifest.json"
	// AssetPrefix is the URL path under which client assets are served. No
	// route can start with it: folders starting with _ are never routed.
	AssetPrefix = "/_sandkit/"
)

// pagesManifest is manifest.json, written by the compiler (spec/pages.md,
// "Build output").
type pagesManifest struct {
	// Server is the server bundle, relative to PagesDir.
	Server string `json:"server"`
	// Entry is the client entry module, relative to PagesDir.
	Entry string `json:"entry"`
	// Routes maps a route id to what its document links.
	Routes map[string]routeAssets `json:"routes"`
}

// routeAssets is what one route's document links, paths relative to
// PagesDir.
type routeAssets struct {
	Entry   string   `json:"-"`
	CSS     []string `json:"css"`
	Preload []string `json:"js"`
	// NoCache is set by a page that exports `cache = false`.
	NoCache bool `json:"no_cache,omitempty"`
}

// pageSet is one version of an app's pages.
type pageSet struct {
	version  string // sha256 prefix of the server bundle
	manifest pagesManifest
	renderer *pages.Renderer
	cache    *renderCache
}

// assets returns what route's document links.
func (ps *pageSet) assets(route string) routeAssets {
	ra := ps.manifest.Routes[route]
	ra.Entry = ps.manifest.Entry
	return ra
}

// url is the URL path of a file under PagesDir.
func (ps *pageSet) url(p string) string { return AssetPrefix + strings.TrimPrefix(p, "/") }

// render renders in, from the cache when the same input was rendered by
// this version before; hit reports that it was.
func (ps *pageSet) render(ctx context.Context, in *renderInput) (html []byte, hit bool, err error) {
	input, err := json.Marshal(in)
	if err != nil {
		return nil, false, err
	}
	cacheable := !ps.manifest.Routes[in.Route].NoCache
	key := sha256.Sum256(input)
	if cacheable {
		if html, ok := ps.cache.get(key); ok {
			return html, true, nil
		}
	}
	html, facts, err := ps.renderer.RenderInfo(ctx, input)
	if err != nil {
		return nil, false, err
	}
	// A render that read the clock is not a function of its input alone.
	if cacheable && !facts.ReadClock {
		ps.cache.put(key, html)
	}
	return html, false, nil
}

func (ps *pageSet) close(ctx context.Context) {
	if ps != nil {
		ps.renderer.Close(ctx)
	}
}

// loadPages loads the app's built pages, reusing old when the server bundle
// did not change. It returns nil, nil for an app without pages.
func (a *App) loadPages(ctx context.Context, old *pageSet) (*pageSet, error) {
	b, err := os.ReadFile(filepath.Join(a.dir, PagesManifest))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return old, fmt.Errorf("app %q: %w", a.cfg.Name, err)
	}
	var man pagesManifest
	if err := json.Unmarshal(b, &man); err != nil {
		return old, fmt.Errorf("app %q: %s: %w", a.cfg.Name, PagesManifest, err)
	}
	if man.Server == "" || !filepath.IsLocal(man.Server) {
		return old, fmt.Errorf("app %q: %s: bad server bundle path %q", a.cfg.Name, PagesManifest, man.Server)
	}
	bundle, err := os.ReadFile(filepath.Join(a.dir, PagesDir, filepath.FromSlash(man.Server)))
	if err != nil {
		return old, fmt.Errorf("app %q: %w\nhint: build the app's pages (sandkit serve does it at start)", a.cfg.Name, err)
	}
	version := versionOf(bundle)
	if old != nil && old.version == version {
		return &pageSet{version: version, manifest: man, renderer: old.renderer, cache: old.cache}, nil
	}
	eng, err := a.engine.pagesEngine(ctx)
	if err != nil {
		return old, err
	}
	start := time.Now()
	r, err := eng.Load(ctx, a.cfg.Name, bundle, pages.WithTimeout(a.cfg.Limits.RenderTimeout.std()))
	if err != nil {
		return old, fmt.Errorf("app %q: %s: %w", a.cfg.Name, path.Join(PagesDir, man.Server), err)
	}
	a.log.Info("pages loaded", "version", version, "routes", len(man.Routes), "took", time.Since(start).Round(time.Millisecond))
	return &pageSet{version: version, manifest: man, renderer: r, cache: newRenderCache(a.cfg.Limits.RenderCacheEntries, a.cfg.Limits.RenderCacheBytes)}, nil
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
		if _, ok := e.intr.(fuelCounter); ok {
			opts = append(opts, pages.WithModuleRewrite(fuel.Instrument), pages.WithRuntimeSetup(fuel.Register))
		}
		e.pages, e.pagesErr = pages.NewEngine(context.WithoutCancel(ctx), opts...)
	})
	return e.pages, e.pagesErr
}

// assetHandler serves the client assets under PagesDir: content-hashed
// names, so they are cached for good.
func (a *App) assetHandler() http.Handler {
	files := publicFiles(filepath.Join(a.dir, PagesDir), http.NotFoundHandler())
	return http.StripPrefix(strings.TrimSuffix(AssetPrefix, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if path.Ext(r.URL.Path) == ".json" || strings.HasSuffix(r.URL.Path, "/server.js") {
			http.NotFound(w, r) // the manifest and the server bundle are not for browsers
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	}))
}

// renderCache keeps recent renders of one page set, bounded in entries and
// bytes, least recently used out first.
type renderCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // of *cacheEntry, most recent first
	entries    map[[32]byte]*list.Element
}

type cacheEntry struct {
	key  [32]byte
	html []byte
}

func newRenderCache(maxEntries, maxBytes int) *renderCache {
	return &renderCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), entries: map[[32]byte]*list.Element{}}
}

func (c *renderCache) get(key [32]byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).html, true
	}
	return nil, false
}

func (c *renderCache) put(key [32]byte, html []byte) {
	if c.maxEntries <= 0 || len(html) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, html: html})
	c.bytes += len(html)
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.entries, ce.key)
		c.bytes -= len(ce.html)
	}
}
