// sandkit new: write a ready project, with the guest SDK beside it.

package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	sdksrc "sandkit.dev/sandkit"
)

var newCmd = &command{
	name:    "new",
	summary: "create an app: pages, a handler, an API route, a migration",
	usage:   newUsage,
	run:     runNew,
}

const newUsage = `Usage: sandkit new NAME [flags]

Creates the app NAME in the folder NAME (a path; its last element is the
app's name), which must not exist or be empty: a root layout, a home page
with its Go handler, a JSON API route with a test, a migration,
sandkit.toml, package.json (react, react-dom, react-router, typescript and
React's types, pinned, with package-lock.json), tsconfig.json, .gitignore
and a README.

No module proxy serves sandkit.dev/sandkit, so the Go guest SDK this binary
was built with (the handler API, db, auth, form and sandkittest) is written
to NAME/.sandkit/sdk and go.mod points at it with a replace directive.
go.mod and go.sum also list the modules those packages import
(golang.org/x/crypto, modernc.org/sqlite, bun, ...), so a route can import
any of them without go mod tidy; Go fetches a module from the module proxy
the first time a build needs it (the new app's own code needs none). Then
the npm packages are installed with "npm install --ignore-scripts" (install
scripts never run, see spec/config.md).

Flags:
`

// sdkDir is where the app's copy of the guest SDK lives, relative to it.
const sdkDir = ".sandkit/sdk"

// newTemplate is the app written by sandkit new; each file ends in .tmpl
// (so that Go, npm and git never read the template as a project) and is a
// text/template over newApp.
//
//go:embed template
var newTemplate embed.FS

// newApp is what the template files see.
type newApp struct {
	Name string // the app's name: its folder's name
}

