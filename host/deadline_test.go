package host

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestDeadlineCtx(t *testing.T) {
	t.Run("Err without Done", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(20*time.Millisecond))
		defer release()
		if c.Err() != nil {
			t.Fatal("done early")
		}
		time.Sleep(25 * time.Millisecond)
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Fatalf("Err = %v after the deadline", c.Err())
		}
		select {
		case <-c.Done():
		default:
			t.Fatal("Done not closed once Err reported the deadline")
		}
	})
	t.Run("Done fires at the deadline", func(t *testing.T) {
		start := time.Now()
		c, release := withDeadline(context.Background(), start.Add(20*time.Millisecond))
		defer release()
		select {
		case <-c.Done():
		case <-time.After(2 * time.Second):
			t.Fatal("Done never closed")
		}
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Fatalf("Done after %v, before the deadline", d)
		}
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Fatalf("Err = %v", c.Err())
		}
	})
	t.Run("parent cancelled", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		c, release := withDeadline(parent, time.Now().Add(time.Hour))
		defer release()
		done := c.Done()
		cancel()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatal("Done not closed when the parent was cancelled")
		}
		if !errors.Is(c.Err(), context.Canceled) {
			t.Fatalf("Err = %v", c.Err())
		}
	})
	t.Run("parent deadline earlier", func(t *testing.T) {
		parent, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		c, release := withDeadline(parent, time.Now().Add(time.Hour))
		defer release()
		if d, _ := c.Deadline(); time.Until(d) > time.Second {
			t.Fatalf("Deadline %v ignores the parent's", d)
		}
		<-c.Done()
		if c.Err() == nil {
			t.Fatal("nil Err after Done")
		}
	})
	t.Run("release ends it", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		done := c.Done()
		release()
		<-done
		if !errors.Is(c.Err(), context.Canceled) {
			t.Fatalf("Err = %v after release", c.Err())
		}
	})
	t.Run("values and derived contexts", func(t *testing.T) {
		type key struct{}
		c, release := withDeadline(context.WithValue(context.Background(), key{}, 7), time.Now().Add(15*time.Millisecond))
		defer release()
		if c.Value(key{}) != 7 {
			t.Fatal("parent's value lost")
		}
		child, cancel := context.WithCancel(c)
		defer cancel()
		select {
		case <-child.Done():
		case <-time.After(2 * time.Second):
			t.Fatal("a derived context missed the deadline")
		}
	})
	t.Run("concurrent", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(5*time.Millisecond))
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					<-c.Done()
				}
				for c.Err() == nil {
					time.Sleep(time.Millisecond)
				}
			}()
		}
		wg.Wait()
		release()
	})
}
