// Trim: an idle app gives back its warm instances — the Go instances kept
// per route and the QuickJS instances of its pages — keeping only what
// makes a new one quick (compiled code, the pages' snapshot). A host with
// many apps trims those that had no request for a while; the next request
// makes an instance (a few milliseconds) instead of a whole load.

package host

import "context"

// Trim closes every idle instance of the app, returning how many; busy
// ones are left alone and stay warm when they come back. The app keeps
// serving: its next requests make new instances.
func (a *App) Trim(ctx context.Context) int {
	s := a.current.Load()
	if s == nil {
		return 0
	}
	n := 0
	for _, m := range s.modules {
		if m.pool != nil {
			n += m.pool.trim()
		}
	}
	n += s.pages.Trim(ctx)
	if n > 0 {
		reclaimMemory()
	}
	return n
}

// trim closes every idle instance of the pool.
func (p *pool) trim() int {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, inst := range idle {
		p.discard(inst)
	}
	return len(idle)
}
