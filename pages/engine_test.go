package pages

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"
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
