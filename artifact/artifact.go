// Artifact: the manifest of a built app, writing an artifact folder and
// checking one before it is served.

package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing/fstest"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/routing"
)

// ManifestFile is the manifest's name at the root of an artifact.
const ManifestFile = "sandkit-artifact.json"

// Format is the version of the artifact layout and manifest this package
// writes and reads. It changes when either changes incompatibly; Open
// refuses any other.
const Format = 1

// DataDir is the folder of an artifact the host keeps the app's SQLite
// database in. It is not part of the artifact: Write keeps the one of an
// artifact it replaces.
const DataDir = "data"

// Manifest is sandkit-artifact.json.
type Manifest struct {
	// Format is the layout version (Format).
	Format int `json:"format"`
	// App is the app's name.
	App string `json:"app"`
	// ABI is the guest ABI version the handler modules were built for
	// (spec/abi.md §8).
	ABI int `json:"abi"`
	// Routes are the names, relative to the app's routes/ folder, of the
	// files its route table was scanned from (spec/routing.md §1); only
	// their names matter, and only handler.wasm files are in the artifact.
	Routes []string `json:"routes"`
	// Files are every file of the artifact but the manifest, sorted by path.
	Files []File `json:"files"`
}

// File is one file of an artifact.
type File struct {
	// Path is slash-separated and relative to the artifact's root.
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
}

// Spec is what Write puts in an artifact.
type Spec struct {
	App    string
	Routes []string
	// Files maps a path in the artifact (slash-separated) to the file it
	// is copied from.
	Files map[string]string
	// Contents maps a path in the artifact to its bytes, for files made
	// rather than copied (a settings file that names the app).
	Contents map[string][]byte
}

// Write makes the artifact described by spec in the folder out, replacing
// the artifact there if there is one (its data/ folder is kept). The
// artifact is assembled in a new folder beside out and renamed into place,
// so out is never half-written. A folder out that exists, is not empty and
// is not an artifact is refused.
func Write(out string, spec Spec) (*Manifest, error) {
	if err := checkTarget(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(out)), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(out)), "."+filepath.Base(out)+".new-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	m := &Manifest{Format: Format, App: spec.App, ABI: abi.Version, Routes: slices.Sorted(slices.Values(spec.Routes))}
	add := func(p string, r io.Reader) error {
		if !validPath(p) || p == ManifestFile || p == DataDir || strings.HasPrefix(p, DataDir+"/") {
			return fmt.Errorf("artifact path %q: not a relative slash-separated path of a file the artifact may hold", p)
		}
		f, err := writeFile(tmp, p, r)
		if err != nil {
			return fmt.Errorf("artifact %s: %s: %w", out, p, err)
		}
		m.Files = append(m.Files, f)
		return nil
	}
	for _, p := range slices.Sorted(maps.Keys(spec.Files)) {
		src, err := os.Open(spec.Files[p])
		if err != nil {
			return nil, fmt.Errorf("artifact %s: %w", out, err)
		}
		err = add(p, src)
		src.Close()
		if err != nil {
			return nil, err
		}
	}
	for _, p := range slices.Sorted(maps.Keys(spec.Contents)) {
		if _, dup := spec.Files[p]; dup {
			return nil, fmt.Errorf("artifact path %q given twice", p)
		}
		if err := add(p, bytes.NewReader(spec.Contents[p])); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	if _, err := m.Table(); err != nil {
		return nil, fmt.Errorf("artifact %s: %w", out, err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	if err := swapIn(tmp, out); err != nil {
		return nil, fmt.Errorf("artifact %s: %w", out, err)
	}
	return m, nil
}

// checkTarget refuses to write over a folder that is not an artifact.
func checkTarget(out string) error {
	ents, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("artifact %s: %w", out, err)
	}
	if len(ents) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, ManifestFile)); err != nil {
		return fmt.Errorf("artifact %s: the folder exists, is not empty and holds no %s\nhint: give -o a new or empty folder, or one an earlier sandkit build wrote", out, ManifestFile)
	}
	return nil
}

// swapIn renames the assembled folder tmp to out, moving the data/ folder
// of the artifact out replaces into it first.
func swapIn(tmp, out string) error {
	if _, err := os.Stat(out); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, out)
	}
	if _, err := os.Stat(filepath.Join(out, DataDir)); err == nil {
		if err := os.Rename(filepath.Join(out, DataDir), filepath.Join(tmp, DataDir)); err != nil {
			return err
		}
	}
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.RemoveAll(old)
}

