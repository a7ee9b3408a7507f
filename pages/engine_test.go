package pages

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
)

// TestCacheDir: a second engine over the same cache directory compiles
// from the cache and renders the same.
func TestCacheDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var took [2]time.Duration
	for i := range took {
		start := time.Now()
		e, err := NewEngine(ctx, WithCacheDir(dir))
		if err != nil {
			t.Fatal(err)
		}
		took[i] = time.Since(start)
		r, err := e.Load(ctx, "c.js", []byte(counterBundle))
		if err != nil {
			t.Fatal(err)
		}
		if out, err := r.Render(ctx, []byte(`{"echo":1}`)); err != nil || string(out) != "evals=1 renders=1 mark= echo=1" {
			t.Errorf("render: %q %v", out, err)
		}
		r.Close(ctx)
		e.Close(ctx)
	}
	t.Logf("NewEngine: %v cold, %v from the cache", took[0], took[1])
}

func TestInputEncoding(t *testing.T) {
	b, err := json.Marshal(Input{Route: "r", URL: "/u"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"route":"r","url":"/u","params":{},"data":null}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	b, _ = json.Marshal(Input{Route: "r", URL: "/u", Params: map[string]string{"a": "b"}, Data: json.RawMessage(`[1]`)})
	if got, want := string(b), `{"route":"r","url":"/u","params":{"a":"b"},"data":[1]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestEngineCloseClosesRenderers: renderers still open when their engine
// closes refuse renders instead of touching a closed runtime.
func TestEngineCloseClosesRenderers(t *testing.T) {
	ctx := context.Background()
	e, err := NewEngine(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Load(ctx, "c.js", []byte(counterBundle))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(ctx, []byte(`{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("render after engine close: %v", err)
	}
	if err := r.Close(ctx); err != nil {
		t.Errorf("second close: %v", err)
	}
}

// TestRewriteAndSetupOptions: the seam a host uses to add its fuel
// counter: the rewrite sees the module after the memory rewrite, the
// setup sees the runtime before compilation, and their errors surface.
func TestRewriteAndSetupOptions(t *testing.T) {
	ctx := context.Background()
	var sawMemoryImport, setupCalled bool
	rewrite := func(wasm []byte) ([]byte, error) {
		_, _, err := rewriteModule(wasm, "a", "a") // fails: no memory import left
		sawMemoryImport = err == nil
		return wasm, nil
	}
	setup := func(ctx context.Context, r wazero.Runtime) error {
		setupCalled = true
		_, err := r.NewHostModuleBuilder("sandkit_test").Instantiate(ctx)
		return err
	}
	e, err := NewEngine(ctx, WithModuleRewrite(rewrite), WithRuntimeSetup(setup))
	if err != nil {
		t.Fatal(err)
	}
	e.Close(ctx)
	if sawMemoryImport || !setupCalled {
		t.Errorf("rewrite saw the memory import: %v; setup called: %v", sawMemoryImport, setupCalled)
	}
	_, err = NewEngine(ctx, WithModuleRewrite(func([]byte) ([]byte, error) { return nil, errors.New("nope") }))
	if err == nil || !strings.Contains(err.Error(), "WithModuleRewrite: nope") {
		t.Errorf("rewrite error: %v", err)
	}
	_, err = NewEngine(ctx, WithRuntimeSetup(func(context.Context, wazero.Runtime) error { return errors.New("nope") }))
	if err == nil || !strings.Contains(err.Error(), "WithRuntimeSetup: nope") {
		t.Errorf("setup error: %v", err)
	}
}
