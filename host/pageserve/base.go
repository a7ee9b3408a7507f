// The base path: where a host mounts an app below the root of its origin
// (the multi-app host's path-prefix mode, spec/hosting.md), so that the
// documents, assets and client runtime of its pages carry it.

package pageserve

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sandkit.dev/sandkit/host/internal/coding"
)

type baseKey struct{}

// WithBase returns ctx carrying base, the path an app is mounted at
// ("/todo": the app's "/" is the origin's "/todo/"), for a request whose
// path the host has already stripped of it. base is "" or starts with "/"
// and does not end with one.
func WithBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseKey{}, strings.TrimSuffix(base, "/"))
}

// Base is the base path WithBase put in ctx, "" for an app at the root.
func Base(ctx context.Context) string {
	b, _ := ctx.Value(baseKey{}).(string)
	return b
}

// serveRebased serves the client file name (a .js or .css file, whose
// text has the manifest's publicPath built in: chunk imports, stylesheets,
// imported assets) with every publicPath made base+publicPath, in the
// coding of have (the codings the build precompressed it in) the request
// takes best, or as it is for a Range request. The rewritten file and its
// compressed copies are made once and kept (rebasedCache). It reports
// false when the file is not one to rewrite or cannot be read, for the
// caller to serve it unchanged.
func (s *Set) serveRebased(w http.ResponseWriter, r *http.Request, base, name string, have []string) bool {
	ext := path.Ext(name)
	if ext != ".js" && ext != ".css" {
		return false
	}
	f := rebased.get(rebasedKey{set: s.id, base: base, name: name})
	b := f.identity(func() []byte { return s.rebase(base, name) })
	if b == nil {
		return false
	}
	if len(have) > 0 && r.Header.Get("Range") == "" {
		if c := coding.Negotiate(r, have...); c != "" {
			if cb := f.encoded(c, b); cb != nil {
				b = cb
				w.Header().Set("Content-Encoding", c)
				w.Header().Set("Content-Length", strconv.Itoa(len(b))) // ServeContent leaves it to us

			}
		}
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	return true
}

// rebase reads the client file name with every publicPath made
// base+publicPath; nil if it cannot be read or is larger than maxRebased.
func (s *Set) rebase(base, name string) []byte {
	root, err := os.OpenRoot(filepath.Join(s.dir, Client))
	if err != nil {
		return nil
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxRebased {
		return nil
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil
	}
	pp := []byte(s.manifest.PublicPath)
	return bytes.ReplaceAll(b, pp, append([]byte(base), pp...))
}

// maxRebased bounds the client file rewritten in memory for a base path.
const maxRebased = 64 << 20
