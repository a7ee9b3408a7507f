// Package sdkcopy computes what the copy of the Go guest SDK that `sandkit
// new` writes beside an app must carry, and writes it as the generated file
// sdk_gen.go of the root package sandkit.dev/sandkit: a go:embed list of
// the source files of every package of this module that the guest SDK's
// public packages import (found with go list -deps, for every platform in
// Platforms), and the third-party modules those packages import.
//
// Run it after changing what a guest SDK package imports:
//
//	go generate sandkit.dev/sandkit   # runs go run ./internal/sdkcopy/gen
//
// TestGeneratedUpToDate fails when the checked-in sdk_gen.go is not what
// Generate writes, so the list cannot silently go stale.
package sdkcopy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"io"
	"os"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Module is this module's path.
const Module = "sandkit.dev/sandkit"

// Patterns are the guest SDK's packages; those without an /internal/
// element are its public packages, whose closure the copy carries.
const Patterns = "./guest-sdk/go/..."

// GeneratedFile is the generated file, relative to the module root.
const GeneratedFile = "sdk_gen.go"

// Regenerate is the command that rewrites GeneratedFile.
const Regenerate = "go generate sandkit.dev/sandkit (in the repository root)"

// A Platform is a GOOS/GOARCH pair an app is built or tested on: wasip1/wasm
// is what sandkit build links, the others are where developers run go test.
type Platform struct{ GOOS, GOARCH string }

// Platforms are the ones whose import graphs are merged.
var Platforms = []Platform{
	{"wasip1", "wasm"},
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Closure is what the copy carries.
type Closure struct {
	Public   []string        // the public packages of the guest SDK
	Packages []string        // packages of this module they import, themselves included, sorted
	Files    []string        // their source files, slash-separated from the module root, sorted
	Modules  []ModuleUse     // third-party modules providing imported packages, sorted by path
	Wasm     []string        // packages of this module linked into a wasip1 build (a subset of Packages)
	ByModule map[string]bool // module paths in Modules, for look-ups
}

// A ModuleUse is a third-party module the closure imports from.
type ModuleUse struct {
	Path   string
	Direct bool // a package of this module imports one of its packages
}

// listed is the part of go list -json this package reads.
type listed struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct {
		Path string
		Main bool
	}
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	SFiles         []string
	HFiles         []string
	CFiles         []string
	SysoFiles      []string
	EmbedFiles     []string
	Imports        []string
	Error          *struct{ Err string }
	DepsErrors     []*struct{ Err string }
}

const listFields = "ImportPath,Dir,Standard,Module,GoFiles,CgoFiles,IgnoredGoFiles,SFiles,HFiles,CFiles,SysoFiles,EmbedFiles,Imports,Error,DepsErrors"

// goList runs go list in root for one platform.
func goList(root string, p Platform, cgo string, args ...string) ([]*listed, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=" + listFields}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+p.GOOS, "GOARCH="+p.GOARCH, "CGO_ENABLED="+cgo, "GOFLAGS=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s for %s/%s: %v\n%s", strings.Join(args, " "), p.GOOS, p.GOARCH, err, stderr.Bytes())
	}
	var pkgs []*listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, &l)
	}
	return pkgs, nil
}

// excluded reports whether a package's error only says that no file of it
// is built on this platform (sandkittest under wasip1).
func excluded(l *listed) bool {
	return l.Error != nil && strings.Contains(l.Error.Err, "build constraints exclude all Go files")
}

