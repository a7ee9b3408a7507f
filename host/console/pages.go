// The console's pages: the checked-in build of app/ (a sandkit pages app),
// written to a folder at start and served with package pageserve, their
// data from the handlers of data.go.

package console

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sync"

	"sandkit.dev/sandkit/host/pageserve"
	"sandkit.dev/sandkit/pages"
)

// built is what go generate built of app/ (generate.go).
//
//go:embed all:build
var built embed.FS

// Page route ids of app/routes.
const (
	routeOverview = "console"
	routeTenant   = "console/tenants/name.param"
)

// consolePages loads the built pages on first use: a host whose operator
// never opens the console starts no QuickJS engine.
type consolePages struct {
	dir  string // holds .sandkit/build/pages
	once sync.Once
	eng  *pages.Engine
	set  *pageserve.Set
	err  error
}

// newPages writes the built pages into a new temporary folder.
func newPages() (*consolePages, error) {
	dir, err := os.MkdirTemp("", "sandkit-console-")
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	sub, _ := fs.Sub(built, "build")
	if err := os.CopyFS(filepath.Join(dir, filepath.FromSlash(pageserve.Dir)), sub); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("console: writing its pages: %w", err)
	}
	return &consolePages{dir: dir}, nil
}

// load is the pages' Set, loaded once.
func (p *consolePages) load(ctx context.Context) (*pageserve.Set, error) {
	p.once.Do(func() {
		ctx := context.WithoutCancel(ctx)
		p.eng, p.err = pages.NewEngine(ctx)
		if p.err != nil {
			p.err = fmt.Errorf("console: the pages engine: %w", p.err)
			return
		}
		p.set, p.err = pageserve.Load(ctx, pageserve.Config{Name: "console", Dir: p.dir, RenderTimeout: pages.DefaultTimeout,
			Engine: func(context.Context) (*pages.Engine, error) { return p.eng, nil }}, nil)
		if p.err == nil && p.set == nil {
			p.err = fmt.Errorf("console: its built pages have no manifest")
		}
	})
	return p.set, p.err
}

// close frees the engine and removes the folder.
func (p *consolePages) close(ctx context.Context) {
	p.once.Do(func() {}) // no load after close
	if p.set != nil {
		p.set.Close(ctx)
	}
	if p.eng != nil {
		p.eng.Close(ctx)
	}
	os.RemoveAll(p.dir)
}

// page serves route with data as its loader and action.
func (h *handler) pageRoute(route string, data http.HandlerFunc) http.Handler {
	params := func(r *http.Request) map[string]string {
		if n := r.PathValue("name"); n != "" {
			return map[string]string{"name": n}
		}
		return map[string]string{}
	}
	return h.page(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set, err := h.pages.load(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		set.Page(route, params, data).ServeHTTP(w, r)
	}))
}

// assets serves the pages' client files (the same for everyone: no
// session needed).
func (h *handler) assets(w http.ResponseWriter, r *http.Request) {
	set, err := h.pages.load(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set.Assets(func(dir string, notFound http.Handler) http.Handler {
		files := http.FileServerFS(os.DirFS(dir))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			name := path.Clean("/" + r.URL.Path)[1:]
			if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil || !fi.Mode().IsRegular() {
				notFound.ServeHTTP(w, r)
				return
			}
			files.ServeHTTP(w, r)
		})
	}).ServeHTTP(w, r)
}
