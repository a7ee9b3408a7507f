// BuildPages: bundle an app's React pages with esbuild into client chunks,
// one server bundle for SSR, and the manifest that ties routes to chunks.

package compiler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/evanw/esbuild/pkg/api"

	"sandkit.dev/sandkit/pages/client"
	"sandkit.dev/sandkit/routing"
)

// Page output locations, relative to the app folder.
const (
	PagesDir          = ".sandkit/build/pages"
	PagesClientDir    = "client"
	PagesServerFile   = "server.js"
	PagesManifestFile = "manifest.json"
	// DefaultPublicPath is the URL path the host serves PagesDir/client
	// under, unless PagesOptions says otherwise.
	DefaultPublicPath = "/_sandkit/pages/"
)

// PagesOptions configure BuildPages. The zero value is a production build
// served under DefaultPublicPath.
type PagesOptions struct {
	// Dev keeps code readable (no minification), adds source maps to the
	// client chunks and builds React in development mode. A production
	// build also writes the gzip and brotli copies of its client files
	// (NAME.gz, NAME.br); a dev build does not (spec/pages.md,
	// "Precompressed client files").
	Dev bool
	// PublicPath is the URL path of the client folder, ending in "/".
	PublicPath string
	// Session, if not nil, keeps esbuild's parsed files between builds
	// made with the same other options ("sandkit dev").
	Session *PagesSession
}

// PagesResult describes what BuildPages wrote.
type PagesResult struct {
	// Dir is APP/.sandkit/build/pages; ServerPath and ManifestPath are in it.
	Dir          string
	ServerPath   string
	ManifestPath string
	// Manifest is the content of manifest.json.
	Manifest *PagesManifest
	// Routes are the ids of the routes with a page, sorted.
	Routes []string
	// ClientBytes is the size of every client file (JS, CSS, maps) but
	// the precompressed copies;
	// ServerBytes the size of server.js.
	ClientBytes, ServerBytes int
	// Warnings are esbuild's warnings about the app's code, formatted as
	// errors are (file:line:col: text); none on a cached build.
	Warnings []string
	// Cached reports that nothing changed since the last build, which was
	// reused as it is.
	Cached bool
	// Duration is the wall time of the whole call.
	Duration time.Duration
}

// PagesManifest is manifest.json: for each route with a page, the files the
// document links. File names are relative to the client folder; a URL is
// PublicPath + name.
type PagesManifest struct {
	Version    int    `json:"version"`
	PublicPath string `json:"publicPath"`
	// Entry is the module the document runs: <script type="module" src>.
	Entry string `json:"entry"`
	// Routes maps a route id to its assets.
	Routes map[string]*PageAssets `json:"routes"`
	// NotFound maps the folder of a 404 page ("" for routes/404.tsx) to
	// the assets of a not-found render (spec/pages.md).
	NotFound map[string]*PageAssets `json:"notFound,omitempty"`
	// Files are every file of the client folder this build wrote, sorted
	// (older builds' files stay a while for pages loaded before): what an
	// artifact copies. A production build's precompressed copies (NAME.br,
	// NAME.gz beside NAME) are among them.
	Files []string `json:"files"`
	// Key is the content hash the build was cached under.
	Key string `json:"key"`
}

// PageAssets are what a page's document links besides the entry.
type PageAssets struct {
	// Pattern is the route's URL pattern (routes only).
	Pattern string `json:"pattern,omitempty"`
	// Modules are the app files rendered: layouts, error pages, the page.
	Modules []string `json:"modules"`
	// CSS are stylesheets: <link rel="stylesheet">, in order.
	CSS []string `json:"css"`
	// Preload are every JavaScript file the page runs, the entry first:
	// <link rel="modulepreload">.
	Preload []string `json:"preload"`
	// NoCache is set for a page that exports `const cache = false`: the
	// host does not keep its renders (spec/pages.md, "Render cache").
	NoCache bool `json:"noCache,omitempty"`
	// NoSSR is set for a page that exports `const ssr = false`: the host
	// sends the document without rendering it, and the page renders in the
	// browser only (spec/pages.md, "Serving a page route").
	NoSSR bool `json:"noSSR,omitempty"`
}

// noCacheRE finds `export const cache = false` in a page's source, noSSRRE
// `export const ssr = false`.
var (
	noCacheRE = regexp.MustCompile(`(?m)^\s*export\s+const\s+cache\s*(?::\s*boolean\s*)?=\s*false\b`)
	noSSRRE   = regexp.MustCompile(`(?m)^\s*export\s+const\s+ssr\s*(?::\s*boolean\s*)?=\s*false\b`)
)

