package host

import (
	"context"
	"testing"
)

// TestTrim: an app gives back every idle instance (even those
// idle_per_route would keep) and goes on serving from new ones.
func TestTrim(t *testing.T) {
	ctx := context.Background()
	a := envApp(t, quietEngine(t), "[env]\nGREETING = \"hi\"\n[limits]\nidle_per_route = 4\n")
	defer a.Close(ctx)
	get := func() string { return getEnv(a, "GREETING") }
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