// writeFile copies r to root/p and returns its manifest entry.
func writeFile(root, p string, r io.Reader) (File, error) {
	dst := filepath.Join(root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return File{}, err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return File{Path: p, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// Is reports whether dir holds an artifact (a manifest file at its root);
// Open says whether it is a good one.
func Is(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ManifestFile))
	return err == nil
}

// Open reads the manifest of the artifact in dir and checks it: its format
// and ABI versions, and that every file it lists is a regular file inside
// dir with the listed size and SHA-256. The error names the file and says
// what is wrong with it.
func Open(dir string) (*Manifest, error) { return open(dir, nil) }

func open(dir string, v *Verified) (*Manifest, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("artifact %s: %w", dir, err)
	}
	defer root.Close()
	b, err := root.ReadFile(ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("artifact %s: %w\nhint: make an artifact with sandkit build APPDIR -o %s", dir, err, dir)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("artifact %s: %s: %w (the file is damaged: build the artifact again)", dir, ManifestFile, err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("artifact %s: %s: format %d, this sandkit reads format %d\nhint: build the artifact with this sandkit", dir, ManifestFile, m.Format, Format)
	}
	if m.ABI != abi.Version {
		return nil, fmt.Errorf("artifact %s: %s: built for ABI %d, this host serves ABI %d\nhint: build the artifact with this sandkit", dir, ManifestFile, m.ABI, abi.Version)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !validPath(f.Path) || seen[f.Path] {
			return nil, fmt.Errorf("artifact %s: %s: bad or repeated file path %q", dir, ManifestFile, f.Path)
		}
		seen[f.Path] = true
		if err := checkFile(root, f, v); err != nil {
			return nil, fmt.Errorf("artifact %s: %s: %w\nhint: the artifact is incomplete or was changed after sandkit build; build it again", dir, f.Path, err)
		}
	}
	if _, err := m.Table(); err != nil {
		return nil, fmt.Errorf("artifact %s: %s: %w", dir, ManifestFile, err)
	}
	return &m, nil
}

// checkFile checks one listed file against its entry.
func checkFile(root *os.Root, want File, v *Verified) error {
	name := filepath.FromSlash(want.Path)
	fi, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("missing")
	}
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%v)", fi.Mode().Type())
	}
	if fi.Size() != want.Size {
		return fmt.Errorf("%d bytes, the manifest says %d", fi.Size(), want.Size)
	}
	if v.knows(fi, want.SHA256) {
		return nil
	}
	f, err := root.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != want.SHA256 {
		return fmt.Errorf("sha256 %.12s…, the manifest says %.12s… (corrupt)", got, want.SHA256)
	}
	if after, err := f.Stat(); err == nil {
		v.learn(before, after, got)
	}
	return nil
}

// Table is the artifact's route table: Routes scanned as routing.Scan
// scans a routes/ folder. A route with Go source must be in the app
// module, and a prebuilt handler.wasm must be a file of the artifact.
func (m *Manifest) Table() (*routing.Table, error) {
	fsys := fstest.MapFS{}
	for _, p := range m.Routes {
		if !validPath(p) {
			return nil, fmt.Errorf("route file %q: not a relative slash-separated path", p)
		}
		fsys[p] = &fstest.MapFile{}
	}
	table, err := routing.Scan(fsys)
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, f := range m.Files {
		has[f.Path] = true
	}
	for _, rt := range table.Routes() {
		if rt.HasWasm() && !has[path.Join("routes", rt.ID(), routing.WasmFile)] {
			return nil, fmt.Errorf("route %q: its %s is not in the artifact", "routes/"+rt.ID(), routing.WasmFile)
		}
	}
	return table, nil
}

// RouteFiles lists the names Table is made from: the files of table's
// routes (handlers, pages, layouts, 404 and error pages), relative to
// routes/, sorted.
func RouteFiles(table *routing.Table) []string {
	set := map[string]bool{}
	for _, rt := range table.Routes() {
		for _, f := range rt.GoFiles() {
			set[f] = true
		}
		if rt.HasWasm() {
			set[path.Join(rt.ID(), routing.WasmFile)] = true
		}
		for _, f := range append(rt.Layouts(), rt.Page(), rt.NotFoundPage(), rt.ErrorPage()) {
			if f != "" {
				set[f] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// validPath reports whether p is a clean, relative, slash-separated path
// that stays inside the folder it is relative to.
func validPath(p string) bool {
	return p != "" && fs.ValidPath(p) && p != "." && !strings.Contains(p, "\\")
}
