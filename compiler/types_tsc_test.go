package compiler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// examples/todo's pages import the types generated from their handlers'
// type Data: tsc accepts them, and rejects a page that reads a field the
// Go type does not have.
func TestGeneratedTypesCheckPages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tsc; runs without -short")
	}
	src := filepath.Join(repoRoot(t), "examples", "todo")
	app := filepath.Join(t.TempDir(), "todo")
	for _, dir := range []string{"routes", "store"} {
		if err := os.CopyFS(filepath.Join(app, dir), os.DirFS(filepath.Join(src, dir))); err != nil {
			t.Fatal(err)
		}
	}
	gomod, _ := os.ReadFile(filepath.Join(src, "go.mod"))
	writeFile(t, app, "go.mod", string(gomod))
	res, err := GenerateTypes(app)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Routes, " ") != "todos todos/id.param" {
		t.Errorf("typed routes %q", res.Routes)
	}
	include := []string{filepath.Join(app, "routes", "**", "*.tsx"), filepath.Join(app, TypesDir, "**", "*.ts")}
	rootDirs := []string{filepath.Join(app, "routes"), filepath.Join(app, TypesDir)}
	if out, err := runTSC(t, include, rootDirs); err != nil {
		t.Fatalf("tsc on examples/todo: %v\n%s", err, out)
	}

	page := filepath.Join(app, "routes", "todos", "id.param", "page.tsx")
	b, _ := os.ReadFile(page)
	bad := strings.Replace(string(b), "{todo.title}</h1>", "{todo.titel}</h1>", 1)
	if bad == string(b) {
		t.Fatal("examples/todo/routes/todos/id.param/page.tsx no longer shows {todo.title}</h1>")
	}
	os.WriteFile(page, []byte(bad), 0o644)
	out, err := runTSC(t, include, rootDirs)
	if err == nil || !strings.Contains(string(out), "page.tsx") || !strings.Contains(string(out), "'titel' does not exist on type") {
		t.Errorf("tsc accepted a page reading a field handler.go's Data lacks: %v\n%s", err, out)
	}
}
