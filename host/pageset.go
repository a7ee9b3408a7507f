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
	"path/filepath"
	"strings"
	"sync"
	"time"

	"sandkit.dev/sandkit/host/internal/fuel"
	"sandkit.dev/sandkit/pages"
)

// Where the compiler leaves an app's pages, relative to the app folder
// (spec/pages.md, "Build output").
const (
	PagesDir      = ".sandkit/build/pages"
	PagesManifest = PagesDir + "/manifest.json"
	PagesServer   = PagesDir + "/server.js"
	PagesClient   = PagesDir + "/client"
	// AssetPrefix is the URL path client assets must be served under. No
	// route can start with it: folders starting with _ are never routed.
	AssetPrefix = "/_sandkit/"
)

// pagesManifest is manifest.json, written by the compiler.
type pagesManifest struct {
	// PublicPath is the URL path of PagesClient, under AssetPrefix.
	PublicPath string `json:"publicPath"`
	// Entry is the client entry module, relative to PagesClient.
	Entry string `json:"entry"`
	// Routes maps a route id to what its document links.
	Routes map[string]*routeAssets `json:"routes"`
	// NotFound maps the folder of a 404 page ("" for routes/404.tsx) to what
	// a not-found document links.
	NotFound map[string]*routeAssets `json:"notFound"`
}

// routeAssets is what one document links, relative to PagesClient.
type routeAssets struct {
	CSS     []string `json:"css"`
	Preload []string `json:"preload"`
	// NoCache is set for a page that exports `cache = false`.
	NoCache bool `json:"noCache,omitempty"`
	// NoSSR is set for a page that exports `ssr = false`: it renders in the
	// browser only.
	NoSSR bool `json:"noSSR,omitempty"`
}

// pageSet is one version of an app's pages.
type pageSet struct {
	version  string // sha256 prefix of the server bundle
	manifest pagesManifest
	renderer *pages.Renderer
	cache    *renderCache
}

// assets returns what the document of in links; res, when not nil, says
// which 404 page a not-found render used.
func (ps *pageSet) assets(in *renderInput, res ...*renderResult) *routeAssets {
	var ra *routeAssets
	switch {
	case len(res) > 0 && res[0] != nil && res[0].NotFound != nil:
		ra = ps.manifest.NotFound[*res[0].NotFound]
	case in.NotFound:
		ra = ps.manifest.NotFound[""]
	default:
		ra = ps.manifest.Routes[in.Route]
	}
	if ra == nil {
		return &routeAssets{}
	}
	return ra
}

// url is the URL path of a file under PagesClient.
func (ps *pageSet) url(p string) string { return ps.manifest.PublicPath + strings.TrimPrefix(p, "/") }

// renderResult is what the server bundle's render returns (spec/pages.md).
type renderResult struct {
	HTML   string          `json:"html"`   // the markup of the app root
	Head   string          `json:"head"`   // title, meta and link elements the page declared
	Status int             `json:"status"` // 200, 404 for a not-found page, 500 or the error's for an error page
	State  json.RawMessage `json:"state"`  // what the client hydrates from
	// NotFound is the folder of the 404 page rendered ("" for routes/404.tsx),
	// when one was.
	NotFound *string `json:"notFound"`
	// Thrown is what a page threw, when an error page was rendered: for the
	// log only (a production error page does not show it).
	Thrown *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
		Stack   string `json:"stack"`
	} `json:"thrown"`
}

// render renders in, from the cache when the same input was rendered by
// this version before; hit reports that it was.
func (ps *pageSet) render(ctx context.Context, in *renderInput) (res *renderResult, hit bool, err error) {
	input, err := json.Marshal(in)
	if err != nil {
		return nil, false, err
	}
	cacheable := !ps.assets(in).NoCache
	key := sha256.Sum256(input)
	if cacheable {
		if res, ok := ps.cache.get(key); ok {
			return res, true, nil
		}
	}
	out, facts, err := ps.renderer.RenderInfo(ctx, input)
	if err != nil {
		return nil, false, err
	}
	res = new(renderResult)
	if err := json.Unmarshal(out, res); err != nil || res.Status == 0 {
		return nil, false, fmt.Errorf("the server bundle's render returned %.40q, not a render result (spec/pages.md)", out)
	}
	// A render that read the clock is not a function of its input alone.
	if cacheable && !facts.ReadClock {
		ps.cache.put(key, res, len(res.HTML)+len(res.Head)+len(res.State))
	}
	return res, false, nil
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
	if !strings.HasPrefix(man.PublicPath, AssetPrefix) || !strings.HasSuffix(man.PublicPath, "/") || strings.Contains(man.PublicPath, "..") {
		return old, fmt.Errorf("app %q: %s: publicPath %q must be a folder under %s", a.cfg.Name, PagesManifest, man.PublicPath, AssetPrefix)
	}
	bundle, err := os.ReadFile(filepath.Join(a.dir, PagesServer))
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
	r, err := eng.Load(ctx, a.cfg.Name, bundle, pages.WithTimeout(a.cfg.Limits.RenderTimeout.Std()))
	if err != nil {
		return old, fmt.Errorf("app %q: %s: %w", a.cfg.Name, PagesServer, err)
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

// assetHandler serves the client assets of ps: content-hashed names, so
// they are cached for good.
func (a *App) assetHandler(ps *pageSet) http.Handler {
	prefix := strings.TrimSuffix(ps.manifest.PublicPath, "/")
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Del("Cache-Control") // a missing file is not cached for good
		http.NotFound(w, r)
	})
	files := http.StripPrefix(prefix, publicFiles(filepath.Join(a.dir, PagesClient), notFound))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		files.ServeHTTP(w, r)
	})
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
	res  *renderResult
	size int
}

func newRenderCache(maxEntries, maxBytes int) *renderCache {
	return &renderCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), entries: map[[32]byte]*list.Element{}}
}

func (c *renderCache) get(key [32]byte) (*renderResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).res, true
	}
	return nil, false
}

func (c *renderCache) put(key [32]byte, res *renderResult, size int) {
	if c.maxEntries <= 0 || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, res: res, size: size})
	c.bytes += size
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.entries, ce.key)
		c.bytes -= ce.size
	}
}
