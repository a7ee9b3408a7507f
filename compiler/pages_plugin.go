// The esbuild plugin of the page builds: the generated entry modules and
// the embedded client runtime (sandkit/client) are virtual modules; nothing
// is written into the app.

package compiler

import (
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"sandkit.dev/sandkit/pages/client"
)

// Virtual module names.
const (
	pagesNamespace = "sandkit"
	entryClient    = "entry"
	entryServer    = "server"
)

// pagesPlugin resolves entry (entryClient or entryServer; "" for none) to a
// virtual module with source src, and sandkit/client/... to the embedded
// runtime. Their bare imports (react, react-router) resolve in the app's
// node_modules.
func pagesPlugin(appDir, entry, src string) api.Plugin {
	return api.Plugin{
		Name: "sandkit-pages",
		Setup: func(b api.PluginBuild) {
			if entry != "" {
				b.OnResolve(api.OnResolveOptions{Filter: `^` + regexp.QuoteMeta(entry) + `$`},
					func(a api.OnResolveArgs) (api.OnResolveResult, error) {
						if a.Kind != api.ResolveEntryPoint {
							return api.OnResolveResult{}, nil
						}
						return api.OnResolveResult{Path: a.Path, Namespace: pagesNamespace}, nil
					})
			}
			b.OnResolve(api.OnResolveOptions{Filter: `^` + regexp.QuoteMeta(client.ImportPath) + `(/[^/]+)?$`},
				func(a api.OnResolveArgs) (api.OnResolveResult, error) {
					name, ok := client.File(a.Path)
					if !ok {
						return api.OnResolveResult{}, nil // let esbuild report it
					}
					return api.OnResolveResult{Path: "client/" + name, Namespace: pagesNamespace}, nil
				})
			// Relative imports between the runtime's own files.
			b.OnResolve(api.OnResolveOptions{Filter: `^\.\.?/`, Namespace: pagesNamespace},
				func(a api.OnResolveArgs) (api.OnResolveResult, error) {
					if !strings.HasPrefix(a.Importer, "client/") {
						return api.OnResolveResult{}, nil
					}
					p := path.Join(path.Dir(a.Importer), a.Path)
					if !strings.HasSuffix(p, ".ts") {
						p += ".ts"
					}
					return api.OnResolveResult{Path: p, Namespace: pagesNamespace}, nil
				})
			b.OnLoad(api.OnLoadOptions{Filter: `.*`, Namespace: pagesNamespace},
				func(a api.OnLoadArgs) (api.OnLoadResult, error) {
					if a.Path == entry {
						return api.OnLoadResult{Contents: &src, ResolveDir: appDir, Loader: api.LoaderJS}, nil
					}
					b, err := fs.ReadFile(client.FS(), strings.TrimPrefix(a.Path, "client/"))
					if err != nil {
						return api.OnLoadResult{}, err
					}
					s := string(b)
					return api.OnLoadResult{Contents: &s, ResolveDir: appDir, Loader: api.LoaderTS}, nil
				})
		},
	}
}
