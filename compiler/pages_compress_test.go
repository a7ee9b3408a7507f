package compiler

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestPagesPrecompressed: a production build writes a brotli and a gzip
// copy beside each client file of 1 KiB or more that compresses by more
// than a tenth, lists them in the manifest, and each decodes to the file;
// a dev build writes none.
func TestPagesPrecompressed(t *testing.T) {
	app, res := pagesBuild(t)
	client := filepath.Join(res.Dir, PagesClientDir)
	files := res.Manifest.Files
	copies := 0
	for _, f := range files {
		if IsPrecompressed(f) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(client, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			suffix string
			open   func(io.Reader) (io.Reader, error)
		}{
			{BrotliSuffix, func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
			{GzipSuffix, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		} {
			z, err := os.ReadFile(filepath.Join(client, f+c.suffix))
			want := len(b) >= minCompress && compressible[filepath.Ext(f)]
			if listed := slices.Contains(files, f+c.suffix); listed != (err == nil) {
				t.Errorf("%s%s: on disk %v, listed %v", f, c.suffix, err == nil, listed)
			}
			if err != nil {
				if want && len(b) > 4*minCompress {
					t.Errorf("%s (%d bytes): no %s copy", f, len(b), c.suffix)
				}
				continue
			}
			copies++
			if !want || len(z)*10 > len(b)*9 {
				t.Errorf("%s (%d bytes): a %s copy of %d bytes", f, len(b), c.suffix, len(z))
			}
			r, err := c.open(bytes.NewReader(z))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s%s does not decode to the file: %v", f, c.suffix, err)
			}
		}
	}
	if copies < 2 {
		t.Fatalf("%d precompressed copies in %v", copies, files)
	}

	// A copy gone: the build is not taken from the cache, and makes it again.
	br := filepath.Join(client, res.Manifest.Entry+BrotliSuffix)
	if err := os.Remove(br); err != nil {
		t.Fatal(err)
	}
	again, err := BuildPages(context.Background(), app, PagesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(br); again.Cached || err != nil {
		t.Errorf("a rebuild with %s gone: cached %v, %v", filepath.Base(br), again.Cached, err)
	}

	dev, err := BuildPages(context.Background(), copyPagesApp(t), PagesOptions{Dev: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dev.Manifest.Files {
		if IsPrecompressed(f) {
			t.Errorf("a dev build wrote %s", f)
		}
	}
}

// TestPrecompressThreshold: small files, files of other types and files
// that do not compress get no copy.
func TestPrecompressThreshold(t *testing.T) {
	text := bytes.Repeat([]byte("export const x = 1;\n"), 100)
	noise := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	got := precompress(t.TempDir(), map[string][]byte{
		"a.js":      text,
		"small.js":  text[:minCompress-1],
		"image.png": text,
		"noise.css": noise,
	})
	keys := slices.Sorted(maps.Keys(got))
	if want := []string{"a.js.br", "a.js.gz"}; !slices.Equal(keys, want) {
		t.Errorf("copies %v, want %v", keys, want)
	}
}

// TestPrecompressReuses: a copy an earlier build left that decodes to the
// file is kept; one that does not (another file's, damaged) is made again.
func TestPrecompressReuses(t *testing.T) {
	dir := t.TempDir()
	text := bytes.Repeat([]byte("export const x = 1;\n"), 100)
	var fast bytes.Buffer // a valid copy, but not the bytes quality 11 makes
	w := brotli.NewWriterLevel(&fast, 1)
	w.Write(text)
	w.Close()
	if bytes.Equal(fast.Bytes(), brotliBytes(text)) {
		t.Fatal("quality 1 and 11 gave the same bytes: the test cannot tell reuse")
	}
	os.WriteFile(filepath.Join(dir, "a.js.br"), fast.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "a.js.gz"), gzipBytes([]byte("another file")), 0o644)
	os.WriteFile(filepath.Join(dir, "b.js.br"), []byte("damaged"), 0o644)
	got := precompress(dir, map[string][]byte{"a.js": text, "b.js": text})
	if !bytes.Equal(got["a.js.br"], fast.Bytes()) {
		t.Error("a.js.br, which decodes to a.js, was not kept")
	}
	for _, name := range []string{"a.js.gz", "b.js.br"} {
		if !decodesTo(got[name], strings.HasSuffix(name, ".br"), text) {
			t.Errorf("%s was not made again", name)
		}
	}
}
