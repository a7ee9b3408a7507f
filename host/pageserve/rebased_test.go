package pageserve

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// TestRebasedCacheBound: the cache keeps rewritten files and their copies
// within its bound, evicting the least recently used, makes each file once
// however many ask at the same time, and keeps no file above a quarter of
// its bound.
func TestRebasedCacheBound(t *testing.T) {
	c := newRebasedCache(10_000)
	file := func(n int) []byte { return bytes.Repeat([]byte("x"), n) }
	reads := 0
	var mu sync.Mutex
	read := func(n int) func() []byte {
		return func() []byte {
			mu.Lock()
			reads++
			mu.Unlock()
			return file(n)
		}
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			f := c.get(rebasedKey{1, "/a", "a.js"})
			if b := f.identity(read(2000)); len(b) != 2000 {
				t.Errorf("identity: %d bytes", len(b))
			}
		})
	}
	wg.Wait()
	if reads != 1 || c.size != 2000 {
		t.Fatalf("8 requests at once: %d reads, %d bytes kept; want 1, 2000", reads, c.size)
	}
	a := c.get(rebasedKey{1, "/a", "a.js"})
	br := a.encoded("br", a.identity(read(2000)))
	if len(br) == 0 || len(br) >= 200 || c.size != int64(2000+len(br)) {
		t.Fatalf("br copy %d bytes, %d kept", len(br), c.size)
	}
	if a.encoded("zstd", a.b) != nil {
		t.Error("a copy in a coding the cache does not make")
	}
	for i, name := range []string{"b.js", "c.js", "d.js", "e.js"} {
		f := c.get(rebasedKey{1, "/a", name})
		f.identity(read(2400))
		if i == 1 {
			c.get(rebasedKey{1, "/a", "a.js"}) // a.js used again: b.js is the oldest
		}
		if c.size > c.max {
			t.Fatalf("after %s: %d bytes kept, bound %d", name, c.size, c.max)
		}
	}
	if c.m[rebasedKey{1, "/a", "b.js"}] != nil || c.m[rebasedKey{1, "/a", "a.js"}] == nil {
		t.Errorf("eviction order: kept %v", keys(c))
	}
	big := c.get(rebasedKey{1, "/a", "big.js"})
	if b := big.identity(read(2600)); len(b) != 2600 || c.m[big.key] != nil {
		t.Errorf("a file above a quarter of the bound: %d bytes served, kept %v", len(b), c.m[big.key] != nil)
	}
	missing := c.get(rebasedKey{1, "/a", "missing.js"})
	if missing.identity(func() []byte { return nil }) != nil || c.m[missing.key] != nil {
		t.Error("a file that could not be read is kept")
	}
	var sum int64
	for _, f := range c.m {
		sum += f.size
	}
	if sum != c.size || c.lru.Len() != len(c.m) {
		t.Errorf("accounting: entries hold %d bytes, cache says %d; %d in the list, %d in the map", sum, c.size, c.lru.Len(), len(c.m))
	}
}

func keys(c *rebasedCache) string {
	var s []string
	for k := range c.m {
		s = append(s, k.name)
	}
	return strings.Join(s, ",")
}
