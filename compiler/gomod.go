// go.mod: find the app's module, its path, and the modules it replaces with
// local folders.

package compiler

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sdkModule is the module path of sandkit itself.
const sdkModule = "sandkit.dev/sandkit"

// goModule is the module an app's Go code belongs to.
type goModule struct {
	dir      string            // folder holding go.mod
	path     string            // module path
	mod      []byte            // go.mod contents
	replaces map[string]string // module path -> absolute local folder
}

// findModule finds the go.mod in dir or the nearest folder above it.
func findModule(dir string) (*goModule, error) {
	for d := dir; ; {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			m := parseGoMod(b, d)
			return m, nil
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

// parseGoMod reads the module path and local replace directives of a
// go.mod. It is deliberately small: go build checks the file properly.
func parseGoMod(b []byte, dir string) *goModule {
	m := &goModule{dir: dir, mod: b, replaces: map[string]string{}}
	inReplace := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case inReplace && line == ")":
			inReplace = false
		case inReplace:
			m.addReplace(line)
		case line == "replace (" || line == "replace(":
			inReplace = true
		case strings.HasPrefix(line, "replace "):
			m.addReplace(strings.TrimPrefix(line, "replace "))
		case strings.HasPrefix(line, "module "):
			m.path = unquote(strings.TrimSpace(strings.TrimPrefix(line, "module ")))
		}
	}
	return m
}

// addReplace records "old [v] => new [v]" when new is a local folder.
func (m *goModule) addReplace(spec string) {
	old, repl, ok := strings.Cut(spec, "=>")
	if !ok {
		return
	}
	of, rf := strings.Fields(old), strings.Fields(repl)
	if len(of) == 0 || len(rf) != 1 {
		return // a module version on the right: not a folder
	}
	to := unquote(rf[0])
	if !filepath.IsAbs(to) && !strings.HasPrefix(to, "./") && !strings.HasPrefix(to, "../") {
		return
	}
	if !filepath.IsAbs(to) {
		to = filepath.Join(m.dir, to)
	}
	m.replaces[unquote(of[0])] = to
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

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
