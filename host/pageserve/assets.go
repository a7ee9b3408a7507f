// Client assets: the files of Client, served under the manifest's
// publicPath with content-hashed names, so cached for good.

package pageserve

import (
	"net/http"
	"path/filepath"
	"strings"
)

// Assets serves the client files of s under their publicPath (below
// AssetPrefix); anything else under AssetPrefix is a 404. files serves the
// regular files of a folder, calling notFound for a name it does not
// serve: the host passes the one it serves public/ with. Under a base path
// (WithBase) the .js and .css files are answered with the publicPath in
// their text prefixed with it.
func (s *Set) Assets(files func(dir string, notFound http.Handler) http.Handler) http.Handler {
	prefix := strings.TrimSuffix(s.manifest.PublicPath, "/")
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Del("Cache-Control") // a missing file is not cached for good
		http.NotFound(w, r)
	})
	client := http.StripPrefix(prefix, files(filepath.Join(s.dir, Client), notFound))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		if base := Base(r.Context()); base != "" && s.serveRebased(w, r, base, strings.TrimPrefix(r.URL.Path, prefix)) {
			return
		}
		client.ServeHTTP(w, r)
	})
}
