// Package exampleapp copies one of the repository's example apps somewhere
// else, for tests and benchmarks that build and serve it without touching
// the checkout.
package exampleapp

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

const sdkModule = "sandkit.dev/sandkit"

// Copy copies root/examples/name to dst without its build output
// (.sandkit), database (data) or npm packages (node_modules), and points
// its go.mod's replace directive at root, the repository's folder.
func Copy(root, name, dst string) error {
	return CopyDir(root, filepath.Join(root, "examples", name), dst)
}

// CopyDir is Copy for the app folder src, anywhere (a test's testdata).
func CopyDir(root, src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			switch d.Name() {
			case ".sandkit", "data", "node_modules":
				return fs.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			if b, err = replaceSDK(p, b, root); err != nil {
				return err
			}
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
}

// replaceSDK points the go.mod's replace directive for sandkit at root.
func replaceSDK(name string, b []byte, root string) ([]byte, error) {
	f, err := modfile.Parse(name, b, nil)
	if err != nil {
		return nil, err
	}
	if err := f.AddReplace(sdkModule, "", root, ""); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return modfile.Format(f.Syntax), nil
}
