// The base path: where a host mounts an app below the root of its origin
// (the multi-app host's path-prefix mode, spec/hosting.md), so that the
// documents, assets and client runtime of its pages carry it.

package pageserve

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
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
// imported assets) with every publicPath made base+publicPath. It reports
// false when the file is not one to rewrite or cannot be read, for the
// caller to serve it unchanged.
func (s *Set) serveRebased(w http.ResponseWriter, r *http.Request, base, name string) bool {
	ext := path.Ext(name)
	if ext != ".js" && ext != ".css" {
		return false
	}
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if name == "" || strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
		return false
	}
	root, err := os.OpenRoot(filepath.Join(s.dir, Client))
	if err != nil {
		return false
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxRebased {
		return false
	}
	b := make([]byte, fi.Size())
	if _, err := f.ReadAt(b, 0); err != nil && fi.Size() > 0 {
		return false
	}
	pp := []byte(s.manifest.PublicPath)
	b = bytes.ReplaceAll(b, pp, append([]byte(base), pp...))
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	return true
}

// maxRebased bounds the client file rewritten in memory for a base path.
const maxRebased = 64 << 20
