package host

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSharedCompiledModule: two apps with the same module bytes get one
// compiled module, each instance still answering with its own app's state
// (here its settings), and an app opened after both closed reuses the
// module kept unused instead of compiling it again.
func TestSharedCompiledModule(t *testing.T) {
	ctx := context.Background()
	e := quietEngine(t)
	open := func(greeting string) *App { return envApp(t, e, "[env]\nGREETING = \""+greeting+"\"\n") }
	get := func(a *App) string { return getEnv(a, "GREETING") }
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

// quietEngine is a new Engine of its own, closed after the test.
func quietEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := NewEngine(WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(context.Background()) })
	return e
}

// envApp opens an app serving testdata/guests/env.wasm at /env with the
// given sandkit.toml.
func envApp(t *testing.T, e *Engine, config string) *App {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("testdata", "guests", "env.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "routes", "env"), 0o755)
	os.WriteFile(filepath.Join(dir, "routes", "env", "handler.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(config), 0o644)
	a, err := OpenApp(context.Background(), e, dir)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// getEnv is the app's answer to GET /env?k=key.
func getEnv(a *App, key string) string {
	w := httptest.NewRecorder()
	a.ServeHTTP(w, httptest.NewRequest("GET", "/env?k="+key, nil))
	return w.Body.String()
}

// TestUnusedModulesBounded: of the compiled modules no app uses any more,
// the Engine keeps only the keepUnused released last.
func TestUnusedModulesBounded(t *testing.T) {
	ctx := context.Background()
	e := quietEngine(t)
	fixtures := []string{"ok.wasm", "env.wasm", "body.wasm", "headers.wasm", "log.wasm", "huge.wasm"}
	if len(fixtures) <= keepUnused {
		t.Fatalf("want more than %d fixtures", keepUnused)
	}
	var apps []*App
	for _, fx := range fixtures {
		wasm, err := os.ReadFile(filepath.Join("testdata", "guests", fx))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "routes", "r"), 0o755)
		os.WriteFile(filepath.Join(dir, "routes", "r", "handler.wasm"), wasm, 0o644)
		a, err := OpenApp(ctx, e, dir)
		if err != nil {
			t.Fatalf("%s: %v", fx, err)
		}
		apps = append(apps, a)
	}
	kept := func() map[string]bool {
		e.sharedMu.Lock()
		defer e.sharedMu.Unlock()
		names := map[string]bool{}
		for _, s := range e.runtimes {
			for k := range s.modules {
				for _, a := range apps {
					if m := a.current.Load().modules["routes/r/handler.wasm"]; m.shared.key == k {
						names[m.version] = true
					}
				}
			}
		}
		return names
	}
	if n := len(kept()); n != len(fixtures) {
		t.Fatalf("%d modules while every app is open, want %d", n, len(fixtures))
	}
	for _, a := range apps {
		a.Close(ctx)
	}
	got := kept()
	if len(got) != keepUnused {
		t.Errorf("%d modules kept after every app closed, want %d", len(got), keepUnused)
	}
	for _, a := range apps[len(apps)-keepUnused:] {
		if v := a.current.Load().modules["routes/r/handler.wasm"].version; !got[v] {
			t.Errorf("module %s, released among the last %d, was not kept", v, keepUnused)
		}
	}
}

// TestModuleBytesReadOnlyToCompile: a module the Engine holds is found by
// the hash of its bytes alone, without reading them (an evicted artifact
// app wakes without reading and hashing its megabytes again: the
// artifact's manifest has the hash), and bytes read to compile must hash
// to what was asked for.
func TestModuleBytesReadOnlyToCompile(t *testing.T) {
	ctx := context.Background()
	e := quietEngine(t)
	wasm, err := os.ReadFile(filepath.Join("testdata", "guests", "env.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	reads := 0
	load := func() ([]byte, error) { reads++; return wasm, nil }
	first, err := e.module(ctx, 256, sum, load)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.module(ctx, 256, sum, load)
	if err != nil {
		t.Fatal(err)
	}
	if reads != 1 || again != first {
		t.Errorf("bytes read %d times, same module %v; want read once, shared", reads, again == first)
	}
	e.release(first)
	e.release(again)

	wrong := sum
	wrong[0] ^= 0xff
	if _, err := e.module(ctx, 256, wrong, load); err == nil || !strings.Contains(err.Error(), "changed since they were checked") {
		t.Errorf("bytes that do not hash to the sum asked for: err = %v", err)
	}
	if _, err := e.module(ctx, 256, wrong, func() ([]byte, error) { return nil, os.ErrNotExist }); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed read was kept or not reported: err = %v", err)
	}
}
