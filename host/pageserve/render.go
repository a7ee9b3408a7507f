// Rendering a page: the server bundle's result, and the cache of results
// by input.

package pageserve

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"sandkit.dev/sandkit/pages"
)

// renderResult is what the server bundle's render returns (spec/pages.md).
type renderResult struct {
	HTML   string          `json:"html"`   // the markup of the app root
	Head   string          `json:"head"`   // title, meta and link elements the page declared
	Status int             `json:"status"` // 200, 404 for a not-found page, 500 or the error's for an error page
	State  json.RawMessage `json:"state"`  // what the client hydrates from
	// NotFound is the folder of the 404 page rendered ("" for routes/404.tsx),
	// when one was.
	NotFound *string `json:"notFound"`
	// Thrown is what a page threw, when an error page was rendered: for the
	// log only (a production error page does not show it).
	Thrown *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
		Stack   string `json:"stack"`
	} `json:"thrown"`
}

// render renders in, from the cache when the same input was rendered by
// this version before; hit reports that it was. A render's result is a
// function of its input and the bundle, as every render starts from the
// same snapshot, unless it read the clock, the page opted out, or the app
// reuses instances (then there is no cache).
func (s *Set) render(ctx context.Context, in *pages.Input) (res *renderResult, hit bool, err error) {
	input, err := json.Marshal(in)
	if err != nil {
		return nil, false, err
	}
	cacheable := s.cache != nil && !s.assets(in).NoCache
	key := sha256.Sum256(input)
	if cacheable {
		if res, ok := s.cache.get(key); ok {
			return res, true, nil
		}
	}
	out, facts, err := s.renderScoped(ctx, input)
	if err != nil {
		return nil, false, err
	}
	res = new(renderResult)
	if err := json.Unmarshal(out, res); err != nil || res.Status == 0 {
		return nil, false, fmt.Errorf("the server bundle's render returned %.40q, not a render result (spec/pages.md)", out)
	}
	// A render that read the clock is not a function of its input alone.
	if cacheable && !facts.ReadClock {
		s.cache.put(key, res, len(res.HTML)+len(res.Head)+len(res.State))
	}
	return res, false, nil
}

// renderScoped renders input within Config.RenderScope, if set.
func (s *Set) renderScoped(ctx context.Context, input []byte) ([]byte, pages.RenderFacts, error) {
	if s.scope == nil {
		return s.renderer.RenderInfo(ctx, input)
	}
	ctx, done := s.scope(ctx)
	defer done()
	return s.renderer.RenderInfo(ctx, input)
}

// renderCache keeps recent renders of one page set, bounded in entries and
// bytes, least recently used out first.
type renderCache struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	bytes      int
	order      *list.List // of *cacheEntry, most recent first
	entries    map[[32]byte]*list.Element
}

type cacheEntry struct {
	key  [32]byte
	res  *renderResult
	size int
}

func newRenderCache(maxEntries, maxBytes int) *renderCache {
	return &renderCache{maxEntries: maxEntries, maxBytes: maxBytes, order: list.New(), entries: map[[32]byte]*list.Element{}}
}

func (c *renderCache) get(key [32]byte) (*renderResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry).res, true
	}
	return nil, false
}

func (c *renderCache) put(key [32]byte, res *renderResult, size int) {
	if c.maxEntries <= 0 || size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, res: res, size: size})
	c.bytes += size
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		e := c.order.Back()
		ce := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.entries, ce.key)
		c.bytes -= ce.size
	}
}
