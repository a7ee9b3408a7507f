// go.mod: find the app's module, its path, and the modules it replaces with
// local folders.

package compiler

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// sdkModule is the module path of sandkit itself.
const sdkModule = "sandkit.dev/sandkit"

// goModule is the module an app's Go code belongs to.
type goModule struct {
	dir      string            // folder holding go.mod
	path     string            // module path
	mod      []byte            // go.mod contents
	uses     map[string]bool   // modules required or replaced
	replaces map[string]string // module path -> absolute local folder
}

// findModule finds the go.mod in dir or the nearest folder above it.
func findModule(dir string) (*goModule, error) {
	for d := dir; ; {
		name := filepath.Join(d, "go.mod")
		b, err := os.ReadFile(name)
		if err == nil {
			return parseGoMod(name, b, d)
		}
		if !os.IsNotExist(err) {
			return nil, err
		}
		up := filepath.Dir(d)
		if up == d {
			return nil, os.ErrNotExist
		}
		d = up
	}
}

// parseGoMod reads the module path, the modules required and the local
// replace directives of the go.mod file name, found in dir.
func parseGoMod(name string, b []byte, dir string) (*goModule, error) {
	f, err := modfile.Parse(name, b, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (hint: `go mod tidy` in %s)", err, dir)
	}
	m := &goModule{dir: dir, mod: b, uses: map[string]bool{}, replaces: map[string]string{}}
	if f.Module != nil {
		m.path = f.Module.Mod.Path
	}
	for _, r := range f.Require {
		m.uses[r.Mod.Path] = true
	}
	for _, r := range f.Replace {
		m.uses[r.Old.Path] = true
		if r.New.Version != "" {
			continue // a module version on the right: not a folder
		}
		to := r.New.Path
		if !modfile.IsDirectoryPath(to) {
			continue
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(dir, to)
		}
		m.replaces[r.Old.Path] = to
	}
	return m, nil
}

// usesSDK reports whether the module is sandkit or requires or replaces it.
func (m *goModule) usesSDK() bool { return m.path == sdkModule || m.uses[sdkModule] }

// findWorkspace returns the go.work file the go command would use for a
// build in dir, or "".
func findWorkspace(dir string) string {
	switch gw := os.Getenv("GOWORK"); gw {
	case "off":
		return ""
	case "":
	default:
		return gw
	}
	for d := dir; ; {
		p := filepath.Join(d, "go.work")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}
