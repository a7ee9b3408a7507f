// The page build's cache key: a hash of everything that can decide the
// bundles, compared with the key in the last manifest.

package compiler

import (
	"io/fs"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"sandkit.dev/sandkit/pages/client"
)

// pagesKey hashes the options, the generated entries, the client runtime,
// the app's source files (every file outside node_modules, .sandkit, data,
// public and dot folders), its package files and the installed packages'
// lock (node_modules/.package-lock.json, which npm rewrites on every
// install).
func pagesKey(appDir string, opts PagesOptions, clientSrc, serverSrc string) (string, error) {
	k := newKeyer()
	k.field("version", []byte("sandkit-compiler/pages/"+itoa(pagesVersion)+"|esbuild "+esbuildVersion()))
	k.field("dev", []byte{b2byte(opts.Dev)})
	k.field("public", []byte(opts.PublicPath))
	k.field("client entry", []byte(clientSrc))
	k.field("server entry", []byte(serverSrc))
	err := fs.WalkDir(client.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(client.FS(), p)
		k.field("runtime:"+p, b)
		return err
	})
	if err != nil {
		return "", err
	}
	k.file("node_modules/.package-lock.json", filepath.Join(appDir, "node_modules", ".package-lock.json"))
	var files []string
	err = filepath.WalkDir(appDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != appDir && (name == "node_modules" || name == "data" || name == "public" ||
				strings.HasPrefix(name, ".")) {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".wasm") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	for _, f := range files {
		k.file("app:"+relSlash(appDir, f), f)
	}
	return k.sum(), nil
}

// esbuildVersion is the esbuild module version linked into this binary
// ("" when the binary carries no build information).
func esbuildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/evanw/esbuild" {
			if m.Replace != nil {
				return m.Version + "=>" + m.Replace.Path + "@" + m.Replace.Version
			}
			return m.Version
		}
	}
	return ""
}

func b2byte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
