package fuel

import (
	"context"
	"errors"
	"testing"
	"time"
)

// stopAfter is a Preempter that lets a call through n times, then stops it.
type stopAfter struct {
	n, calls int
}

var errStop = errors.New("stopped by the preempter")

func (p *stopAfter) Preempt(ctx context.Context) error {
	p.calls++
	if p.calls >= p.n {
		return errStop
	}
	return nil
}

// TestYieldPreempts: yield offers the CPU to the context's Preempter at
// every yield, and an error from it stops the call as a deadline does.
func TestYieldPreempts(t *testing.T) {
	wasm, err := Instrument(spinModule())
	if err != nil {
		t.Fatal(err)
	}
	m := instantiate(t, testRuntime(t), wasm)
	p := &stopAfter{n: 5}
	// The timeout only ends the test if yield ignores the Preempter.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ctx = context.WithValue(ctx, PreemptKey{}, p)
	_, err = m.ExportedFunction("spin").Call(ctx)
	if !errors.Is(err, ErrDeadline) || !errors.Is(err, errStop) {
		t.Fatalf("spin under a Preempter that stops it: %v; want ErrDeadline and its error", err)
	}
	if p.calls != 5 {
		t.Fatalf("Preempt called %d times, want 5 (once per yield until it stopped the call)", p.calls)
	}
}
