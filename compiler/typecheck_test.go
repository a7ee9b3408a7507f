package compiler

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The type checker runs sandkit's pinned TypeScript (installed offline from
// the npm cache, scripts off) read-only: it reports a type error with the
// file, line and column, passes once the error is fixed, and cannot write
// into the app.
func TestTypeChecker(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tsc; runs without -short")
	}
	t.Setenv("npm_config_offline", "true")
	app := t.TempDir()
	writeFile(t, app, "tsconfig.json", `{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "lib": ["es2020"], "types": []}, "include": ["routes"]}`)
	writeFile(t, app, "routes/lib.ts", "export const n: number = 1;\n")
	writeFile(t, app, "routes/page.ts", "import { n } from \"./lib\";\nexport const s: string = n;\n")
	if !HasTypeCheck(app) {
		t.Fatal("HasTypeCheck: false with a tsconfig.json")
	}
	if m := MissingTypes(app); !strings.Contains(m, "@types/react") {
		t.Errorf("MissingTypes without React's types: %q", m)
	}
	ctx := context.Background()
	c, err := NewTypeChecker(ctx, app, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Check(ctx)
	var te *TypeError
	if !errors.As(err, &te) || len(te.Diagnostics) != 1 {
		t.Fatalf("Check: %v, want one type error", err)
	}
	d := te.Diagnostics[0]
	if d.File != "routes/page.ts" || d.Line != 2 || d.Column != 14 || d.Code != 2322 {
		t.Errorf("diagnostic %+v, want routes/page.ts:2:14 TS2322", d)
	}
	if !strings.Contains(err.Error(), "routes/page.ts:2:14: TS2322: Type 'number' is not assignable to type 'string'.") {
		t.Errorf("message: %v", err)
	}
	// A second check in the same process sees the edit.
	writeFile(t, app, "routes/lib.ts", "export const n: string = \"one\";\n")
	if err := c.Check(ctx); err != nil {
		t.Errorf("after the fix: %v", err)
	}
}

// The checker's Node may read the app and TypeScript, and nothing else: a
// write is refused (the permission model is on).
func TestTypeCheckerNodeIsReadOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node; runs without -short")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal(err)
	}
	flag, err := nodePermissionFlag(node)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "require('fs').writeFileSync(" + "'" + filepath.Join(dir, "x") + "', 'x')"
	out, err := exec.Command(node, flag, "--allow-fs-read="+dir+"/", "-e", script).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ERR_ACCESS_DENIED") {
		t.Errorf("a write under %s: %v\n%s", flag, err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("the file was written")
	}
}
