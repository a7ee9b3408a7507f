// Reclaim: returning to the OS the heap memory a request's large result
// took, once the request is over, instead of holding it while idle.

package host

import (
	"runtime/debug"
	"sync"
	"time"
)

// reclaimAbove is the buffer capacity from which dropping a call's buffer
// returns the heap's free memory to the OS. Below it the Go runtime's own
// pacing is fine; above it, building the buffer (by doubling, plus the
// values a driver read on the way) left several times its size free in the
// heap, which the runtime keeps until a later GC lowers its goal: with an
// idle host that is the forced GC, minutes later (measured: 139 MB held
// after a 32 MiB result, unchanged 10 s later).
const reclaimAbove = 4 << 20

// reclaimEvery is the least time between two returns. A return is a full
// GC of the whole host's heap (0.6–10 ms measured), so one tenant asking
// for large results in a loop must not be able to make the host collect
// after each of them.
const reclaimEvery = time.Second

var reclaim struct {
	once sync.Once
	kick chan struct{} // a large buffer was dropped since the last return

	mu   sync.Mutex
	done chan struct{} // closed after each return, then replaced
	runs int64         // returns so far
}

// reclaimMemory asks for the heap's free memory to be returned to the OS
// (a full GC, then the scavenger). The return runs off the request path,
// on one goroutine, at most once per reclaimEvery; asks that come while
// one is pending are folded into it.
func reclaimMemory() {
	reclaim.once.Do(func() {
		reclaim.kick = make(chan struct{}, 1)
		go reclaimLoop()
	})
	select {
	case reclaim.kick <- struct{}{}:
	default: // one is pending already
	}
}

func reclaimLoop() {
	for range reclaim.kick {
		debug.FreeOSMemory()
		reclaim.mu.Lock()
		reclaim.runs++
		if reclaim.done != nil {
			close(reclaim.done)
			reclaim.done = nil
		}
		reclaim.mu.Unlock()
		time.Sleep(reclaimEvery) // the rate limit, not a wait for an event
	}
}

// reclaimRuns is how many returns have finished; waitReclaim(n, d) waits
// up to d until more than n have and says whether they had. Tests use them
// to see a return that began after a request ended.
func reclaimRuns() int64 {
	reclaim.mu.Lock()
	defer reclaim.mu.Unlock()
	return reclaim.runs
}

func waitReclaim(n int64, d time.Duration) bool {
	timeout := time.After(d)
	for {
		reclaim.mu.Lock()
		if reclaim.runs > n {
			reclaim.mu.Unlock()
			return true
		}
		if reclaim.done == nil {
			reclaim.done = make(chan struct{})
		}
		done := reclaim.done
		reclaim.mu.Unlock()
		select {
		case <-done:
		case <-timeout:
			return false
		}
	}
}
