// The build cache: a content hash of everything that decides the module's
// bytes, and the folder of modules already built under such keys.

package compiler

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"sandkit.dev/sandkit/abi"
)

// cacheVersion changes whenever this package changes what it builds.
const cacheVersion = "sandkit-compiler/handlers/1"

// keepCached is how many modules an app's cache folder keeps.
const keepCached = 8

// buildEnv are the environment variables that can change what go build
// produces for the guest.
var buildEnv = []string{"GOFLAGS", "GOEXPERIMENT", "GOWASM", "GOROOT", "GOWORK", "GODEBUG", "GOAMD64"}

// keyer accumulates the cache key.
type keyer struct{ h hash.Hash }

func newKeyer() *keyer { return &keyer{h: sha256.New()} }

// field adds one length-prefixed field, so that fields cannot run together.
func (k *keyer) field(name string, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(name)))
	k.h.Write(n[:])
	k.h.Write([]byte(name))
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	k.h.Write(n[:])
	k.h.Write(b)
}

// file adds a file's contents under its name; a missing file counts too.
func (k *keyer) file(name, p string) {
	b, err := os.ReadFile(p)
	if err != nil {
		k.field(name+" (missing)", nil)
		return
	}
	k.field(name, b)
}

// goFiles adds every .go file under root (not _test.go), skipping
// node_modules, .sandkit, testdata, dot-folders and nested modules. With
// sub non-nil, only those subfolders of root are walked.
func (k *keyer) goFiles(label, root string, sub ...string) error {
	starts := []string{root}
	if len(sub) > 0 {
		starts = starts[:0]
		for _, s := range sub {
			starts = append(starts, filepath.Join(root, s))
		}
	}
	for _, start := range starts {
		var files []string
		err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == start && os.IsNotExist(err) {
					return fs.SkipDir
				}
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if p != start && (name == "node_modules" || name == ".sandkit" || name == "testdata" ||
					strings.HasPrefix(name, ".") || fileExists(filepath.Join(p, "go.mod"))) {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		slices.Sort(files)
		for _, f := range files {
			k.file(label+":"+relSlash(root, f), f)
		}
	}
	return nil
}

func (k *keyer) sum() string { return hex.EncodeToString(k.h.Sum(nil)) }

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// toolchain is the go command a build runs.
type toolchain struct {
	path string // resolved path of the go binary
	id   string // what identifies it without running it: path, size, mtime
}

// findGo locates the go command on PATH.
func findGo() (*toolchain, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	return &toolchain{path: p, id: p + "|" + fi.ModTime().UTC().String() + "|" + itoa(fi.Size())}, nil
}

// cacheKey hashes everything that decides the module's bytes.
func cacheKey(goCmd *toolchain, mod *goModule, appDir string, gen *generated) (string, error) {
	k := newKeyer()
	k.field("version", []byte(cacheVersion+"|abi"+itoa(abi.Version)))
	k.field("go", []byte(goCmd.id))
	for _, e := range buildEnv {
		k.field("env:"+e, []byte(os.Getenv(e)))
	}
	k.field("go.mod", mod.mod)
	k.file("go.sum", filepath.Join(mod.dir, "go.sum"))
	if ws := findWorkspace(appDir); ws != "" {
		k.file("go.work", ws)
		k.file("go.work.sum", ws+".sum")
	}
	k.field("app", []byte(relSlash(mod.dir, appDir)))
	if err := k.goFiles("module", mod.dir); err != nil {
		return "", err
	}
	replaced := make([]string, 0, len(mod.replaces))
	for m := range mod.replaces {
		replaced = append(replaced, m)
	}
	slices.Sort(replaced)
	for _, m := range replaced {
		dir := mod.replaces[m]
		k.file("replace:"+m+":go.mod", filepath.Join(dir, "go.mod"))
		var err error
		if m == sdkModule {
			// What a guest links from sandkit: the SDK, the ABI and the
			// JSON string encoder they share (internal/sdkcopy's
			// TestClosureIsSmall: nothing of host/ is linked).
			err = k.goFiles("replace:"+m, dir, "guest-sdk/go", "abi", "internal/jsonstr")
		} else {
			err = k.goFiles("replace:"+m, dir)
		}
		if err != nil {
			return "", err
		}
	}
	k.field("main.go", gen.mainGo)
	return k.sum(), nil
}

// pruneCache keeps the keepCached most recently used modules in dir.
func pruneCache(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type item struct {
		path string
		mod  int64
	}
	var items []item
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".wasm") {
			continue
		}
		if fi, err := e.Info(); err == nil {
			items = append(items, item{filepath.Join(dir, e.Name()), fi.ModTime().UnixNano()})
		}
	}
	if len(items) <= keepCached {
		return
	}
	slices.SortFunc(items, func(a, b item) int { return int(sign(b.mod - a.mod)) })
	for _, it := range items[keepCached:] {
		os.Remove(it.path)
	}
}

func sign(x int64) int64 {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}
