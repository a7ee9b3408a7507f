// The rebased cache: client files rewritten for a base path, and their
// compressed copies, kept across requests within a bound on their bytes.

package pageserve

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"sync"

	"github.com/andybalholm/brotli"
)

// rebased is the host's one cache of rewritten client files: every app
// mounted under a base path shares its bound.
var rebased = newRebasedCache(maxRebasedCache)

// maxRebasedCache bounds the bytes the rebased cache keeps (rewritten
// files and their copies); a rewritten file larger than a quarter of it
// is not kept, but made again for each request.
const maxRebasedCache = 64 << 20

// Compression of a rewritten file, on the request path (once per file,
// base and version): gzip's best, and brotli at quality 9, which measured
// ~12x faster than quality 11 for ~8% more bytes (docs/benchmarks.md).
const rebasedBrotliQuality = 9

// rebasedKey names a rewritten file: the Set (version) it is of, the base
// path and the file, relative to Client.
type rebasedKey struct {
	set        uint64
	base, name string
}

// rebasedFile is one rewritten file, made once (identity), and its
// copies, each made the first time a request takes its coding.
type rebasedFile struct {
	c    *rebasedCache
	key  rebasedKey
	elem *list.Element // in c.lru; nil once evicted (guarded by c.mu)
	size int64         // bytes counted in c.size (guarded by c.mu)

	once sync.Once
	b    []byte
	enc  map[string]*rebasedCopy // by coding; set before the file is shared
}

// rebasedCopy is a compressed copy of a rewritten file; nil bytes when
// compressing did not save at least a tenth.
type rebasedCopy struct {
	once sync.Once
	b    []byte
}

// rebasedCache is a least recently used cache of rewritten files, bounded
// by the bytes they and their copies hold.
type rebasedCache struct {
	max int64

	mu   sync.Mutex
	size int64
	lru  *list.List // *rebasedFile, most recent first
	m    map[rebasedKey]*rebasedFile
}

func newRebasedCache(max int64) *rebasedCache {
	return &rebasedCache{max: max, lru: list.New(), m: map[rebasedKey]*rebasedFile{}}
}

// get returns the entry of k, made if there is none, as the most recently
// used.
func (c *rebasedCache) get(k rebasedKey) *rebasedFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f := c.m[k]; f != nil {
		c.lru.MoveToFront(f.elem)
		return f
	}
	f := &rebasedFile{c: c, key: k, enc: map[string]*rebasedCopy{"br": {}, "gzip": {}}}
	f.elem = c.lru.PushFront(f)
	c.m[k] = f
	return f
}

// identity returns the rewritten file, made by read the first time (nil:
// it could not be; the entry is dropped, for a later request to try again).
func (f *rebasedFile) identity(read func() []byte) []byte {
	f.once.Do(func() {
		f.b = read()
		if f.b == nil || int64(len(f.b)) > f.c.max/4 {
			f.c.drop(f)
			return
		}
		f.c.count(f, int64(len(f.b)))
	})
	return f.b
}

// encoded returns the copy of the rewritten file b in coding c ("br" or
// "gzip"), nil when it does not save a tenth of b or c is unknown.
func (f *rebasedFile) encoded(c string, b []byte) []byte {
	cp := f.enc[c]
	if cp == nil {
		return nil
	}
	cp.once.Do(func() {
		var buf bytes.Buffer
		if c == "br" {
			w := brotli.NewWriterLevel(&buf, rebasedBrotliQuality)
			w.Write(b)
			w.Close()
		} else {
			w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			w.Write(b)
			w.Close()
		}
		if buf.Len()*10 <= len(b)*9 {
			cp.b = buf.Bytes()
			f.c.count(f, int64(len(cp.b)))
		}
	})
	return cp.b
}

// count adds n bytes held by f, then evicts the least recently used
// entries other than f until the cache is within its bound.
func (c *rebasedCache) count(f *rebasedFile, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.elem == nil {
		return // evicted meanwhile: its bytes are not the cache's
	}
	f.size += n
	c.size += n
	for c.size > c.max {
		e := c.lru.Back()
		if e.Value.(*rebasedFile) == f {
			e = e.Prev()
		}
		if e == nil {
			break
		}
		c.remove(e.Value.(*rebasedFile))
	}
}

// drop removes f from the cache.
func (c *rebasedCache) drop(f *rebasedFile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.elem != nil {
		c.remove(f)
	}
}

func (c *rebasedCache) remove(f *rebasedFile) {
	c.lru.Remove(f.elem)
	f.elem = nil
	c.size -= f.size
	if c.m[f.key] == f {
		delete(c.m, f.key)
	}
}
