// Set: one version of an app's built pages (server bundle, client assets
// and their manifest), the renderer that runs the bundle, and its render
// cache.

package pageserve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"sandkit.dev/sandkit/pages"
)

// Where the compiler leaves an app's pages, relative to the app folder
// (spec/pages.md, "Build output").
const (
	Dir      = ".sandkit/build/pages"
	Manifest = Dir + "/manifest.json"
	Server   = Dir + "/server.js"
	Client   = Dir + "/client"
	// AssetPrefix is the URL path client assets must be served under. No
	// route can start with it: folders starting with _ are never routed.
	AssetPrefix = "/_sandkit/"
)

// Config is what Load needs of the app.
type Config struct {
	// Name names the app in errors, logs and JavaScript stack traces.
	Name string
	// Dir is the app folder, which holds Dir.
	Dir string
	// Engine returns the engine that renders (made on first use: an app
	// whose bundle did not change never asks for it).
	Engine func(context.Context) (*pages.Engine, error)
	// Log receives failed renders and loaders; nil discards.
	Log *slog.Logger
	// RenderTimeout bounds one render (pages.WithTimeout).
	RenderTimeout time.Duration
	// CacheEntries and CacheBytes bound the render cache; 0 or fewer
	// entries turns it off.
	CacheEntries, CacheBytes int
	// ReuseInstances lets a render see what earlier ones left in global
	// state (pages.WithInstanceReuse); the render cache is then off.
	ReuseInstances bool
	// RenderScope, if set, is called before each render with the
	// request's context: the render runs with the context it returns, and
	// done is called when the render returns (the host's CPU scheduler
	// gives the render its ticket this way).
	RenderScope func(ctx context.Context) (rctx context.Context, done func())
}

// manifest is manifest.json, written by the compiler.
type manifest struct {
	// PublicPath is the URL path of Client, under AssetPrefix.
	PublicPath string `json:"publicPath"`
	// Entry is the client entry module, relative to Client.
	Entry string `json:"entry"`
	// Routes maps a route id to what its document links.
	Routes map[string]*routeAssets `json:"routes"`
	// NotFound maps the folder of a 404 page ("" for routes/404.tsx) to what
	// a not-found document links.
	NotFound map[string]*routeAssets `json:"notFound"`
	// Files are the client files of the build, relative to Client, with
	// their precompressed copies (NAME.br, NAME.gz).
	Files []string `json:"files"`
}

// routeAssets is what one document links, relative to Client.
type routeAssets struct {
	// Modules are the route's layouts, error pages and page, outermost
	// first, relative to the app (routes/layout.tsx).
	Modules []string `json:"modules"`
	CSS     []string `json:"css"`
	Preload []string `json:"preload"`
	// NoCache is set for a page that exports `cache = false`.
	NoCache bool `json:"noCache,omitempty"`
	// NoSSR is set for a page that exports `ssr = false`: it renders in the
	// browser only.
	NoSSR bool `json:"noSSR,omitempty"`
}

// setIDs numbers Sets.
var setIDs atomic.Uint64

// Set is one version of an app's pages. It is safe for concurrent use.
type Set struct {
	name     string
	dir      string
	log      *slog.Logger
	version  [32]byte // sha256 of the server bundle
	manifest manifest
	encoded  map[string][]string // client file → its precompressed codings, best first
	id       uint64              // tells Sets apart in the rebased cache
	renderer *pages.Renderer
	reuse    bool                    // Config.ReuseInstances
	cache    *renderCache            // nil: renders are not cached
	layouts  map[string]http.Handler // layout loaders by folder (SetLayouts)

	scope func(context.Context) (context.Context, func()) // Config.RenderScope
}

