package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EConduitTypeChecked: sandkit build type-checks examples/conduit's
// pages (React's types are among its devDependencies, installed by the
// build's npm ci), they pass, and a type error in a page fails the build.
func TestE2EConduitTypeChecked(t *testing.T) {
	app := copyExample(t, "conduit")
	b, err := exec.Command(sandkitBin, "build", app, "-o", filepath.Join(t.TempDir(), "dist")).CombinedOutput()
	if err != nil || !strings.Contains(string(b), "pages type-checked") || strings.Contains(string(b), "not type-checked") {
		t.Fatalf("sandkit build: %v\n%s", err, b)
	}
	page := filepath.Join(app, "routes", "login", "page.tsx")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, append(src, "\nexport const wrong: number = \"not a number\";\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err = exec.Command(sandkitBin, "build", app, "-o", filepath.Join(t.TempDir(), "dist")).CombinedOutput()
	if err == nil || !strings.Contains(string(b), "routes/login/page.tsx") || !strings.Contains(string(b), "TS2322") {
		t.Fatalf("sandkit build with a type error: %v\n%s", err, b)
	}
}
