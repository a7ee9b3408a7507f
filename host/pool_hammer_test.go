// Hammer test of the instance budget shared by an app's pools: releases
// that land together wake every waiter they free a slot for.

package host

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestBudgetNoLostWakeups fills a budget, starts waiters on it and frees as
// many slots at once, round after round, so that releases land while
// waiters are between finding the budget full and going to sleep. Every
// waiter must get a slot: a lost wake-up leaves one asleep until its
// context ends (10 s here, so the round fails rather than passing late).
func TestBudgetNoLostWakeups(t *testing.T) {
	const size, rounds = 8, 3000
	b := newBudget(size)
	for round := range rounds {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for range size {
			if err := b.acquire(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		var waiting, got sync.WaitGroup
		errs := make(chan error, size)
		for range size {
			waiting.Add(1)
			got.Add(1)
			go func() {
				defer got.Done()
				waiting.Done()
				errs <- b.acquire(ctx, nil)
			}()
		}
		waiting.Wait()
		start := make(chan struct{})
		var released sync.WaitGroup
		for range size {
			released.Add(1)
			go func() {
				defer released.Done()
				<-start
				b.release()
			}()
		}
		close(start)
		released.Wait()
		got.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: a waiter never got the slot freed for it: %v", round, err)
			}
		}
		cancel()
		for range size {
			b.release()
		}
	}
}
