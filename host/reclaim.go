// Reclaim: returning to the OS the heap memory a request's large result
// took, once the request is over, instead of holding it while idle.

package host

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// reclaimAbove is the buffer capacity from which dropping a call's buffer
// returns the heap's free memory to the OS. Below it the Go runtime's own
// pacing is fine; above it, building the buffer (by doubling, plus the
// values a driver read on the way) left several times its size free in the
// heap, which the runtime keeps until a later GC lowers its goal: with an
// idle host that is the forced GC, minutes later (measured: 139 MB held
// after a 32 MiB result, unchanged 10 s later).
const reclaimAbove = 4 << 20

var reclaim struct {
	mu    sync.Mutex  // held by the goroutine returning memory
	dirty atomic.Bool // a large buffer was dropped since the last return
}

// reclaimMemory returns the heap's free memory to the OS (a full GC, then
// the scavenger). Callers that overlap share one run: a caller that finds
// another returning memory leaves the work to it.
func reclaimMemory() {
	reclaim.dirty.Store(true)
	for reclaim.dirty.Load() && reclaim.mu.TryLock() {
		for reclaim.dirty.Swap(false) {
			debug.FreeOSMemory()
		}
		reclaim.mu.Unlock()
	}
}
