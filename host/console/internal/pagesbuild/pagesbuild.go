// Package pagesbuild builds the console's pages (host/console/app) with
// sandkit's compiler and copies what the host serves — manifest.json,
// server.js and the client files the manifest lists — into a folder: the
// one checked in (host/console/build, by go generate) or a test's.
package pagesbuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"sandkit.dev/sandkit/compiler"
)

// PublicPath is where the console's client files are served.
const PublicPath = "/_sandkit/console/"

// Regenerate is the command that rebuilds the checked-in pages.
const Regenerate = "(cd host/console/app && npm ci --ignore-scripts --no-audit --no-fund) && go generate ./host/console"

// Build builds the pages of appDir and writes them into out, replacing
// what it held.
func Build(ctx context.Context, appDir, out string) error {
	if _, err := os.Stat(filepath.Join(appDir, "node_modules", "react")); err != nil {
		return fmt.Errorf("console pages: %s has no node_modules/react: run %s", appDir, Regenerate)
	}
	res, err := compiler.BuildPages(ctx, appDir, compiler.PagesOptions{PublicPath: PublicPath})
	if err != nil {
		return fmt.Errorf("console pages: %w", err)
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	files := []string{compiler.PagesManifestFile, compiler.PagesServerFile}
	for _, f := range res.Manifest.Files {
		files = append(files, filepath.ToSlash(filepath.Join(compiler.PagesClientDir, f)))
	}
	if err := writeLicenses(appDir, out); err != nil {
		return fmt.Errorf("console pages: %w", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(f)))
		if err != nil {
			return fmt.Errorf("console pages: %w", err)
		}
		p := filepath.Join(out, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// LicensesFile is where Build writes the licenses of the npm packages the
// bundles hold (React, React Router and theirs), beside the bundles.
const LicensesFile = "THIRD_PARTY_LICENSES.txt"

// writeLicenses writes out/LicensesFile: each package appDir's lock file
// installs, with its version and the text of its license file.
func writeLicenses(appDir, out string) error {
	b, err := os.ReadFile(filepath.Join(appDir, "package-lock.json"))
	if err != nil {
		return err
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
			License string `json:"license"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		return fmt.Errorf("package-lock.json: %w", err)
	}
	var names []string
	for p := range lock.Packages {
		if strings.HasPrefix(p, "node_modules/") {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	var text strings.Builder
	text.WriteString("The console's bundles (server.js, client/) contain these npm packages.\n")
	for _, p := range names {
		dir := filepath.Join(appDir, filepath.FromSlash(p))
		matches, _ := filepath.Glob(filepath.Join(dir, "LICENSE*"))
		if len(matches) == 0 {
			return fmt.Errorf("%s: no LICENSE file", p)
		}
		lic, err := os.ReadFile(matches[0])
		if err != nil {
			return err
		}
		pkg := lock.Packages[p]
		fmt.Fprintf(&text, "\n== %s %s (%s) ==\n\n%s", strings.TrimPrefix(p, "node_modules/"), pkg.Version, pkg.License, lic)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, LicensesFile), []byte(text.String()), 0o644)
}

// Hashes are the SHA-256 of every file under dir, by slash path.
func Hashes(dir string) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Name() == compiler.PagesManifestFile {
			// The build's cache key hashes the compiler binary and npm's
			// own lock file too: not what is served.
			b = keyRE.ReplaceAll(b, nil)
		}
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	return out, err
}

// keyRE is the manifest's cache key.
var keyRE = regexp.MustCompile(`,?\s*"key":\s*"[0-9a-f]*"`)

// Diff lists the files whose hashes differ between a and b, sorted.
func Diff(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
