package host

import (
	"context"
	"errors"
	"testing"
	"time"

	"sandkit.dev/sandkit/host/internal/sched"
)

// TestHashGate: a hash waits for the host-wide gate and then for a CPU slot
// of its tenant, gives up either wait when the request's context ends, and
// runs holding a slot (its CPU time is the tenant's).
func TestHashGate(t *testing.T) {
	s := NewScheduler(1)
	c := newCall()
	defer c.release()
	c.run = sched.NewTicket(s.group("tenant"))

	// The hash runs within a slot of the tenant's share.
	g := newHashGate(2)
	var held bool
	if err := g.run(context.Background(), c, 1, func() { held = c.run.Held() }); err != nil || !held {
		t.Fatalf("run: %v, slot held during the hash: %v", err, held)
	}
	c.run.Release()

	// All of the gate taken (a 4-lane hash takes it all): the next hash
	// waits until its request's deadline, and does not run.
	if err := g.sem.Acquire(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	ran := false
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := g.run(ctx, c, 4, func() { ran = true }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("run past its deadline at a full gate: %v, ran %v", err, ran)
	}
	g.sem.Release(2)

	// The one CPU slot held by another tenant's call: the hash waits for it,
	// and gives up at its deadline with the gate released.
	other := sched.NewTicket(s.group("other"))
	if err := other.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if err := g.run(ctx2, c, 1, func() { ran = true }); !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Fatalf("run past its deadline without a CPU slot: %v, ran %v", err, ran)
	}
	if !g.sem.TryAcquire(2) {
		t.Fatal("the gate was not released after a failed wait")
	}
	g.sem.Release(2)
	other.Release()
	if err := g.run(context.Background(), c, 1, func() { ran = true }); err != nil || !ran {
		t.Fatalf("run once the slot is free: %v, ran %v", err, ran)
	}
}
