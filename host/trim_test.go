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

// TestTrim: an app gives back every idle instance (even those
// idle_per_route would keep) and goes on serving from new ones.
func TestTrim(t *testing.T) {
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
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "routes", "env"), 0o755)
	os.WriteFile(filepath.Join(dir, "routes", "env", "handler.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("[env]\nGREETING = \"hi\"\n[limits]\nidle_per_route = 4\n"), 0o644)
	a, err := OpenApp(ctx, e, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	get := func() string {
		w := httptest.NewRecorder()
		a.ServeHTTP(w, httptest.NewRequest("GET", "/env?k=GREETING", nil))
		return w.Body.String()
	}
	idle := func() int {
		p := a.current.Load().modules["routes/env/handler.wasm"].pool
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.idle)
	}
	if got := get(); got != "hi" {
		t.Fatalf("before the trim: %q", got)
	}
	if idle() == 0 {
		t.Fatal("no warm instance before the trim")
	}
	if n := a.Trim(ctx); n == 0 || idle() != 0 {
		t.Errorf("Trim closed %d instances, %d still idle", n, idle())
	}
	if got := get(); got != "hi" {
		t.Errorf("after the trim: %q", got)
	}
	if idle() != 1 {
		t.Errorf("%d idle after one request, want 1", idle())
	}
}
