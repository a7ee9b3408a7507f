package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"sandkit.dev/sandkit/artifact"
)

// rawClient sends requests as they are written: no Accept-Encoding of its
// own, no transparent decoding.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// rawGet sends method path with the headers given as "Name: value" and
// reads the whole answer.
func rawGet(t *testing.T, method, url string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	return doWith(t, rawClient, req)
}

// decode undoes the Content-Encoding of r.
func decode(t *testing.T, r reply) []byte {
	t.Helper()
	var rd io.Reader
	switch ce := r.header.Get("Content-Encoding"); ce {
	case "":
		return []byte(r.body)
	case "br":
		rd = brotli.NewReader(strings.NewReader(r.body))
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		rd = zr
	default:
		t.Fatalf("Content-Encoding %q", ce)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("decoding %s: %v", r.header.Get("Content-Encoding"), err)
	}
	return b
}

// The todo app built into an artifact: its hashed client files have brotli
// and gzip copies, listed and hashed in the artifact's manifest, and
// "sandkit serve" answers each request with the coding its
// Accept-Encoding takes best, byte-identical once decoded; HEAD, Range and
// the 103 Early Hints still behave; a public file has a strong ETag and
// answers If-None-Match with a 304.
func TestE2EAssetsPrecompressed(t *testing.T) {
	app := copyExample(t, "todo")
	out := buildArtifact(t, app)
	m, err := artifact.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	client := filepath.Join(out, ".sandkit", "build", "pages", "client")
	var pm struct {
		Entry string   `json:"entry"`
		Files []string `json:"files"`
	}
	b, err := os.ReadFile(filepath.Join(out, ".sandkit", "build", "pages", "manifest.json"))
	if err != nil || json.Unmarshal(b, &pm) != nil {
		t.Fatalf("pages manifest: %v", err)
	}
	entry, err := os.ReadFile(filepath.Join(client, pm.Entry))
	if err != nil {
		t.Fatal(err)
	}
	var small string // a client file too small to compress
	for _, f := range pm.Files {
		p := ".sandkit/build/pages/client/" + f
		if !listed[p] {
			t.Errorf("%s is not in the artifact's manifest", p)
		}
		if fi, err := os.Stat(filepath.Join(client, f)); err == nil && fi.Size() < 1024 && strings.HasSuffix(f, ".js") {
			small = f
		}
	}
	for _, suffix := range []string{".br", ".gz"} {
		if !listed[".sandkit/build/pages/client/"+pm.Entry+suffix] {
			t.Errorf("the entry's %s copy is not in the artifact", suffix)
		}
	}
	if small == "" {
		t.Fatal("no client file under 1 KiB to check")
	}
	for _, suffix := range []string{".br", ".gz"} {
		if _, err := os.Stat(filepath.Join(client, small+suffix)); err == nil {
			t.Errorf("%s has a %s copy: it is under 1 KiB", small, suffix)
		}
	}

	s := startServeEnv(t, noToolsEnv(t), out)
	url := s.url + "/_sandkit/pages/" + pm.Entry
	for _, c := range []struct {
		accept, coding string
	}{
		{"gzip, deflate, br, zstd", "br"}, // Chromium's
		{"br", "br"},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"br;q=0.5, gzip;q=0.9", "gzip"},
		{"*", "br"},
		{"br;q=0, gzip;q=0", ""},
		{"identity", ""},
		{"compress", ""},
		{"", ""},
	} {
		var h []string
		if c.accept != "" {
			h = append(h, "Accept-Encoding: "+c.accept)
		}
		r := rawGet(t, "GET", url, h...)
		if r.status != 200 || r.header.Get("Content-Encoding") != c.coding {
			t.Errorf("Accept-Encoding %q: %d, Content-Encoding %q, want 200 %q", c.accept, r.status, r.header.Get("Content-Encoding"), c.coding)
			continue
		}
		if r.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Vary %q", c.accept, r.header.Get("Vary"))
		}
		if cc := r.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("Accept-Encoding %q: Cache-Control %q", c.accept, cc)
		}
		if ct := r.header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("Accept-Encoding %q: Content-Type %q", c.accept, ct)
		}
		if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
			t.Errorf("Accept-Encoding %q: Content-Length %s for %d bytes", c.accept, cl, len(r.body))
		}
		if got := decode(t, r); !bytes.Equal(got, entry) {
			t.Errorf("Accept-Encoding %q: %d bytes decoded, not the entry's %d", c.accept, len(got), len(entry))
		}
		if c.coding == "br" && len(r.body)*3 > len(entry) {
			t.Errorf("brotli: %d bytes for %d: less than a third was expected", len(r.body), len(entry))
		}
	}

	// HEAD: the headers of the GET, no body.
	brSize, _ := os.Stat(filepath.Join(client, pm.Entry+".br"))
	r := rawGet(t, "HEAD", url, "Accept-Encoding: br")
	if r.status != 200 || r.header.Get("Content-Encoding") != "br" || r.header.Get("Content-Length") != strconv.FormatInt(brSize.Size(), 10) || r.body != "" {
		t.Errorf("HEAD, br: %d, Content-Encoding %q, Content-Length %q (want %d), %d bytes of body",
			r.status, r.header.Get("Content-Encoding"), r.header.Get("Content-Length"), brSize.Size(), len(r.body))
	}
	// Range: a part of the file itself, whatever the client takes.
	r = rawGet(t, "GET", url, "Accept-Encoding: gzip, br", "Range: bytes=100-199")
	if r.status != 206 || r.header.Get("Content-Encoding") != "" || r.body != string(entry[100:200]) || r.header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Range: %d, Content-Encoding %q, Vary %q, body %q; want 206, the file's bytes 100-199", r.status, r.header.Get("Content-Encoding"), r.header.Get("Vary"), r.body)
	}
	if cr := r.header.Get("Content-Range"); cr != "bytes 100-199/"+strconv.Itoa(len(entry)) {
		t.Errorf("Range: Content-Range %q", cr)
	}
	// A file without copies: as it is, with nothing to vary on.
	r = rawGet(t, "GET", s.url+"/_sandkit/pages/"+small, "Accept-Encoding: br, gzip")
	if want, _ := os.ReadFile(filepath.Join(client, small)); r.status != 200 || r.header.Get("Content-Encoding") != "" || r.header.Get("Vary") != "" || r.body != string(want) {
		t.Errorf("%s: %d, Content-Encoding %q, Vary %q", small, r.status, r.header.Get("Content-Encoding"), r.header.Get("Vary"))
	}
	// A missing file: 404, not cached for good, not varied.
	r = rawGet(t, "GET", s.url+"/_sandkit/pages/entry-NOPE.js", "Accept-Encoding: br")
	if r.status != 404 || r.header.Get("Cache-Control") != "" || r.header.Get("Content-Encoding") != "" {
		t.Errorf("missing file: %d, Cache-Control %q, Content-Encoding %q", r.status, r.header.Get("Cache-Control"), r.header.Get("Content-Encoding"))
	}

	// The document's 103 Early Hints still name the entry.
	var hints []string
	req, _ := http.NewRequest("GET", s.url+"/", nil)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			if code == http.StatusEarlyHints {
				hints = append(hints, h.Values("Link")...)
			}
			return nil
		},
	}))
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !strings.Contains(strings.Join(hints, ","), "</_sandkit/pages/"+pm.Entry+">; rel=modulepreload") {
		t.Errorf("the 103 Early Hints lack the entry: %q", hints)
	}

	// A public file: a strong ETag, its content's hash; a 304 for it.
	fav, err := os.ReadFile(filepath.Join(out, "public", "favicon.ico"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(fav)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	r = rawGet(t, "GET", s.url+"/favicon.ico")
	if r.status != 200 || r.header.Get("ETag") != etag || r.body != string(fav) || r.header.Get("Last-Modified") == "" {
		t.Fatalf("GET /favicon.ico: %d, ETag %q (want %s), Last-Modified %q", r.status, r.header.Get("ETag"), etag, r.header.Get("Last-Modified"))
	}
	for _, c := range []struct {
		header string
		status int
	}{
		{"If-None-Match: " + etag, 304},
		{`If-None-Match: "other", ` + etag, 304},
		{"If-None-Match: W/" + etag, 304}, // If-None-Match compares weakly
		{"If-None-Match: *", 304},
		{`If-None-Match: "other"`, 200},
		{"If-Modified-Since: " + r.header.Get("Last-Modified"), 304},
		{`Range: bytes=0-9`, 206},
	} {
		got := rawGet(t, "GET", s.url+"/favicon.ico", c.header)
		if got.status != c.status {
			t.Errorf("GET /favicon.ico, %s: %d, want %d", c.header, got.status, c.status)
		}
		if c.status == 304 && (got.body != "" || got.header.Get("ETag") != etag) {
			t.Errorf("GET /favicon.ico, %s: a 304 with %d bytes, ETag %q", c.header, len(got.body), got.header.Get("ETag"))
		}
	}
	if got := rawGet(t, "HEAD", s.url+"/favicon.ico", "If-None-Match: "+etag); got.status != 304 {
		t.Errorf("HEAD /favicon.ico, If-None-Match: %d, want 304", got.status)
	}
}