// staleAfter is how long client files no manifest names are kept.
const staleAfter = time.Hour

// pagesVersion changes whenever BuildPages changes what it builds.
const pagesVersion = 3

// BuildPages bundles the pages under appDir/routes (page, layout, error and
// 404 files) into appDir/.sandkit/build/pages: client/ (ES modules split per
// route module, content-hashed names, CSS), server.js (one classic script
// defining __sandkit_render, spec/pages.md) and manifest.json, written last.
// Packages (react, react-dom, react-router) come from appDir/node_modules.
//
// An app without pages gets nothing (stale output is removed) and a nil
// error. Errors in the app's code are a *PagesError whose message names
// files under routes/ with line and column.
func BuildPages(ctx context.Context, appDir string, opts PagesOptions) (*PagesResult, error) {
	start := time.Now()
	appDir, err := filepath.Abs(appDir)
	if err != nil {
		return nil, err
	}
	if opts.PublicPath == "" {
		opts.PublicPath = DefaultPublicPath
	}
	if !strings.HasPrefix(opts.PublicPath, "/") || !strings.HasSuffix(opts.PublicPath, "/") {
		return nil, fmt.Errorf("compiler: PublicPath %q must start and end with /", opts.PublicPath)
	}
	outDir := filepath.Join(appDir, filepath.FromSlash(PagesDir))
	res := &PagesResult{Dir: outDir}

	routesDir := filepath.Join(appDir, "routes")
	var table *routing.Table
	if fi, err := os.Stat(routesDir); err == nil && fi.IsDir() {
		if table, err = routing.Scan(os.DirFS(routesDir)); err != nil {
			return nil, &PagesError{App: appDir, Output: err.Error()}
		}
	}
	var nodes []*pageNode
	if table != nil {
		if bad := badSegments(table); len(bad) > 0 {
			return nil, &PagesError{App: appDir, Output: strings.Join(bad, "\n")}
		}
		nodes = pageTree(table, os.DirFS(routesDir))
		for _, rt := range table.Routes() {
			if rt.Page() != "" {
				res.Routes = append(res.Routes, rt.ID())
			}
		}
		slices.Sort(res.Routes)
	}
	if len(res.Routes) == 0 {
		if err := os.RemoveAll(outDir); err != nil {
			return nil, fmt.Errorf("app %q: removing stale %s: %w", filepath.Base(appDir), PagesDir, err)
		}
		res.Duration = time.Since(start)
		return res, nil
	}
	if _, err := os.Stat(filepath.Join(appDir, "node_modules", "react-router")); err != nil {
		return nil, &PagesError{App: appDir, Output: "package.json: react-router is not installed in node_modules " +
			"(hint: run `npm install react react-dom react-router` in the app folder)"}
	}

	clientSrc, serverSrc := entrySource(nodes, false), entrySource(nodes, true)
	key, err := pagesKey(appDir, opts, clientSrc, serverSrc)
	if err != nil {
		return nil, fmt.Errorf("app %q: hashing sources: %w", filepath.Base(appDir), err)
	}
	if m := readPagesManifest(outDir); m != nil && m.Key == key {
		res.Cached = true
		if err := writeRuntimeTypes(appDir); err != nil {
			return nil, fmt.Errorf("app %q: writing %s: %w", filepath.Base(appDir), RuntimeTypesDir, err)
		}
		return finishPages(res, m, start)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	clientFiles, man, err := buildClient(appDir, outDir, nodes, table, opts, clientSrc, &res.Warnings)
	if err != nil {
		return nil, err
	}
	man.Key = key
	if !opts.Dev {
		maps.Copy(clientFiles, precompress(filepath.Join(outDir, PagesClientDir), clientFiles))
		man.Files = slices.Sorted(maps.Keys(clientFiles))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	server, serverMap, err := buildServer(appDir, opts, serverSrc, &res.Warnings)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := publishPages(outDir, clientFiles, server, serverMap, man); err != nil {
		return nil, fmt.Errorf("app %q: writing %s: %w", filepath.Base(appDir), PagesDir, err)
	}
	if err := writeRuntimeTypes(appDir); err != nil {
		return nil, fmt.Errorf("app %q: writing %s: %w", filepath.Base(appDir), RuntimeTypesDir, err)
	}
	return finishPages(res, man, start)
}

// RuntimeTypesDir is where BuildPages copies the client runtime's sources,
// relative to the app folder, for editors: an app's tsconfig.json maps
// "sandkit/client" to RuntimeTypesDir + "/index.ts" (examples/pages does).
const RuntimeTypesDir = ".sandkit/types/sandkit-client"

// writeRuntimeTypes copies the embedded runtime to RuntimeTypesDir,
// leaving files whose content is already right alone.
func writeRuntimeTypes(appDir string) error {
	dir := filepath.Join(appDir, filepath.FromSlash(RuntimeTypesDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fs.WalkDir(client.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(client.FS(), p)
		if err != nil {
			return err
		}
		return updateFileAtomic(filepath.Join(dir, filepath.FromSlash(p)), b)
	})
}

func finishPages(res *PagesResult, m *PagesManifest, start time.Time) (*PagesResult, error) {
	res.Manifest = m
	res.ServerPath = filepath.Join(res.Dir, PagesServerFile)
	res.ManifestPath = filepath.Join(res.Dir, PagesManifestFile)
	if fi, err := os.Stat(res.ServerPath); err == nil {
		res.ServerBytes = int(fi.Size())
	}
	entries, _ := os.ReadDir(filepath.Join(res.Dir, PagesClientDir))
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && !e.IsDir() && !IsPrecompressed(e.Name()) {
			res.ClientBytes += int(fi.Size())
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

func readPagesManifest(outDir string) *PagesManifest {
	b, err := os.ReadFile(filepath.Join(outDir, PagesManifestFile))
	if err != nil {
		return nil
	}
	var m PagesManifest
	if json.Unmarshal(b, &m) != nil || m.Version != pagesVersion {
		return nil
	}
	if _, err := os.Stat(filepath.Join(outDir, PagesServerFile)); err != nil {
		return nil
	}
	// Every file a document links, and every file of the build (an
	// artifact copies them, the host serves the precompressed copies),
	// must still be there.
	files := map[string]bool{m.Entry: true}
	for _, f := range m.Files {
		files[f] = true
	}
	for _, as := range []map[string]*PageAssets{m.Routes, m.NotFound} {
		for _, a := range as {
			for _, f := range append(append([]string(nil), a.CSS...), a.Preload...) {
				files[f] = true
			}
		}
	}
	for f := range files {
		if _, err := os.Stat(filepath.Join(outDir, PagesClientDir, filepath.FromSlash(f))); err != nil {
			return nil
		}
	}
	return &m
}

// commonOptions are the esbuild options both builds share.
func commonOptions(appDir string, opts PagesOptions, entry string) api.BuildOptions {
	env := "production"
	if opts.Dev {
		env = "development"
	}
	return api.BuildOptions{
		EntryPoints:   []string{entry},
		AbsWorkingDir: appDir,
		Bundle:        true,
		Write:         false,
		Metafile:      true,
		Target:        api.ES2020,
		JSX:           api.JSXAutomatic,
		Define:        map[string]string{"process.env.NODE_ENV": `"` + env + `"`},
		Loader: map[string]api.Loader{
			".png": api.LoaderFile, ".jpg": api.LoaderFile, ".jpeg": api.LoaderFile, ".gif": api.LoaderFile,
			".svg": api.LoaderFile, ".webp": api.LoaderFile, ".woff": api.LoaderFile, ".woff2": api.LoaderFile,
		},
		AssetNames:        "assets/[name]-[hash]",
		PublicPath:        opts.PublicPath,
		LogLevel:          api.LogLevelSilent,
		MinifyWhitespace:  !opts.Dev,
		MinifyIdentifiers: !opts.Dev,
		MinifySyntax:      !opts.Dev,
		Charset:           api.CharsetUTF8,
	}
}

// buildClient runs the client build and returns its files (name relative to
// the client folder → content) and the manifest.
func buildClient(appDir, outDir string, nodes []*pageNode, table *routing.Table, opts PagesOptions, src string, warnings *[]string) (map[string][]byte, *PagesManifest, error) {
	clientDir := filepath.Join(outDir, PagesClientDir)
	bo := commonOptions(appDir, opts, entryClient)
	bo.Format = api.FormatESModule
	bo.Platform = api.PlatformBrowser
	bo.Splitting = true
	bo.Outdir = clientDir
	bo.EntryNames = "[name]-[hash]"
	bo.ChunkNames = "chunk-[hash]"
	if opts.Dev {
		bo.Sourcemap = api.SourceMapLinked
	}
	bo.Plugins = []api.Plugin{pagesPlugin(appDir, entryClient, src)}
	r := opts.Session.build("client", src, bo)
	if len(r.Errors) > 0 {
		return nil, nil, newPagesError(appDir, "client", r.Errors)
	}
	addWarnings(warnings, "client", r.Warnings)
	files := map[string][]byte{}
	for _, f := range r.OutputFiles {
		files[relSlash(clientDir, f.Path)] = f.Contents
	}

	var meta struct {
		Outputs map[string]struct {
			Imports []struct {
				Path string `json:"path"`
				Kind string `json:"kind"`
			} `json:"imports"`
			EntryPoint string   `json:"entryPoint"`
			CSSBundle  string   `json:"cssBundle"`
			Exports    []string `json:"exports"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(r.Metafile), &meta); err != nil {
		return nil, nil, fmt.Errorf("app %q: esbuild metafile: %w", filepath.Base(appDir), err)
	}
	out := func(p string) string { return relSlash(clientDir, filepath.Join(appDir, filepath.FromSlash(p))) }
	byEntry := map[string]string{} // module or entry → its output (client-relative)
	for p, o := range meta.Outputs {
		if o.EntryPoint != "" && strings.HasSuffix(p, ".js") {
			byEntry[o.EntryPoint] = out(p)
		}
	}
	// Every route module is rendered through its default export.
	var missing []string
	for p, o := range meta.Outputs {
		if strings.HasPrefix(o.EntryPoint, "routes/") && strings.HasSuffix(p, ".js") && !slices.Contains(o.Exports, "default") {
			missing = append(missing, o.EntryPoint+": no default export (hint: export default function "+
				componentName(o.EntryPoint)+") { ... })")
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, nil, &PagesError{App: appDir, Output: strings.Join(missing, "\n")}
	}
	entryOut := byEntry[pagesNamespace+":"+entryClient]
	if entryOut == "" {
		return nil, nil, fmt.Errorf("app %q: esbuild produced no client entry", filepath.Base(appDir))
	}
	// closure lists a JS output and the chunks it imports statically.
	var closure func(js string, seen map[string]bool, acc *[]string)
	closure = func(js string, seen map[string]bool, acc *[]string) {
		if seen[js] {
			return
		}
		seen[js] = true
		*acc = append(*acc, js)
		o := meta.Outputs[path.Join(relSlash(appDir, clientDir), js)]
		for _, im := range o.Imports {
			if im.Kind == "import-statement" {
				closure(out(im.Path), seen, acc)
			}
		}
	}
	cssOf := func(js string) string {
		if c := meta.Outputs[path.Join(relSlash(appDir, clientDir), js)].CSSBundle; c != "" {
			return out(c)
		}
		return ""
	}
	assets := func(mods []string) *PageAssets {
		a := &PageAssets{Modules: mods, CSS: []string{}, Preload: []string{}}
		seen := map[string]bool{}
		closure(entryOut, seen, &a.Preload)
		// Not the entry's own stylesheet: esbuild puts the CSS of every
		// lazily imported module in it.
		for _, m := range mods {
			if o := byEntry[m]; o != "" {
				closure(o, seen, &a.Preload)
				if c := cssOf(o); c != "" && !slices.Contains(a.CSS, c) {
					a.CSS = append(a.CSS, c)
				}
			}
		}
		return a
	}

	man := &PagesManifest{Version: pagesVersion, PublicPath: opts.PublicPath, Entry: entryOut,
		Routes: map[string]*PageAssets{}, NotFound: map[string]*PageAssets{}, Files: slices.Sorted(maps.Keys(files))}
	chains := treeChains(nodes)
	for _, rt := range table.Routes() {
		if rt.Page() == "" {
			continue
		}
		a := assets(chains["page:"+rt.ID()])
		a.Pattern = rt.Pattern()
		if src, err := os.ReadFile(filepath.Join(appDir, "routes", filepath.FromSlash(rt.Page()))); err == nil {
			a.NoCache = noCacheRE.Match(src)
			a.NoSSR = noSSRRE.Match(src)
		}
		man.Routes[rt.ID()] = a
	}
	cssMap := map[string][]string{}
	for id, mods := range chains {
		if dir, ok := strings.CutPrefix(id, "404:"); ok {
			man.NotFound[dir] = assets(mods)
		}
	}
	for _, f := range treeFiles(nodes) {
		if o := byEntry[f]; o != "" {
			if c := cssOf(o); c != "" {
				cssMap[f] = []string{opts.PublicPath + c}
			}
		}
	}
	// The runtime learns which stylesheets a lazily loaded module needs from
	// a map written into the entry after the build.
	mapJSON, _ := json.Marshal(cssMap)
	lit, _ := json.Marshal(string(mapJSON))
	entry := files[entryOut]
	if !bytes.Contains(entry, []byte(cssPlaceholderJS)) {
		return nil, nil, fmt.Errorf("app %q: client entry lost its stylesheet map placeholder", filepath.Base(appDir))
	}
	files[entryOut] = bytes.Replace(entry, []byte(cssPlaceholderJS), lit, 1)
	return files, man, nil
}

// componentName suggests a component name for a route module.
func componentName(file string) string {
	switch strings.TrimSuffix(path.Base(file), path.Ext(file)) {
	case "layout":
		return "Layout({ children }"
	case "error":
		return "ErrorPage({ error }"
	case "404":
		return "NotFound("
	}
	return "Page("
}

// PagesServerMapFile is the source map of the server bundle, written
// beside it by a dev build ("sandkit dev" maps render stacks with it).
const PagesServerMapFile = "server.js.map"

// buildServer runs the server build: one IIFE for QuickJS, and in dev its
// source map.
func buildServer(appDir string, opts PagesOptions, src string, warnings *[]string) (js, sourceMap []byte, err error) {
	bo := commonOptions(appDir, opts, entryServer)
	bo.Format = api.FormatIIFE
	bo.Platform = api.PlatformNeutral
	bo.MainFields = []string{"module", "main"}
	bo.Conditions = []string{"worker", "import", "module", "default"}
	bo.Outdir = filepath.Join(appDir, filepath.FromSlash(PagesDir), "server-tmp")
	bo.Loader[".css"] = api.LoaderEmpty
	// QuickJS has no URL or URLSearchParams; React Router renders with
	// them. The runtime's own classes replace the globals in the bundle
	// (in Node too, so the reference output is the same).
	bo.Inject = []string{client.ImportPath + "/polyfill"}
	// The server bundle is the reference the SSR engine's output is compared
	// with: keep it production React even in dev, and unminified names only
	// in dev for readable stack traces.
	bo.Define = map[string]string{"process.env.NODE_ENV": `"production"`, "__SANDKIT_DEV__": strconv.FormatBool(opts.Dev)}
	if opts.Dev {
		bo.Sourcemap = api.SourceMapExternal
	}
	bo.Plugins = []api.Plugin{pagesPlugin(appDir, entryServer, src)}
	r := opts.Session.build("server", src, bo)
	if len(r.Errors) > 0 {
		return nil, nil, newPagesError(appDir, "server", r.Errors)
	}
	addWarnings(warnings, "server", r.Warnings)
	for _, f := range r.OutputFiles {
		switch {
		case strings.HasSuffix(f.Path, ".js"):
			js = f.Contents
		case strings.HasSuffix(f.Path, ".js.map"):
			sourceMap = f.Contents
		}
	}
	if js == nil {
		return nil, nil, errors.New("compiler: esbuild produced no server bundle")
	}
	return js, sourceMap, nil
}

// publishPages writes the client files, the server bundle, then the
// manifest, each atomically; client files of older builds are removed
// after the new manifest is in place.
func publishPages(outDir string, client map[string][]byte, server, serverMap []byte, man *PagesManifest) error {
	clientDir := filepath.Join(outDir, PagesClientDir)
	for name, b := range client {
		p := filepath.Join(clientDir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := updateFileAtomic(p, b); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(filepath.Join(outDir, PagesServerFile), server); err != nil {
		return err
	}
	if serverMap != nil {
		if err := writeFileAtomic(filepath.Join(outDir, PagesServerMapFile), serverMap); err != nil {
			return err
		}
	} else if err := os.Remove(filepath.Join(outDir, PagesServerMapFile)); err != nil && !os.IsNotExist(err) {
		return err
	}
	mb, _ := json.MarshalIndent(man, "", "  ")
	if err := writeFileAtomic(filepath.Join(outDir, PagesManifestFile), append(mb, '\n')); err != nil {
		return err
	}
	// Files of older builds: a page loaded before may still import them
	// lazily, so they go only once they are an hour old.
	return filepath.WalkDir(clientDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if _, ok := client[relSlash(clientDir, p)]; !ok {
			if fi, err := d.Info(); err == nil && time.Since(fi.ModTime()) > staleAfter {
				os.Remove(p)
			}
		}
		return nil
	})
}
