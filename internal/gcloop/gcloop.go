// Package gcloop runs the garbage collector in a loop beside a test. Tests
// of guests stopped at their deadlines use it: a collection must stop
// every goroutine at a safepoint, so a guest that never reached one would
// stall the loop, and the test would see no cycle complete.
package gcloop

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Loop is a running loop of collections.
type Loop struct {
	stop, done, first chan struct{}
	cycles            atomic.Int64
}

// Start runs runtime.GC in a loop, with pause between cycles (0: none),
// until Stop.
func Start(pause time.Duration) *Loop {
	l := &Loop{stop: make(chan struct{}), done: make(chan struct{}), first: make(chan struct{})}
	go func() {
		defer close(l.done)
		for {
			select {
			case <-l.stop:
				return
			default:
			}
			runtime.GC()
			if l.cycles.Add(1) == 1 {
				close(l.first)
			}
			if pause > 0 {
				time.Sleep(pause) // pacing the loop, not waiting for anything
			}
		}
	}()
	return l
}

// Cycles is the number of collections completed so far.
func (l *Loop) Cycles() int64 { return l.cycles.Load() }

// First is closed when the first collection has completed.
func (l *Loop) First() <-chan struct{} { return l.first }

// Stop ends the loop and waits for its last collection.
func (l *Loop) Stop() {
	close(l.stop)
	<-l.done
}
