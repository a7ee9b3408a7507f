package main

import (
	"os"
	"path/filepath"
	"testing"
)

// A stack frame in the bundle maps to the app's file; frames elsewhere and
// positions outside the map are left as they are.
func TestMapStack(t *testing.T) {
	app := t.TempDir()
	pages := filepath.Join(app, ".sandkit", "build", "pages")
	os.MkdirAll(pages, 0o755)
	// Line 1: column 0 -> page.tsx 1:1; line 2: column 4 -> page.tsx 4:10.
	sm := `{"version":3,"sources":["../../../../routes/page.tsx","sandkit:client/server.ts"],"mappings":"AAAA;IAGS"}`
	os.WriteFile(filepath.Join(pages, "server.js.map"), []byte(sm), 0o644)
	m := &stackMapper{appDir: app}
	in := "TypeError: x\nat Boom (blog:2:7)\n    at render (sandkit:render:8:22)\n    at far (blog:9:1)"
	want := "TypeError: x\nat Boom (routes/page.tsx:4:10)\n    at render (sandkit:render:8:22)\n    at far (blog:9:1)"
	if got := m.mapStack(in, "blog"); got != want {
		t.Errorf("mapStack:\n%s\nwant\n%s", got, want)
	}
	if got := (&stackMapper{appDir: t.TempDir()}).mapStack(in, "blog"); got != in {
		t.Errorf("without a map the stack changed: %s", got)
	}
}
