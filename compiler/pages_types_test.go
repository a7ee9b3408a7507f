package compiler

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/internal/npmfixture"
)

// esbuild strips types without checking them: tsc checks the client
// runtime and the example app against React's and React Router's types.
func TestPagesClientTypes(t *testing.T) {
	example := pagesExample(t)
	root := repoRoot(t)
	out, err := runTSC(t, []string{
		filepath.Join(root, "pages", "client", "*.ts"),
		filepath.Join(example, "routes", "**", "*.ts"),
		filepath.Join(example, "routes", "**", "*.tsx"),
	}, nil)
	if err != nil {
		t.Errorf("tsc: %v\n%s", err, out)
	}
}

// runTSC type-checks include (with rootDirs, if any) against React's and
// React Router's types and sandkit/client, and returns tsc's output.
func runTSC(t *testing.T, include, rootDirs []string) ([]byte, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs tsc; runs without -short")
	}
	tscDir, _ := filepath.Abs(filepath.Join("testdata", "tsc"))
	if err := npmfixture.Install(tscDir); err != nil {
		t.Fatal(err)
	}
	example := pagesExample(t)
	root := repoRoot(t)
	types := filepath.Join(tscDir, "node_modules", "@types")
	pkgs := filepath.Join(example, "node_modules")
	opts := map[string]any{
		"strict": true, "noEmit": true, "skipLibCheck": true,
		"target": "es2020", "module": "esnext", "moduleResolution": "bundler",
		"jsx": "react-jsx", "lib": []string{"es2020", "dom", "dom.iterable"},
		"types": []string{}, "typeRoots": []string{types},
		"paths": map[string][]string{
			"sandkit/client":   {filepath.Join(root, "pages", "client", "index.ts")},
			"react":            {filepath.Join(types, "react")},
			"react/*":          {filepath.Join(types, "react", "*")},
			"react-dom/*":      {filepath.Join(types, "react-dom", "*")},
			"react-router":     {filepath.Join(pkgs, "react-router")},
			"react-router/dom": {filepath.Join(pkgs, "react-router", "dist", "development", "dom-export.d.mts")},
		},
	}
	if rootDirs != nil {
		opts["rootDirs"] = rootDirs
	}
	cfg := map[string]any{
		"compilerOptions": opts,
		"files":           []string{filepath.Join(tscDir, "globals.d.ts")},
		"include":         include,
	}
	b, _ := json.MarshalIndent(cfg, "", "  ")
	tsconfig := filepath.Join(t.TempDir(), "tsconfig.json")
	if err := os.WriteFile(tsconfig, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return exec.Command("node", filepath.Join(tscDir, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig).CombinedOutput()
}
