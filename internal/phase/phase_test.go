package phase

import (
	"context"
	"testing"
)

// TestCarry: work done under another context (a load the host owns) is
// recorded for the operation that asked for it, and a context without a
// Recorder carries none.
func TestCarry(t *testing.T) {
	var rec Recorder
	req := With(context.Background(), &rec)
	owner, cancel := context.WithCancel(context.Background())
	defer cancel()
	ctx := Carry(req, owner)
	Start(ctx, "load")()
	if s := rec.Spans(); len(s) != 1 || s[0].Name != "load" || s[0].Took < 0 {
		t.Errorf("spans %+v, want one load", s)
	}
	cancel()
	if ctx.Err() == nil {
		t.Errorf("the carried context does not end with its owner")
	}
	if got := Carry(context.Background(), owner); got != owner {
		t.Errorf("Carry from a context without a Recorder changed the context")
	}
}
