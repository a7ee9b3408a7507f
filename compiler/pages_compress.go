// Precompression: the gzip and brotli copies of client files a production
// build writes beside them, for the host to serve by Accept-Encoding
// (spec/pages.md, "Precompressed client files").

package compiler

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Precompressed copies: NAME.br and NAME.gz beside NAME.
const (
	BrotliSuffix = ".br"
	GzipSuffix   = ".gz"
)

// A client file is precompressed when its extension is one of
// compressible, it is at least minCompress bytes, and the copy is at most
// maxRatio of its size: smaller files, or smaller savings, are not worth
// a second request path, a file in the artifact and the build time.
const (
	minCompress = 1024
	maxRatio    = 0.9
	// brotliQuality and brotliWindow: the densest brotli (quality 11,
	// 4 MiB window); measured in docs/benchmarks.md.
	brotliQuality = 11
	brotliWindow  = 22
)

// compressible are the extensions of client files that are text (or
// compress like it); images and fonts esbuild copies are compressed
// already.
var compressible = map[string]bool{".js": true, ".mjs": true, ".css": true, ".map": true, ".json": true, ".svg": true, ".txt": true, ".html": true, ".wasm": true}

// IsPrecompressed reports whether name is the precompressed copy of
// another client file (by its suffix).
func IsPrecompressed(name string) bool {
	return strings.HasSuffix(name, BrotliSuffix) || strings.HasSuffix(name, GzipSuffix)
}

// precompress returns the brotli and gzip copies of the files worth
// compressing, by name (NAME.br, NAME.gz), compressing on every CPU. A
// copy an earlier build left in dir that decodes to the same bytes is
// kept as it is (decoding costs a millisecond where brotli's best costs
// hundreds): a rebuild compresses only the files that changed.
func precompress(dir string, files map[string][]byte) map[string][]byte {
	type job struct {
		name string
		b    []byte
		br   bool
	}
	var jobs []job
	for name, b := range files {
		if len(b) >= minCompress && compressible[path.Ext(name)] {
			jobs = append(jobs, job{name, b, true}, job{name, b, false})
		}
	}
	// The largest first, so the last one to finish is a small one.
	slices.SortFunc(jobs, func(a, b job) int { return len(b.b) - len(a.b) })
	out := map[string][]byte{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan job)
	for range min(runtime.GOMAXPROCS(0), max(1, len(jobs))) {
		wg.Go(func() {
			for j := range next {
				name, c := j.name+GzipSuffix, []byte(nil)
				if j.br {
					name = j.name + BrotliSuffix
				}
				if old, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err == nil && decodesTo(old, j.br, j.b) {
					c = old
				} else if j.br {
					c = brotliBytes(j.b)
				} else {
					c = gzipBytes(j.b)
				}
				if float64(len(c)) <= maxRatio*float64(len(j.b)) {
					mu.Lock()
					out[name] = c
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	return out
}

// decodesTo reports whether z, brotli (br) or gzip, decodes to exactly b.
func decodesTo(z []byte, br bool, b []byte) bool {
	var r io.Reader
	if br {
		r = brotli.NewReader(bytes.NewReader(z))
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(z))
		if err != nil {
			return false
		}
		r = zr
	}
	got, err := io.ReadAll(io.LimitReader(r, int64(len(b))+1))
	return err == nil && bytes.Equal(got, b)
}

// gzipBytes is b gzip-compressed at the best compression, with no name or
// time in its header (the same input gives the same bytes).
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// brotliBytes is b brotli-compressed at brotliQuality.
func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := brotli.NewWriterOptions(&buf, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
	w.Write(b)
	w.Close()
	return buf.Bytes()
}
