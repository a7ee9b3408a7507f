// Artifact: what "sandkit build -o DIR" writes from a built app (package
// artifact, spec/artifact.md), and how "sandkit serve DIR" tells an
// artifact from an app folder.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"sandkit.dev/sandkit/artifact"
	"sandkit.dev/sandkit/compiler"
	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/routing"
)

// writeArtifact writes the artifact of the app in dir, already built, to
// out and reports it on stdout.
func writeArtifact(dir, out string, stdout io.Writer) error {
	if err := checkOutside(dir, out); err != nil {
		return err
	}
	cfg, err := settings.LoadConfig(dir)
	if err != nil {
		return err
	}
	table, err := routing.Scan(os.DirFS(filepath.Join(dir, "routes")))
	if err != nil {
		return err
	}
	spec := artifact.Spec{App: cfg.Name, Routes: artifact.RouteFiles(table), Files: map[string]string{}, Contents: map[string][]byte{}}
	add := func(rel string) { spec.Files[rel] = filepath.Join(dir, filepath.FromSlash(rel)) }
	var goRoutes, pageRoutes int
	for _, rt := range table.Routes() {
		switch {
		case rt.HasWasm():
			add(path.Join("routes", rt.ID(), routing.WasmFile))
		case rt.HasGo():
			goRoutes++
		}
		if rt.Page() != "" {
			pageRoutes++
		}
	}
	if goRoutes > 0 {
		add(host.AppModulePath)
		add(host.AppManifestPath)
	}
	if pageRoutes > 0 {
		b, err := os.ReadFile(filepath.Join(dir, host.PagesManifest))
		if err != nil {
			return fmt.Errorf("app %q: %w\nhint: the pages were not built", cfg.Name, err)
		}
		var man compiler.PagesManifest
		if err := json.Unmarshal(b, &man); err != nil {
			return fmt.Errorf("app %q: %s: %w", cfg.Name, host.PagesManifest, err)
		}
		add(host.PagesManifest)
		add(host.PagesServer)
		for _, f := range man.Files {
			add(path.Join(host.PagesClient, f))
		}
	}
	for _, tree := range []string{appdb.MigrationsDir, "public"} {
		if err := addTree(dir, tree, add); err != nil {
			return fmt.Errorf("app %q: %w", cfg.Name, err)
		}
	}
	if err := addSettings(dir, cfg.Name, &spec); err != nil {
		return err
	}
	m, err := artifact.Write(out, spec)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(stdout, "sandkit: artifact %s: %d routes (%d Go, %d pages), %d files, %.1f MB\n  serve it with: sandkit serve %s\n",
		out, len(table.Routes()), goRoutes, pageRoutes, len(m.Files), float64(size)/1e6, out)
	return nil
}

// checkOutside refuses an output folder that is the app folder or inside
// what the artifact is made from.
func checkOutside(dir, out string) error {
	absDir, err1 := filepath.Abs(dir)
	absOut, err2 := filepath.Abs(out)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("-o %s: %w", out, errors.Join(err1, err2))
	}
	for _, sub := range []string{"", "routes", "public", appdb.MigrationsDir, ".sandkit"} {
		in := filepath.Join(absDir, sub)
		if rel, err := filepath.Rel(in, absOut); err == nil && (rel == "." || (sub != "" && !strings.HasPrefix(rel, ".."))) {
			return usageError{msg: fmt.Sprintf("-o %s: the artifact cannot be the app folder or go inside its %s/ folder; use a folder such as %s",
				out, strings.TrimSuffix(sub, "/"), filepath.Join(dir, "dist"))}
		}
	}
	return nil
}

// addTree adds the regular files under dir/tree (migrations/, public/),
// skipping dot files and folders, which are never served. Anything else
// (a symbolic link, a device) is refused: an artifact holds files only.
func addTree(dir, tree string, add func(rel string)) error {
	root := filepath.Join(dir, tree)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
		case d.Type().IsRegular():
			add(rel)
		default:
			return fmt.Errorf("%s: a %v, not a regular file\nhint: an artifact holds regular files only; replace the link by the file", rel, d.Type())
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil
	}
	return err
}

// addSettings adds sandkit.toml, naming the app in it (an artifact's
// folder name is not the app's), and the per-environment sandkit.*.toml
// files.
func addSettings(dir, name string, spec *artifact.Spec) error {
	b, err := os.ReadFile(filepath.Join(dir, "sandkit.toml"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var named struct {
		Name string `toml:"name"`
	}
	if err := toml.Unmarshal(b, &named); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "sandkit.toml"), err)
	}
	if named.Name == "" {
		b = append([]byte("name = "+strconv.Quote(name)+" # written by sandkit build: the artifact's folder is not the app's\n"), b...)
	}
	spec.Contents["sandkit.toml"] = b
	overlays, _ := filepath.Glob(filepath.Join(dir, "sandkit.*.toml"))
	for _, p := range overlays {
		spec.Files[filepath.Base(p)] = p
	}
	return nil
}

// serveDirArg is the folder serve serves: an artifact, checked (art is
// true), or an app folder.
func serveDirArg(pos []string) (dir string, art bool, err error) {
	if len(pos) == 1 && artifact.Is(pos[0]) {
		if _, err := artifact.Open(pos[0]); err != nil {
			return "", false, err
		}
		return pos[0], true, nil
	}
	dir, err = appDirArg(pos)
	return dir, false, err
}