// Load loads the app's built pages, reusing old's renderer and cache when
// the server bundle did not change. It returns nil, nil for an app without
// pages (no manifest). On error it returns old, which keeps serving.
func Load(ctx context.Context, cfg Config, old *Set) (*Set, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b, err := os.ReadFile(filepath.Join(cfg.Dir, Manifest))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return old, fmt.Errorf("app %q: %w", cfg.Name, err)
	}
	var man manifest
	if err := json.Unmarshal(b, &man); err != nil {
		return old, fmt.Errorf("app %q: %s: %w", cfg.Name, Manifest, err)
	}
	if !strings.HasPrefix(man.PublicPath, AssetPrefix) || !strings.HasSuffix(man.PublicPath, "/") || strings.Contains(man.PublicPath, "..") {
		return old, fmt.Errorf("app %q: %s: publicPath %q must be a folder under %s", cfg.Name, Manifest, man.PublicPath, AssetPrefix)
	}
	bundle, err := os.ReadFile(filepath.Join(cfg.Dir, Server))
	if err != nil {
		return old, fmt.Errorf("app %q: %w\nhint: build the app's pages (sandkit serve does it at start)", cfg.Name, err)
	}
	s := &Set{name: cfg.Name, dir: cfg.Dir, log: cfg.Log, version: sha256.Sum256(bundle), manifest: man,
		encoded: encodedFiles(man.Files), id: setIDs.Add(1), reuse: cfg.ReuseInstances, scope: cfg.RenderScope}
	if old != nil && old.version == s.version && old.reuse == s.reuse {
		s.renderer, s.cache = old.renderer, old.cache
		return s, nil
	}
	eng, err := cfg.Engine(ctx)
	if err != nil {
		return old, err
	}
	start := time.Now()
	s.renderer, err = eng.Load(ctx, cfg.Name, bundle,
		pages.WithTimeout(cfg.RenderTimeout), pages.WithInstanceReuse(cfg.ReuseInstances))
	if err != nil {
		return old, fmt.Errorf("app %q: %s: %w", cfg.Name, Server, err)
	}
	// A render on a reused instance depends on the renders before it, not
	// on its input alone: there is nothing to key a cache on.
	if !cfg.ReuseInstances && cfg.CacheEntries > 0 {
		s.cache = newRenderCache(cfg.CacheEntries, cfg.CacheBytes)
	}
	s.log.Info("pages loaded", "version", hex.EncodeToString(s.version[:6]), "routes", len(man.Routes), "reuse_instances", cfg.ReuseInstances,
		"took", time.Since(start).Round(time.Millisecond))
	return s, nil
}

// Shares reports whether s and o render with the same renderer (a reload
// that kept the server bundle): closing one would close the other's.
func (s *Set) Shares(o *Set) bool { return s != nil && o != nil && s.renderer == o.renderer }

// Trim closes the renderer's idle instances (an app not rendered lately);
// the next render restores one from the snapshot. A nil Set is fine.
func (s *Set) Trim(ctx context.Context) int {
	if s == nil {
		return 0
	}
	return s.renderer.Trim(ctx, 0)
}

// Close frees the renderer, after the renders in flight. A nil Set is
// fine.
func (s *Set) Close(ctx context.Context) {
	if s != nil {
		s.renderer.Close(ctx)
	}
}

// assets returns what the document of in links; res, when not nil, says
// which 404 page a not-found render used.
func (s *Set) assets(in *pages.Input, res ...*renderResult) *routeAssets {
	var ra *routeAssets
	switch {
	case len(res) > 0 && res[0] != nil && res[0].NotFound != nil:
		ra = s.manifest.NotFound[*res[0].NotFound]
	case in.NotFound:
		ra = s.manifest.NotFound[""]
	default:
		ra = s.manifest.Routes[in.Route]
	}
	if ra == nil {
		return &routeAssets{}
	}
	return ra
}

// url is the URL path of a file under Client, for the document of in
// (under its base path).
func (s *Set) url(in *pages.Input, p string) string {
	return in.Basename + s.manifest.PublicPath + strings.TrimPrefix(p, "/")
}
