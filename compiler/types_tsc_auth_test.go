package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// examples/auth's pages and layout type-check against the types generated
// from its handlers: the layout's LayoutData (func Layout in routes/) and
// the pages' Data, whose Go types live in another package (users); and
// tsc rejects the layout reading a field the Go type does not have.
func TestGeneratedTypesCheckAuthExample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tsc; runs without -short")
	}
	src := filepath.Join(repoRoot(t), "examples", "auth")
	app := filepath.Join(t.TempDir(), "auth")
	for _, dir := range []string{"routes", "users"} {
		if err := os.CopyFS(filepath.Join(app, dir), os.DirFS(filepath.Join(src, dir))); err != nil {
			t.Fatal(err)
		}
	}
	gomod, _ := os.ReadFile(filepath.Join(src, "go.mod"))
	writeFile(t, app, "go.mod", string(gomod))
	if _, err := GenerateTypes(app); err != nil {
		t.Fatal(err)
	}
	lt, err := os.ReadFile(filepath.Join(app, TypesDir, "+types.ts"))
	if err != nil || !strings.Contains(string(lt), "LayoutData") {
		t.Fatalf("routes/+types.ts has no LayoutData (%v):\n%s", err, lt)
	}
	include := []string{filepath.Join(app, "routes", "**", "*.tsx"), filepath.Join(app, TypesDir, "**", "*.ts")}
	rootDirs := []string{filepath.Join(app, "routes"), filepath.Join(app, TypesDir)}
	if out, err := runTSC(t, include, rootDirs); err != nil {
		t.Fatalf("tsc on examples/auth: %v\n%s", err, out)
	}

	// The layout's data is typed: a field LayoutData's User lacks is an error.
	layout := filepath.Join(app, "routes", "layout.tsx")
	b, _ := os.ReadFile(layout)
	bad := strings.Replace(string(b), "{user.email}</span>", "{user.emial}</span>", 1)
	if bad == string(b) {
		t.Fatal("examples/auth/routes/layout.tsx no longer shows {user.email}</span>")
	}
	os.WriteFile(layout, []byte(bad), 0o644)
	out, err := runTSC(t, include, rootDirs)
	if err == nil || !strings.Contains(string(out), "layout.tsx") || !strings.Contains(string(out), "'emial' does not exist on type") {
		t.Errorf("tsc accepted a layout reading a field the user lacks: %v\n%s", err, out)
	}
}
