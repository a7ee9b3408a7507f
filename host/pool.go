// Pool: warm instances of one module version, bounded per version and by a
// budget shared across the host.

package host

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"sandkit.dev/sandkit/host/settings"
)

// budget bounds the live instances of every pool that shares it. When it is
// exhausted, a pool that needs an instance first asks the others to give up
// an idle one. The slots are a semaphore.Weighted: it queues waiters and
// hands each released slot to one, so no wake-up is lost when releases land
// together (a one-token channel lost the second of two).
type budget struct {
	slots *semaphore.Weighted

	mu    sync.Mutex
	pools map[*pool]struct{}
}

func newBudget(max int) *budget {
	return &budget{slots: semaphore.NewWeighted(int64(max)), pools: map[*pool]struct{}{}}
}

// acquire takes a slot, evicting an idle instance elsewhere if it must, and
// waits for one otherwise.
func (b *budget) acquire(ctx context.Context, self *pool) error {
	if b.slots.TryAcquire(1) {
		return nil
	}
	b.mu.Lock()
	var victims []*pool
	for p := range b.pools {
		if p != self {
			victims = append(victims, p)
		}
	}
	b.mu.Unlock()
	for _, p := range victims {
		if p.evictOne() {
			break
		}
	}
	return b.slots.Acquire(ctx, 1)
}

func (b *budget) release() { b.slots.Release(1) }

func (b *budget) add(p *pool) {
	b.mu.Lock()
	b.pools[p] = struct{}{}
	b.mu.Unlock()
}

func (b *budget) remove(p *pool) {
	b.mu.Lock()
	delete(b.pools, p)
	b.mu.Unlock()
}

// pool keeps warm instances of one reactor module version.
type pool struct {
	m      *Module
	limits settings.Limits
	budget *budget
	slots  chan struct{} // one token per live instance of this version
	notify chan struct{} // an instance went back to idle: waiters look again

	mu     sync.Mutex
	idle   []*instance
	closed bool
}

func newPool(m *Module, limits settings.Limits, b *budget) *pool {
	p := &pool{m: m, limits: limits, budget: b,
		slots:  make(chan struct{}, limits.InstancesPerRoute),
		notify: make(chan struct{}, limits.InstancesPerRoute)}
	b.add(p)
	return p
}

// get returns a warm instance, creating one if none is idle and the limits
// allow it, or waiting for one to be returned.
func (p *pool) get(ctx context.Context) (*instance, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errClosed
		}
		if n := len(p.idle); n > 0 {
			inst := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return inst, nil
		}
		p.mu.Unlock()
		select {
		case p.slots <- struct{}{}:
		case <-p.notify:
			continue // an instance came back: take it
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		break
	}
	// A slot is ours, but an instance may have come back meanwhile.
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		inst := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		<-p.slots
		return inst, nil
	}
	p.mu.Unlock()
	if err := p.budget.acquire(ctx, p); err != nil {
		<-p.slots
		return nil, err
	}
	inst, err := p.m.newInstance(ctx)
	if err != nil {
		p.budget.release()
		<-p.slots
		return nil, err
	}
	return inst, nil
}

// idleTrimAfter is how long an instance beyond limits.idle_per_route may
// sit idle before put closes it. Trimming at once would close instances a
// steady load needs a moment later and make it pay for new ones (a Go
// instance costs milliseconds): with 32 concurrent clients and 4 idle kept,
// a PostgreSQL route fell from ~13k to 2.5k req/s.
const idleTrimAfter = 10 * time.Second

// put returns an instance after a request. healthy is false after any
// trap, deadline or guest failure: such an instance is closed, never reused.
// Up to limits.idle_per_route instances stay warm for good; more stay while
// they are in use, and are closed once they have been idle for
// idleTrimAfter.
func (p *pool) put(inst *instance, healthy bool) {
	inst.uses++
	recycle := !healthy || inst.mod.IsClosed() ||
		inst.uses >= p.limits.RequestsPerInstance ||
		inst.memoryPages() > inst.pages+p.limits.GrowthPages
	if !recycle && p.m.iso != nil {
		// Under request isolation an instance serves again only once it
		// is back at the restore point.
		recycle = !p.m.reset(inst)
	}
	now := time.Now()
	var stale []*instance
	p.mu.Lock()
	if !recycle && !p.closed {
		inst.idle = now
		p.idle = append(p.idle, inst)
		// get takes from the end, so the front holds the longest idle.
		for len(p.idle) > p.limits.IdlePerRoute && now.Sub(p.idle[0].idle) > idleTrimAfter {
			stale = append(stale, p.idle[0])
			p.idle = p.idle[1:]
		}
		p.mu.Unlock()
		select {
		case p.notify <- struct{}{}: // wake a request waiting for an instance
		default: // enough wake-ups are pending already
		}
		for _, s := range stale {
			p.discard(s)
		}
		return
	}
	p.mu.Unlock()
	p.discard(inst)
}

func (p *pool) discard(inst *instance) {
	inst.close()
	p.budget.release()
	<-p.slots
}

// warm creates n instances ahead of need, so the first requests to a newly
// published version do not pay for instantiation.
func (p *pool) warm(ctx context.Context, n int) error {
	if p.m.iso != nil {
		// Under request isolation no instance serves twice: warming takes
		// the restore point instead.
		return p.m.takeRestorePoint(ctx)
	}
	insts := make([]*instance, 0, n)
	var err error
	for range n {
		var inst *instance
		if inst, err = p.get(ctx); err != nil {
			break
		}
		insts = append(insts, inst)
	}
	for _, inst := range insts {
		inst.uses-- // warming is not a use; put counts one
		p.put(inst, true)
	}
	return err
}

// evictOne closes one idle instance; it reports whether there was one.
func (p *pool) evictOne() bool {
	p.mu.Lock()
	n := len(p.idle)
	if n == 0 {
		p.mu.Unlock()
		return false
	}
	inst := p.idle[0]
	p.idle = p.idle[1:]
	p.mu.Unlock()
	p.discard(inst)
	return true
}

// close retires the pool: idle instances are closed now, busy ones when
// they come back, and get fails so callers move to the newer version.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, inst := range idle {
		p.discard(inst)
	}
	if p.m.iso != nil {
		p.m.iso.close()
	}
	p.budget.remove(p)
}
