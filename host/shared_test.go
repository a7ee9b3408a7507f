package host

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestSharedCompiledModule: two apps with the same module bytes get one
// compiled module, each instance still answering with its own app's state
// (here its settings), and an app opened after both closed reuses the
// module kept unused instead of compiling it again.
func TestSharedCompiledModule(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close(ctx)
	wasm, err := os.ReadFile(filepath.Join("testdata", "guests", "env.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	open := func(greeting string) *App {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "routes", "env"), 0o755)
		os.WriteFile(filepath.Join(dir, "routes", "env", "handler.wasm"), wasm, 0o644)
		os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("[env]\nGREETING = \""+greeting+"\"\n"), 0o644)
		a, err := OpenApp(ctx, e, dir)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	get := func(a *App) string {
		w := httptest.NewRecorder()
		a.ServeHTTP(w, httptest.NewRequest("GET", "/env?k=GREETING", nil))
		return w.Body.String()
	}
	modules := func() []*sharedModule {
		e.sharedMu.Lock()
		defer e.sharedMu.Unlock()
		var all []*sharedModule
		for _, s := range e.runtimes {
			for _, sm := range s.modules {
				all = append(all, sm)
			}
		}
		return all
	}

	a, b := open("from a"), open("from b")
	if got := get(a); got != "from a" {
		t.Errorf("app a answered %q", got)
	}
	if got := get(b); got != "from b" {
		t.Errorf("app b answered %q", got)
	}
	ms := modules()
	if len(ms) != 1 || ms[0].users != 2 {
		t.Fatalf("%d compiled modules (want 1, used by both apps)", len(ms))
	}
	kept := ms[0]
	a.Close(ctx)
	b.Close(ctx)
	if ms := modules(); len(ms) != 1 || ms[0] != kept || kept.users != 0 || kept.live != 0 {
		t.Fatalf("after closing both apps: %d modules, users %d, live instances %d; want the module kept, unused", len(ms), kept.users, kept.live)
	}
	c := open("from c")
	defer c.Close(ctx)
	if got := get(c); got != "from c" {
		t.Errorf("app c answered %q", got)
	}
	if ms := modules(); len(ms) != 1 || ms[0] != kept {
		t.Errorf("app c compiled its module again")
	}
}
