// Unpacking an uploaded bundle: a gzip-compressed tar of an artifact
// folder, read within bounds, extracted through an os.Root so no entry can
// land outside its folder, then checked as an artifact the host would
// serve.

package registry

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/host/settings"
)

// Bounds on what a bundle holds, whatever its compressed size.
const (
	// MaxBundleEntries is the most files and folders a bundle may hold.
	MaxBundleEntries = 20000
	// UnpackedFactor bounds the bytes of a bundle's files: at most this
	// many times the compressed limit, so a gzip bomb stops early.
	UnpackedFactor = 4
	// maxEntryName bounds an entry's name, in bytes.
	maxEntryName = 1024
)

// Bundle is a bundle Unpack accepted.
type Bundle struct {
	SHA256   string // hex, of the compressed bytes
	Size     int64  // compressed bytes
	Manifest *artifact.Manifest
}

// Unpack reads bundle, a gzip-compressed tar of an artifact folder, into
// dst, an empty folder, and checks what it holds (Check, its settings read
// with the environment env, or an empty one if env is nil). It reads at most
// maxBytes+1 bytes of bundle and writes at most UnpackedFactor×maxBytes
// bytes into dst. A refused bundle is an *InvalidError (wrapping
// ErrTooLarge if a bound was passed); dst then holds a part of it, which the
// caller removes.
func Unpack(bundle io.Reader, maxBytes int64, dst string, env func(string) (string, bool)) (Bundle, error) {
	lr := &io.LimitedReader{R: bundle, N: maxBytes + 1}
	h := sha256.New()
	raw := io.TeeReader(lr, h)
	tooLarge := func() error {
		return &InvalidError{Reason: fmt.Sprintf("the bundle is larger than %d bytes, the host's max_bundle_bytes", maxBytes), Err: ErrTooLarge}
	}
	if err := extract(raw, dst, maxBytes); err != nil {
		if lr.N <= 0 {
			return Bundle{}, tooLarge()
		}
		return Bundle{}, err
	}
	// What follows the tar's end still counts toward the size and hash.
	if _, err := io.Copy(io.Discard, raw); err != nil {
		return Bundle{}, fmt.Errorf("reading the bundle: %w", err)
	}
	if lr.N <= 0 {
		return Bundle{}, tooLarge()
	}
	m, err := Check(dst, env)
	if err != nil {
		return Bundle{}, err
	}
	return Bundle{SHA256: hex.EncodeToString(h.Sum(nil)), Size: maxBytes + 1 - lr.N, Manifest: m}, nil
}

// extract writes the regular files and folders of the gzip tar r into dst.
func extract(r io.Reader, dst string, maxBytes int64) error {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return &InvalidError{Reason: fmt.Sprintf("the bundle is not gzip-compressed (%v)\nhint: send a .tar.gz of the artifact folder, as sandkit deploy does", err)}
	}
	defer gz.Close()
	root, err := os.OpenRoot(dst)
	if err != nil {
		return err
	}
	defer root.Close()
	maxUnpacked := UnpackedFactor * maxBytes
	var total int64
	seen := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &InvalidError{Reason: fmt.Sprintf("the bundle is not a valid gzip tar: %v", err)}
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // comments of the archiver (git archive writes one)
		}
		name, err := entryName(hdr)
		if err != nil {
			return err
		}
		if name == "." {
			continue
		}
		if seen[name] {
			return &InvalidError{Reason: fmt.Sprintf("bundle entry %q: given twice", hdr.Name)}
		}
		seen[name] = true
		if len(seen) > MaxBundleEntries {
			return &InvalidError{Reason: fmt.Sprintf("the bundle holds more than %d files and folders", MaxBundleEntries), Err: ErrTooLarge}
		}
		local := filepath.FromSlash(name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(local, 0o755); err != nil {
				return entryError(hdr, err)
			}
		case tar.TypeReg:
			if total += hdr.Size; total > maxUnpacked {
				return &InvalidError{Reason: fmt.Sprintf("the bundle's files hold more than %d bytes uncompressed (%d× max_bundle_bytes)", maxUnpacked, UnpackedFactor), Err: ErrTooLarge}
			}
			if dir := filepath.Dir(local); dir != "." {
				if err := root.MkdirAll(dir, 0o755); err != nil {
					return entryError(hdr, err)
				}
			}
			// Read-only: a version is never edited, by the host either.
			f, err := root.OpenFile(local, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
			if err != nil {
				return entryError(hdr, err)
			}
			n, err := io.Copy(f, tr) // tr gives hdr.Size bytes at most
			if err == nil {
				err = f.Sync() // the version is renamed into place next
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil && n != hdr.Size {
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				return &InvalidError{Reason: fmt.Sprintf("bundle entry %q: %v", hdr.Name, err)}
			}
		default:
			return &InvalidError{Reason: fmt.Sprintf("bundle entry %q: a %s; a bundle holds regular files and folders only", hdr.Name, typeName(hdr.Typeflag))}
		}
	}
	return nil
}

