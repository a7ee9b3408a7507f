// Static: an app's public/ folder, served as-is where no route matches.

package host

import (
	"net/http"
	"os"
	"path"
	"strings"
)

// publicFiles serves the regular files under dir (an app's public/) for
// GET and HEAD, and hands anything else to next: directories, dot files,
// and paths that would leave dir (os.Root refuses them, symbolic links
// included).
func publicFiles(dir string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" || strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
			next.ServeHTTP(w, r)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		defer root.Close()
		f, err := root.Open(name)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}
