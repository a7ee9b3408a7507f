// Tests that contexts derived from the request's deadline context follow it
// through its AfterFunc method, without a goroutine each.

package host

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// TestDeadlineCtxDerivedWithoutGoroutines: a hundred statements' timeouts
// derived from one request context start no goroutine, and all end when the
// request is released.
func TestDeadlineCtxDerivedWithoutGoroutines(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	dctx, release := withDeadline(parent, time.Now().Add(time.Hour))
	dctx.call = &call{}
	before := runtime.NumGoroutine()
	var children []context.Context
	for range 100 {
		child, cancel := context.WithTimeout(dctx, time.Hour)
		defer cancel()
		children = append(children, child)
	}
	if grown := runtime.NumGoroutine() - before; grown >= 50 {
		t.Errorf("%d goroutines for 100 derived contexts", grown)
	}
	if callFrom(children[0]) != dctx.call {
		t.Error("a derived context lost the call state")
	}
	release()
	for i, child := range children {
		select {
		case <-child.Done():
		default:
			t.Fatalf("child %d not done after the request's release", i)
		}
		if !errors.Is(child.Err(), context.Canceled) {
			t.Fatalf("child %d: Err = %v", i, child.Err())
		}
	}
}

func TestDeadlineCtxAfterFunc(t *testing.T) {
	t.Run("stop before the end", func(t *testing.T) {
		dctx, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		ran := false
		stop := dctx.AfterFunc(func() { ran = true })
		if !stop() {
			t.Error("stop = false before the context ended")
		}
		if stop() {
			t.Error("second stop = true")
		}
		release()
		if ran {
			t.Error("a stopped callback ran")
		}
	})
	t.Run("runs at release, once", func(t *testing.T) {
		dctx, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		n := 0
		stop := dctx.AfterFunc(func() { n++ })
		release()
		release()
		if n != 1 {
			t.Errorf("callback ran %d times", n)
		}
		if stop() {
			t.Error("stop = true after the callback ran")
		}
	})
	t.Run("runs at the deadline", func(t *testing.T) {
		dctx, release := withDeadline(context.Background(), time.Now().Add(time.Millisecond))
		defer release()
		fired := make(chan error, 1)
		dctx.AfterFunc(func() { fired <- dctx.Err() })
		if err := <-fired; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Err in the callback = %v", err)
		}
	})
	t.Run("runs when the parent is cancelled", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		dctx, release := withDeadline(parent, time.Now().Add(time.Hour))
		defer release()
		fired := make(chan error, 1)
		context.AfterFunc(dctx, func() { fired <- dctx.Err() })
		cancel()
		if err := <-fired; !errors.Is(err, context.Canceled) {
			t.Errorf("Err in the callback = %v", err)
		}
	})
	t.Run("already ended", func(t *testing.T) {
		dctx, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		release()
		fired := make(chan struct{})
		if dctx.AfterFunc(func() { close(fired) })() {
			t.Error("stop = true on an ended context")
		}
		<-fired
	})
}