// entryName is the slash-separated path an entry names inside the
// artifact, "." for the root itself. Absolute paths, "..", backslashes and
// anything under data/ (the tenant's database, never uploaded) are refused.
func entryName(hdr *tar.Header) (string, error) {
	bad := func(why string) error {
		return &InvalidError{Reason: fmt.Sprintf("bundle entry %q: %s", hdr.Name, why)}
	}
	name := hdr.Name
	if len(name) > maxEntryName {
		return "", bad(fmt.Sprintf("a name longer than %d bytes", maxEntryName))
	}
	if strings.HasPrefix(name, "/") {
		return "", bad("an absolute path; paths in a bundle are relative to the artifact folder")
	}
	name = strings.TrimPrefix(name, "./")
	if hdr.Typeflag == tar.TypeDir {
		name = strings.TrimSuffix(name, "/")
	}
	if name == "" || name == "." {
		return ".", nil
	}
	if strings.Contains(name, "\\") {
		return "", bad("a backslash; paths in a bundle are slash-separated")
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", bad("a path with \"..\"; paths in a bundle stay inside the artifact folder")
		}
	}
	if !fs.ValidPath(name) {
		return "", bad("not a clean relative path")
	}
	if first, _, _ := strings.Cut(name, "/"); first == artifact.DataDir {
		return "", bad("under data/, which holds the app's database on the host and is never uploaded")
	}
	return name, nil
}

// entryError is the refusal of an entry the file system would not take
// (a file where a folder is, a folder where a file is).
func entryError(hdr *tar.Header, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &InvalidError{Reason: fmt.Sprintf("bundle entry %q: %v", hdr.Name, err)}
}

// typeName says what a tar entry of a refused type is.
func typeName(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "named pipe"
	case tar.TypeGNUSparse:
		return "sparse file"
	}
	return fmt.Sprintf("tar entry of type %q", t)
}

// browserTrees are the folders of an artifact the host serves to browsers
// as they are and never runs: a .wasm there is the app's client code, with
// its own imports (public/, and the pages' client assets, pageserve.Client).
var browserTrees = []string{"public/", ".sandkit/build/pages/client/"}

// browserFile reports whether the artifact file p is served, not run.
func browserFile(p string) bool {
	for _, t := range browserTrees {
		if strings.HasPrefix(p, t) {
			return true
		}
	}
	return false
}

// Check checks the artifact folder dir as an upload: the manifest and every
// file it lists (artifact.Open), no file it does not list, the imports of
// every .wasm module the host may run (only the ABI's and WASI preview 1's
// functions; not those under browserTrees, which browsers run) and the
// settings, read with env as the tenant's environment (an empty one if env
// is nil: never the host process's). A refusal is an *InvalidError.
func Check(dir string, env func(string) (string, bool)) (*artifact.Manifest, error) {
	// The person deploying is told of the bundle's paths, not the host's.
	hide := strings.NewReplacer(dir+string(filepath.Separator), "", dir, "bundle")
	m, err := artifact.Open(dir)
	if err != nil {
		return nil, &InvalidError{Reason: hide.Replace(err.Error())}
	}
	listed := map[string]bool{artifact.ManifestFile: true}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); !listed[rel] {
			return &InvalidError{Reason: fmt.Sprintf("bundle file %q is not listed in %s; a bundle holds the artifact's files only\nhint: make the bundle with sandkit deploy", rel, artifact.ManifestFile)}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		if path.Ext(f.Path) != ".wasm" || browserFile(f.Path) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			return nil, err
		}
		if err := checkImports(b); err != nil {
			return nil, &InvalidError{Reason: fmt.Sprintf("%s: %v", f.Path, err)}
		}
	}
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	if _, err := settings.LoadWith(dir, env); err != nil {
		return nil, &InvalidError{Reason: hide.Replace(fmt.Sprintf("settings: %v", err))}
	}
	return m, nil
}
