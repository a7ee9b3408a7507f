// Deploys: the last uploads and activations of the host, newest first, as
// host/deploy reports them (deploy.WithOnDeploy).

package console

import (
	"sync"

	"sandkit.dev/sandkit/host/deploy"
)

// DefaultDeploys is how many deploy events a Deploys keeps.
const DefaultDeploys = 200

// Deploys keeps the last deploy events. Its Record is what
// deploy.WithOnDeploy takes. It is safe for concurrent use.
type Deploys struct {
	mu   sync.Mutex
	ring []deploy.Event
	next int
	n    int
}

// NewDeploys keeps the last n events (DefaultDeploys if n <= 0).
func NewDeploys(n int) *Deploys {
	if n <= 0 {
		n = DefaultDeploys
	}
	return &Deploys{ring: make([]deploy.Event, n)}
}

// Record keeps e, forgetting the oldest past the bound.
func (d *Deploys) Record(e deploy.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ring[d.next] = e
	d.next = (d.next + 1) % len(d.ring)
	d.n = min(d.n+1, len(d.ring))
}

// Last returns the events kept, newest first; only app's if app is not "".
func (d *Deploys) Last(app string) []deploy.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []deploy.Event{}
	for i := 1; i <= d.n; i++ {
		e := d.ring[(d.next+len(d.ring)-i)%len(d.ring)]
		if app == "" || e.App == app {
			out = append(out, e)
		}
	}
	return out
}