// appName is what a new app may be called: it names the folder, the Go
// module and the npm package, so it keeps to what all three accept.
var appName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noInstall := fs.Bool("no-install", false, "do not run npm install (run it yourself later, with --ignore-scripts)")
	offline := fs.Bool("offline", false, "install npm packages from the npm cache only (npm install --offline)")
	fs.Usage = func() {
		fmt.Fprint(stderr, newUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{msg: "want one argument, the new app's folder (sandkit new blog)"}
	}
	dir := filepath.Clean(pos[0])
	name := filepath.Base(dir)
	if !appName.MatchString(name) {
		return usageError{msg: fmt.Sprintf("app name %q: use lowercase letters, digits, - and _, starting with a letter (it names the folder, the Go module and the npm package), as in: sandkit new my-app", name)}
	}
	if err := emptyTarget(dir); err != nil {
		return err
	}
	if err := writeApp(dir, newApp{Name: name}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (guest SDK %s in %s)\n", dir, sandkitVersion(), filepath.Join(dir, sdkDir))
	if *noInstall {
		fmt.Fprintf(stdout, "skipped npm install: run \"npm install --ignore-scripts\" in %s before serving it\n", dir)
	} else if err := npmInstallNew(ctx, dir, *offline, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nNext:\n  cd %s\n  sandkit dev .             # http://127.0.0.1:8080, rebuilt and reloaded on every save\n  go test ./...\n", dir)
	return nil
}

// emptyTarget refuses a folder that exists and holds anything.
func emptyTarget(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("%s already exists and is not empty\nhint: choose another name, or remove the folder first", dir)
	}
	return nil
}

// writeApp writes the template, the guest SDK and go.mod into dir.
func writeApp(dir string, app newApp) error {
	err := fs.WalkDir(newTemplate, "template", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := newTemplate.ReadFile(p)
		if err != nil {
			return err
		}
		t, err := template.New(p).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		var out bytes.Buffer
		if err := t.Execute(&out, app); err != nil {
			return fmt.Errorf("template %s: %w", p, err)
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(p, "template/"), ".tmpl")
		if rel == "gitignore" {
			rel = ".gitignore" // a template file named .gitignore would be skipped by go:embed
		}
		return writeNewFile(filepath.Join(dir, filepath.FromSlash(rel)), out.Bytes())
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	info, err := writeSDK(filepath.Join(dir, sdkDir))
	if err != nil {
		return err
	}
	mod, err := appGoMod(app.Name, info)
	if err != nil {
		return err
	}
	if err := writeNewFile(filepath.Join(dir, "go.mod"), mod); err != nil {
		return err
	}
	return writeNewFile(filepath.Join(dir, "go.sum"), info.Sum)
}

// writeSDK writes the guest SDK embedded in this binary to dir as the
// module sandkit.dev/sandkit, whose go.mod requires what its packages
// import, and returns what an app's go.mod and go.sum need for it.
func writeSDK(dir string) (*sdksrc.ModuleInfo, error) {
	info, err := sdksrc.GuestSDKModule()
	if err != nil {
		return nil, err
	}
	for _, f := range sdksrc.GuestSDKFiles() {
		b, err := sdksrc.GuestSDK.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := writeNewFile(filepath.Join(dir, filepath.FromSlash(f)), b); err != nil {
			return nil, err
		}
	}
	f := new(modfile.File)
	f.AddComment(fmt.Sprintf("// The Go guest SDK of sandkit %s, written by \"sandkit new\" (and\n"+
		"// \"sandkit upgrade\"): the app's go.mod replaces sandkit.dev/sandkit with this\n"+
		"// folder and requires the modules below at the same versions.", sandkitVersion()))
	reqs := make([]*modfile.Require, len(info.Requires))
	for i, r := range info.Requires {
		reqs[i] = &modfile.Require{Mod: r.Mod, Indirect: !r.Direct}
	}
	if err := errors.Join(f.AddModuleStmt("sandkit.dev/sandkit"), f.AddGoStmt(info.Go)); err != nil {
		return nil, err
	}
	f.SetRequireSeparateIndirect(reqs)
	f.Cleanup()
	mod, err := f.Format()
	if err != nil {
		return nil, err
	}
	return info, writeNewFile(filepath.Join(dir, "go.mod"), mod)
}

// sdkRequires are the app's requirements for the guest SDK: its module,
// replaced by the copy, and every module the copy's packages import,
// marked indirect. The app's go.mod lists them all (Go's module graph
// pruning: a go.mod at go 1.17 or later names every module that provides a
// package its packages import, directly or not), so that a route may
// import auth or sandkittest with no go mod tidy.
func sdkRequires(info *sdksrc.ModuleInfo) []*modfile.Require {
	reqs := []*modfile.Require{{Mod: module.Version{Path: "sandkit.dev/sandkit", Version: "v0.0.0"}}}
	for _, r := range info.Requires {
		reqs = append(reqs, &modfile.Require{Mod: r.Mod, Indirect: true})
	}
	return reqs
}

// appGoMod is the app's go.mod: the module NAME, requiring the guest SDK
// from its copy beside the app, and the modules the SDK imports.
func appGoMod(name string, info *sdksrc.ModuleInfo) ([]byte, error) {
	f := new(modfile.File)
	if err := errors.Join(f.AddModuleStmt(name), f.AddGoStmt(info.Go)); err != nil {
		return nil, fmt.Errorf("go.mod for %s: %w", name, err)
	}
	f.SetRequireSeparateIndirect(sdkRequires(info))
	if err := f.AddReplace("sandkit.dev/sandkit", "", "./"+path.Clean(sdkDir), ""); err != nil {
		return nil, fmt.Errorf("go.mod for %s: %w", name, err)
	}
	f.Cleanup()
	return f.Format()
}

func writeNewFile(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// npmInstallNew installs the new app's npm packages, as locked by the
// template, without install scripts; npm's own output (its progress on a
// terminal) goes to the user.
func npmInstallNew(ctx context.Context, dir string, offline bool, stdout, stderr io.Writer) error {
	args := []string{"install", "--ignore-scripts", "--no-audit", "--no-fund"}
	if offline {
		args = append(args, "--offline")
	}
	fmt.Fprintf(stdout, "installing npm packages: npm %s (in %s)\n", strings.Join(args, " "), dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "npm", args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		hint := "check the network, or run sandkit new with --no-install and install later"
		if offline {
			hint = "the npm cache lacks a package: run without --offline once"
		}
		return fmt.Errorf("npm install in %s: %w\nhint: %s (the app itself is written)", dir, err, hint)
	}
	fmt.Fprintf(stdout, "npm packages installed in %s\n", time.Since(start).Round(100*time.Millisecond))
	return nil
}