// Compute lists the closure of the guest SDK's public packages in the
// module whose root is root.
func Compute(root string) (*Closure, error) {
	public := map[string]bool{}
	pkgs := map[string]string{}  // import path -> dir relative to root
	files := map[string]bool{}   // slash paths from root
	modules := map[string]bool{} // third-party module -> direct
	wasm := map[string]bool{}    // this module's packages in a wasip1 build
	for _, p := range Platforms {
		cgos := []string{"0", "1"}
		if p.GOOS == "wasip1" {
			cgos = cgos[:1]
		}
		for _, cgo := range cgos {
			roots, err := goList(root, p, cgo, Patterns)
			if err != nil {
				return nil, err
			}
			var args []string
			for _, l := range roots {
				switch {
				case excluded(l):
					continue
				case l.Error != nil:
					return nil, fmt.Errorf("%s on %s/%s: %s", l.ImportPath, p.GOOS, p.GOARCH, l.Error.Err)
				case !strings.Contains(l.ImportPath+"/", "/internal/"):
					public[l.ImportPath] = true
					args = append(args, l.ImportPath)
				}
			}
			deps, err := goList(root, p, cgo, append([]string{"-deps"}, args...)...)
			if err != nil {
				return nil, err
			}
			for _, l := range deps {
				if l.Error != nil {
					return nil, fmt.Errorf("%s on %s/%s: %s", l.ImportPath, p.GOOS, p.GOARCH, l.Error.Err)
				}
				if l.Standard || l.Module == nil {
					continue
				}
				if !l.Module.Main {
					if _, ok := modules[l.Module.Path]; !ok {
						modules[l.Module.Path] = false
					}
					continue
				}
				rel, ok := strings.CutPrefix(l.ImportPath, Module+"/")
				if !ok {
					return nil, fmt.Errorf("%s: the root package of %s is not part of the guest SDK", l.ImportPath, Module)
				}
				pkgs[l.ImportPath] = rel
				if p.GOOS == "wasip1" {
					wasm[l.ImportPath] = true
				}
				var names []string
				for _, list := range [][]string{l.GoFiles, l.CgoFiles, l.IgnoredGoFiles, l.SFiles, l.HFiles, l.CFiles, l.SysoFiles, l.EmbedFiles} {
					names = append(names, list...)
				}
				for _, n := range names {
					if !strings.HasSuffix(n, "_test.go") {
						files[path.Join(rel, n)] = true
					}
				}
			}
			// Which modules this module's packages import directly.
			provider := map[string]string{}
			for _, l := range deps {
				if l.Module != nil && !l.Module.Main && !l.Standard {
					provider[l.ImportPath] = l.Module.Path
				}
			}
			for _, l := range deps {
				if l.Module == nil || !l.Module.Main {
					continue
				}
				for _, imp := range l.Imports {
					if m, ok := provider[imp]; ok {
						modules[m] = true
					}
				}
			}
		}
	}
	c := &Closure{ByModule: map[string]bool{}}
	for p := range public {
		c.Public = append(c.Public, p)
	}
	for p := range pkgs {
		c.Packages = append(c.Packages, p)
	}
	for f := range files {
		c.Files = append(c.Files, f)
	}
	for m, direct := range modules {
		c.Modules = append(c.Modules, ModuleUse{Path: m, Direct: direct})
		c.ByModule[m] = true
	}
	for p := range wasm {
		c.Wasm = append(c.Wasm, p)
	}
	slices.Sort(c.Public)
	slices.Sort(c.Packages)
	slices.Sort(c.Files)
	slices.Sort(c.Wasm)
	slices.SortFunc(c.Modules, func(a, b ModuleUse) int { return strings.Compare(a.Path, b.Path) })
	return c, nil
}

// Generate returns the source of GeneratedFile for the module at root.
func Generate(root string) ([]byte, error) {
	c, err := Compute(root)
	if err != nil {
		return nil, err
	}
	return c.Source()
}

// Source returns the source of GeneratedFile for c.
func (c *Closure) Source() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by go run ./internal/sdkcopy/gen; DO NOT EDIT.\n\n")
	b.WriteString("package sandkit\n\nimport \"embed\"\n\n")
	b.WriteString("// GuestSDK holds the source files (no tests) of the guest SDK's public\n")
	b.WriteString("// packages and of every package of this module they import, on every\n")
	b.WriteString("// platform an app is built or tested on, and this module's go.mod and\n")
	b.WriteString("// go.sum (read for the versions and checksums of the modules in\n")
	b.WriteString("// guestSDKModules). The packages:\n//\n")
	for _, p := range c.Packages {
		fmt.Fprintf(&b, "//   - %s\n", p)
	}
	b.WriteString("//\n//go:embed go.mod go.sum\n")
	// One go:embed line per package folder.
	byDir := slices.Clone(c.Files)
	slices.SortFunc(byDir, func(a, b string) int {
		if d := strings.Compare(path.Dir(a), path.Dir(b)); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	var line []string
	dir := ""
	flush := func() {
		if len(line) > 0 {
			fmt.Fprintf(&b, "//go:embed %s\n", strings.Join(line, " "))
		}
		line = nil
	}
	for _, f := range byDir {
		if d := path.Dir(f); d != dir {
			flush()
			dir = d
		}
		line = append(line, f)
	}
	flush()
	b.WriteString("var GuestSDK embed.FS\n\n")
	b.WriteString("// guestSDKModules are the modules other than this one that provide a\n")
	b.WriteString("// package GuestSDK's packages import, directly or not; direct marks those a\n")
	b.WriteString("// package of this module imports itself.\n")
	b.WriteString("var guestSDKModules = []guestSDKModule{\n")
	for _, m := range c.Modules {
		fmt.Fprintf(&b, "\t{%s, %v},\n", strconv.Quote(m.Path), m.Direct)
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting %s: %w\n%s", GeneratedFile, err, b.Bytes())
	}
	return out, nil
}
