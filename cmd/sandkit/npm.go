// npm: install an app's packages from its lock file without running any of
// their code on the host (spec/config.md, "Nothing an app ships runs on the
// host"): install scripts are off, git dependencies are refused, and the
// packages that wanted scripts are named in a warning.

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// npmArgs is the npm command line that installs an app's packages. With
// --ignore-scripts npm runs no lifecycle script of any package, the app's
// own included; npm reads it after the app's .npmrc, so a project setting
// cannot turn scripts back on.
var npmArgs = []string{"ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"}

// npmInstall runs npm ci in dir when it has a package-lock.json and its
// node_modules is missing or older than the lock file, then warns about
// the packages whose install scripts were not run.
func npmInstall(ctx context.Context, dir string, log *slog.Logger) error {
	lockPath := filepath.Join(dir, "package-lock.json")
	lock, err := os.Stat(lockPath)
	if err != nil {
		if _, perr := os.Stat(filepath.Join(dir, "package.json")); perr == nil {
			return fmt.Errorf("%s has a package.json but no package-lock.json\nhint: run npm install in %s once and keep the lock file", dir, dir)
		}
		return fmt.Errorf("%s has pages but no package.json\nhint: an app with pages lists react, react-dom and react-router in package.json", dir)
	}
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return nil
	}
	pkgs, err := readLock(lockPath)
	if err != nil {
		return err
	}
	if git := gitDeps(pkgs); len(git) > 0 {
		return fmt.Errorf("%s: git dependencies are not installed: %s\n"+
			"npm prepares a git dependency by running its scripts on this machine, and nothing an app ships runs outside the sandbox\n"+
			"hint: depend on a published version, or copy the package into the app and depend on it as file:PATH",
			lockPath, strings.Join(git, ", "))
	}
	log.Info("installing npm packages (npm ci --ignore-scripts)", "app", dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, "npm", npmArgs...)
	cmd.Dir = dir
	done := progress(log, "installing npm packages", "")
	out, err := cmd.CombinedOutput()
	done()
	if err != nil {
		return fmt.Errorf("npm ci in %s: %v\n%s\nhint: %s", dir, err, out, npmHint(dir, err, string(out)))
	}
	log.Info("npm packages installed", "took", time.Since(start).Round(time.Millisecond))
	if skipped := scriptedPackages(dir, pkgs); len(skipped) > 0 {
		log.Warn("install scripts not run: nothing an app ships runs outside the sandbox; "+
			"if a package needs what its script builds (a native addon, a download), bundling or rendering reports what is missing",
			"app", dir, "packages", strings.Join(skipped, "; "))
	}
	return nil
}

// lockPackage is what sandkit reads of one entry of a lock file's
// "packages" map (lockfileVersion 2 and 3).
type lockPackage struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Resolved string `json:"resolved"`
	Link     bool   `json:"link"`
}

// readLock reads the "packages" map of a package-lock.json, keyed by
// folder relative to the app ("" is the app itself).
func readLock(path string) (map[string]lockPackage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lock struct {
		LockfileVersion int                    `json:"lockfileVersion"`
		Packages        map[string]lockPackage `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if lock.Packages == nil {
		return nil, fmt.Errorf("%s: lockfileVersion %d has no \"packages\"\nhint: run npm install with npm 7 or later to upgrade the lock file", path, lock.LockfileVersion)
	}
	return lock.Packages, nil
}

// gitDeps lists the packages the lock file fetches from git.
func gitDeps(pkgs map[string]lockPackage) []string {
	var git []string
	for key, p := range pkgs {
		r := p.Resolved
		if strings.HasPrefix(r, "git+") || strings.HasPrefix(r, "git:") || strings.HasPrefix(r, "github:") {
			git = append(git, pkgName(key, p)+" ("+r+")")
		}
	}
	slices.Sort(git)
	return git
}

// scriptedPackages names each installed package, and the app itself, that
// has scripts npm would have run at install, with the scripts, sorted.
func scriptedPackages(dir string, pkgs map[string]lockPackage) []string {
	var out []string
	for key, p := range pkgs {
		if p.Link {
			continue // its target is an entry of its own
		}
		scripts := installScripts(filepath.Join(dir, filepath.FromSlash(key)), !strings.Contains("/"+key, "/node_modules/"))
		if len(scripts) == 0 {
			continue
		}
		name := pkgName(key, p)
		if key == "" {
			name = "the app's own package.json"
		}
		out = append(out, name+" ("+strings.Join(scripts, ", ")+")")
	}
	slices.Sort(out)
	return out
}

// installScripts lists the scripts npm runs when it installs the package
// in pkgDir: preinstall, install (or node-gyp rebuild, implied by a
// binding.gyp) and postinstall; and prepare for the app and for packages
// linked from a folder, which npm prepares too.
func installScripts(pkgDir string, prepared bool) []string {
	b, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return nil
	}
	var pj struct {
		Scripts map[string]string `json:"scripts"`
	}
	if json.Unmarshal(b, &pj) != nil {
		return nil
	}
	names := []string{"preinstall", "install", "postinstall"}
	if prepared {
		names = append(names, "preprepare", "prepare", "postprepare")
	}
	var found []string
	for _, n := range names {
		if pj.Scripts[n] != "" {
			found = append(found, n)
		}
	}
	if pj.Scripts["install"] == "" && pj.Scripts["preinstall"] == "" {
		if _, err := os.Stat(filepath.Join(pkgDir, "binding.gyp")); err == nil {
			found = append(found, "install: node-gyp rebuild, from binding.gyp")
		}
	}
	return found
}

// pkgName is a lock entry's package name: its own, or the folder name
// after the last node_modules/.
func pkgName(key string, p lockPackage) string {
	if p.Name != "" {
		return p.Name
	}
	if i := strings.LastIndex(key, "node_modules/"); i >= 0 {
		return key[i+len("node_modules/"):]
	}
	return filepath.Base(key)
}
