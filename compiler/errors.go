// Build errors a person reads: compiler output with positions in routes/.

package compiler

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// BuildError is a build that failed because of the app's code or layout.
// Its message lists the problems one per line, with file:line:column
// positions relative to the app folder, such as
//
//	routes/posts/slug.param/handler.go:12:3: undefined: foo
type BuildError struct {
	App    string // the app folder
	Output string // the problems, one per line
}

func (e *BuildError) Error() string {
	return "app " + strconv.Quote(filepath.Base(e.App)) + ": building Go handlers failed:\n" + e.Output
}

// posRE matches a file:line:col position at the start of a message.
var posRE = regexp.MustCompile(`^(\s*)(\S+?\.go):(\d+):(\d+)(:.*)$`)

// aliasRE matches the r<N>. qualifier of a generated reference (r3.Get).
var aliasRE = regexp.MustCompile(`\br\d+\.`)

// mapper rewrites go build output from virtual paths to routes/ paths.
type mapper struct {
	appDir   string
	mainPath string // the file backing the virtual main.go
	gen      *generated
	routes   []*goRoute
}

// mapOutput rewrites every line of out.
func (m *mapper) mapOutput(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = m.mapLine(l)
	}
	return joinLines(fixGoGetHints(lines, m.appDir))
}

func (m *mapper) mapLine(l string) string {
	if strings.HasPrefix(l, "# ") { // "# example.com/app/sandkit_gen/r3"
		return "# " + m.mapPkg(strings.TrimPrefix(l, "# "))
	}
	if sm := posRE.FindStringSubmatch(l); sm != nil {
		indent, file, ln, col, rest := sm[1], sm[2], sm[3], sm[4], sm[5]
		file = m.mapFile(file)
		if file == genDir+"/main.go" {
			n, _ := strconv.Atoi(ln)
			if hf, ok := m.gen.lines[n]; ok {
				return indent + hf.file + ":" + strconv.Itoa(hf.line) + ":" + strconv.Itoa(hf.col) +
					aliasRE.ReplaceAllString(m.mapText(rest), "") + " (hint: " + signatureHint(hf.name) + ")"
			}
			if i, ok := m.gen.imports[n]; ok && i < len(m.routes) { // a problem with a route's package
				return indent + folderName(m.routes[i].id) + m.mapText(rest)
			}
		}
		return indent + file + ":" + ln + ":" + col + m.mapText(rest)
	}
	return m.mapText(l)
}

// mapFile turns a reported file name into one relative to the app.
func (m *mapper) mapFile(f string) string {
	if f == m.mainPath {
		return genDir + "/main.go"
	}
	if filepath.IsAbs(f) {
		f = relSlash(m.appDir, f)
	}
	f = strings.TrimPrefix(f, "./")
	// A virtual route file: sandkit_gen/r3/handler.go.
	if rest, ok := strings.CutPrefix(f, genDir+"/r"); ok {
		if n, file, ok := strings.Cut(rest, "/"); ok {
			if i, err := strconv.Atoi(n); err == nil && i < len(m.routes) {
				return relSlash(m.appDir, filepath.Join(m.routes[i].dir, file))
			}
		}
	}
	return f
}

// mapPkg names a virtual package by its route folder.
func (m *mapper) mapPkg(p string) string {
	if p == m.gen.pkgPath {
		return "routes (generated dispatch table)"
	}
	if n, ok := strings.CutPrefix(p, m.gen.pkgPath+"/r"); ok {
		if i, err := strconv.Atoi(n); err == nil && i < len(m.routes) {
			return "routes/" + m.routes[i].id
		}
	}
	return p
}

// mapText replaces virtual package paths, and the r<N> aliases of
// generated code, inside a message.
func (m *mapper) mapText(s string) string {
	if !strings.Contains(s, genDir) && !strings.Contains(s, m.mainPath) {
		return s
	}
	s = strings.ReplaceAll(s, m.mainPath, genDir+"/main.go")
	virtual := filepath.Join(m.appDir, genDir, "r")
	for i := len(m.routes) - 1; i >= 0; i-- { // r12 before r1
		s = strings.ReplaceAll(s, m.gen.pkgPath+"/r"+strconv.Itoa(i), "routes/"+m.routes[i].id)
		s = strings.ReplaceAll(s, virtual+strconv.Itoa(i), folderName(m.routes[i].id))
	}
	return s
}

// signatureHint is the type a generated reference to a function named name
// expects.
func signatureHint(name string) string {
	if name == middlewareFunc {
		return "a middleware must be func(next sandkit.HandlerFunc) sandkit.HandlerFunc"
	}
	return "a handler must be func(*sandkit.Request) sandkit.Response"
}
