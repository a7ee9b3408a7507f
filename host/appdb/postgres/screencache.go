// Screening cache: an app sends the same few SQL texts over and over, and
// screening one (lexing it, checking every statement and name, rewriting
// its placeholders) is a pure function of the text and two flags, so each
// app's handle keeps the answers for the texts it has seen.

package postgres

import (
	"sync"
	"sync/atomic"

	"sandkit.dev/sandkit/host/appdb"
)

const (
	// screenCacheEntries bounds the answers one app's handle keeps (give
	// or take the requests storing one at that moment); past it the cache
	// is emptied and fills again with the texts in use.
	screenCacheEntries = 256
	// screenCacheMaxSQL is the longest text kept: the cache holds at most
	// screenCacheEntries × (2 × this) bytes of SQL per app (~1 MiB).
	screenCacheMaxSQL = 2048
)

// screenKey is what a guest statement's screening depends on besides the
// app's schema (fixed per handle) and the policy (the guests').
type screenKey struct {
	q            string
	placeholders bool // arguments are bound: ? is rewritten to $N
	inTx         bool // the request opened a transaction (SAVEPOINT is allowed)
}

// screened is screenSession's answer.
type screened struct {
	out, why  string
	stateless bool
}

// screenCache remembers screenSession's answers under the guests' policy.
// It is safe for concurrent use.
type screenCache struct {
	m sync.Map // screenKey → screened
	n atomic.Int32
}

// screen is screenSession(q, schema, nargs, inTx, appdb.PolicyGuest),
// remembered for texts up to screenCacheMaxSQL bytes.
func (c *screenCache) screen(q, schema string, nargs int, inTx bool) (out, why string, stateless bool) {
	k := screenKey{q: q, placeholders: nargs > 0, inTx: inTx}
	if v, ok := c.m.Load(k); ok {
		s := v.(screened)
		return s.out, s.why, s.stateless
	}
	out, why, stateless = screenSession(q, schema, nargs, inTx, appdb.PolicyGuest)
	if len(q) <= screenCacheMaxSQL {
		if c.n.Add(1) > screenCacheEntries {
			c.m.Clear()
			c.n.Store(1)
		}
		c.m.Store(k, screened{out, why, stateless})
	}
	return out, why, stateless
}
