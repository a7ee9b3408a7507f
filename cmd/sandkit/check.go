// check: report what is wrong with an app without building or serving it.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/routing"
)

var checkCmd = &command{
	name:    "check",
	summary: "report what is wrong with an app without serving it",
	usage:   checkUsage,
	run:     runCheck,
}

const checkUsage = `Usage: sandkit check [APPDIR]

Reads the app in APPDIR (default: the current folder) as "sandkit serve"
would, without building, installing or serving anything, and reports every
problem found, each with its file (and line, where there is one) and a hint:

  settings     sandkit.toml, sandkit.<env>.toml and SANDKIT_* variables
  routes       the routes/ folder (spec/routing.md)
  go.mod       present and requiring the guest SDK, if the app has Go handlers
  npm          package.json with react, react-dom and react-router, and a
               package-lock.json npm ci can install, if the app has pages
  migrations   migrations/ file names

The exit code is 1 if anything is wrong, else 0.
`

// errChecked says check found problems, which it has printed.
var errChecked = errors.New("problems found")

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := appDirOnly("check", checkUsage, args, stderr)
	if err != nil {
		return err
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // hints name the folder wherever they are run from
	}
	problems := 0
	report := func(what, ok string, err error) {
		if err == nil {
			fmt.Fprintf(stdout, "ok   %-10s %s\n", what, ok)
			return
		}
		for _, e := range flatten(err) {
			problems++
			fmt.Fprintf(stdout, "FAIL %-10s %s\n", what, strings.ReplaceAll(e.Error(), "\n", "\n                "))
		}
	}

	s, err := settings.Load(dir)
	okSettings := ""
	if err == nil {
		okSettings = fmt.Sprintf("environment %q, %d files", s.Env(), len(s.Files()))
	}
	report("settings", okSettings, err)

	table, err := routing.Scan(os.DirFS(filepath.Join(dir, "routes")))
	hasGo, hasPages := sourceKinds(filepath.Join(dir, "routes"))
	okRoutes := ""
	if err == nil {
		okRoutes = fmt.Sprintf("%d routes", len(table.Routes()))
	}
	report("routes", okRoutes, err)

	if hasGo {
		path, err := compiler.CheckModule(dir)
		report("go.mod", path, err)
	}
	if hasPages {
		report("npm", "package.json and package-lock.json", checkNPM(dir))
	}
	n, err := appdb.CheckMigrationFiles(dir)
	report("migrations", fmt.Sprintf("%d migrations", n), err)

	if problems > 0 {
		fmt.Fprintf(stdout, "%d problem(s) in %s\n", problems, dir)
		return errChecked
	}
	return nil
}

// flatten lists the errors inside a join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// checkNPM reports what would stop the app's npm packages from installing
// or its pages from bundling.
func checkNPM(dir string) error {
	pkgPath := filepath.Join(dir, "package.json")
	b, err := os.ReadFile(pkgPath)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s: missing, and the app has pages\nhint: run `npm install react react-dom react-router` in %s", pkgPath, dir)
	}
	if err != nil {
		return err
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return fmt.Errorf("%s: %w\nhint: package.json must be valid JSON", pkgPath, err)
	}
	var errs []error
	var missing []string
	for _, name := range []string{"react", "react-dom", "react-router"} {
		if pkg.Dependencies[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%s: the dependencies lack %s, which pages need\nhint: run `npm install %s` in %s",
			pkgPath, strings.Join(missing, ", "), strings.Join(missing, " "), dir))
	}
	lockPath := filepath.Join(dir, "package-lock.json")
	if _, err := os.Stat(lockPath); err != nil {
		errs = append(errs, fmt.Errorf("%s: missing; sandkit installs with npm ci, which needs it\nhint: run `npm install` in %s once and keep the lock file", lockPath, dir))
		return errors.Join(errs...)
	}
	pkgs, err := readLock(lockPath)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if git := gitDeps(pkgs); len(git) > 0 {
		errs = append(errs, fmt.Errorf("%s: git dependencies are not installed: %s\nhint: depend on a published version, or copy the package into the app and depend on it as file:PATH",
			lockPath, strings.Join(git, ", ")))
	}
	return errors.Join(errs...)
}

// sourceKinds reports whether the routes folder holds Go files and pages,
// read from the files themselves so that a routes/ tree with mistakes is
// still checked for what it needs.
func sourceKinds(routes string) (hasGo, hasPages bool) {
	filepath.WalkDir(routes, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		hasGo = hasGo || (strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"))
		switch d.Name() {
		case "page.tsx", "page.jsx", "page.ts", "page.js":
			hasPages = true
		}
		return nil
	})
	return hasGo, hasPages
}
