// Client assets: the files of Client, served under the manifest's
// publicPath with content-hashed names, so cached for good, in the
// precompressed coding the client takes best.

package pageserve

import (
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"sandkit.dev/sandkit/host/internal/coding"
)

// codings are the precompressed copies a build may write beside a client
// file NAME, best first: the coding and the suffix of its file
// (spec/pages.md, "Precompressed client files").
var codings = []struct{ name, suffix string }{{"br", ".br"}, {"gzip", ".gz"}}

// encodedFiles maps each client file of the manifest's list that has
// precompressed copies beside it to their codings, best first.
func encodedFiles(files []string) map[string][]string {
	has := map[string]bool{}
	for _, f := range files {
		has[f] = true
	}
	enc := map[string][]string{}
	for _, f := range files {
		for _, c := range codings {
			if has[f+c.suffix] {
				enc[f] = append(enc[f], c.name)
			}
		}
	}
	return enc
}

// Assets serves the client files of s under their publicPath (below
// AssetPrefix); anything else under AssetPrefix is a 404. A file with
// precompressed copies is answered, with Vary: Accept-Encoding, by the one
// of the coding the request's Accept-Encoding takes best, or by the file
// itself; a Range request always gets the file itself. files serves the
// regular files of a folder, calling notFound for a name it does not
// serve: the host passes the one it serves public/ with. Under a base path
// (WithBase) the .js and .css files are answered with the publicPath in
// their text prefixed with it.
func (s *Set) Assets(files func(dir string, notFound http.Handler) http.Handler) http.Handler {
	prefix := strings.TrimSuffix(s.manifest.PublicPath, "/")
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Del("Cache-Control") // a missing file is not cached for good
		w.Header().Del("Vary")
		http.NotFound(w, r)
	})
	client := http.StripPrefix(prefix, files(filepath.Join(s.dir, Client), notFound))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		name := strings.TrimPrefix(path.Clean(strings.TrimPrefix(r.URL.Path, prefix)), "/")
		if !validName(name) {
			client.ServeHTTP(w, r)
			return
		}
		have := s.encoded[name]
		if len(have) > 0 {
			w.Header().Add("Vary", "Accept-Encoding")
		}
		if base := Base(r.Context()); base != "" && s.serveRebased(w, r, base, name, have) {
			return
		}
		if len(have) > 0 && r.Header.Get("Range") == "" && s.serveEncoded(w, r, name, coding.Negotiate(r, have...)) {
			return
		}
		client.ServeHTTP(w, r)
	})
}

// validName reports whether name, a cleaned slash path relative to
// Client, is one to look for: not empty, no dot file or folder.
func validName(name string) bool {
	return name != "" && name != "." && !strings.HasPrefix(name, ".") && !strings.Contains(name, "/.")
}

// serveEncoded answers r with the copy of the client file name in the
// coding c. It reports false, having written nothing, when c is identity
// ("") or the copy cannot be opened.
func (s *Set) serveEncoded(w http.ResponseWriter, r *http.Request, name, c string) bool {
	var suffix string
	for _, k := range codings {
		if k.name == c {
			suffix = k.suffix
		}
	}
	// The type is the file's, by the extension of name: a copy of a file
	// whose type would be sniffed from its bytes is not served.
	ctype := mime.TypeByExtension(path.Ext(name))
	if suffix == "" || ctype == "" {
		return false
	}
	root, err := os.OpenRoot(filepath.Join(s.dir, Client))
	if err != nil {
		return false
	}
	defer root.Close()
	f, err := root.Open(name + suffix)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	h := w.Header()
	h.Set("Content-Encoding", c)
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	// ServeContent leaves the length of an encoded body to the caller (it
	// cannot know the length of a range of it: there is none here).
	h.Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	http.ServeContent(w, r, name, fi.ModTime(), f)
	return true
}
