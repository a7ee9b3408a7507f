// Static: an app's public/ folder, served as-is where no route matches,
// with a strong ETag made from each file's content.

package host

import (
	"net/http"
	"os"
	"path"
	"strings"

	"sandkit.dev/sandkit/artifact"
)

// publicFiles returns the handler maker for an app's public/ folder (and
// for its pages' client files): serve(dir, next) serves the regular files
// under dir for GET and HEAD, and hands anything else to next:
// directories, dot files, and paths that would leave dir (os.Root refuses
// them, symbolic links included). Each answer carries Last-Modified and a
// strong ETag, the file's SHA-256 (its first 128 bits), which v computes
// once per file identity (artifact.Verified.SHA256: a file changed or
// replaced is hashed again), not per request; If-None-Match and
// If-Modified-Since get a 304, If-Range and Range a part.
func publicFiles(v *artifact.Verified) func(dir string, next http.Handler) http.Handler {
	return func(dir string, next http.Handler) http.Handler {
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
			if sum, err := v.SHA256(f); err == nil {
				w.Header().Set("ETag", `"`+sum[:32]+`"`)
			}
			w.Header().Set("X-Content-Type-Options", "nosniff")
			http.ServeContent(w, r, name, fi.ModTime(), f)
		})
	}
}
