package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestVerifiedRemembersByIdentity: a Verified remembers the files it
// hashed, so opening the artifact again reads none of them, and a file
// changed in place (same size, other bytes) or put at the same path is
// hashed again and refused.
func TestVerifiedRemembersByIdentity(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("file identity is read on Linux only")
	}
	out := build(t)
	var v Verified
	if _, err := v.Open(out); err != nil {
		t.Fatal(err)
	}
	m, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	wasm := filepath.Join(out, ".sandkit", "build", "handlers.wasm")
	fi, err := os.Lstat(wasm)
	if err != nil {
		t.Fatal(err)
	}
	var sum string
	for _, f := range m.Files {
		if f.Path == ".sandkit/build/handlers.wasm" {
			sum = f.SHA256
		}
	}
	if !v.knows(fi, sum) || len(v.files) != len(m.Files) {
		t.Fatalf("after one Open the Verified knows %d of %d files", len(v.files), len(m.Files))
	}
	if _, err := v.Open(out); err != nil {
		t.Fatal(err)
	}

	// Same size, other bytes, written in place: the change time moves.
	if err := os.WriteFile(wasm, []byte("\x00asm module bytez"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(out); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("a file changed in place: %v, want corrupt", err)
	}

	// The original bytes back, in a new file renamed over the path.
	tmp := wasm + ".new"
	if err := os.WriteFile(tmp, []byte("\x00asm module bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, wasm); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Open(out); err != nil {
		t.Errorf("the original bytes in a new file: %v", err)
	}
	var nilV *Verified
	if _, err := nilV.Open(out); err != nil {
		t.Errorf("a nil Verified: %v", err)
	}
}

// TestVerifiedSHA256: SHA256 hashes a file once per identity; a file
// changed in place gets its new sum, and a nil Verified hashes every time.
func TestVerifiedSHA256(t *testing.T) {
	p := filepath.Join(t.TempDir(), "style.css")
	sum := func(v *Verified) string {
		t.Helper()
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		s, err := v.SHA256(f)
		if err != nil {
			t.Fatal(err)
		}
		if off, _ := f.Seek(0, io.SeekCurrent); off != 0 {
			t.Fatalf("SHA256 moved the file's offset to %d", off)
		}
		return s
	}
	if err := os.WriteFile(p, []byte("body{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var v Verified
	want := hexSHA256("body{}")
	if got := sum(&v); got != want {
		t.Fatalf("sum %s, want %s", got, want)
	}
	if runtime.GOOS == "linux" && len(v.files) != 1 {
		t.Fatalf("the Verified remembers %d files, want 1", len(v.files))
	}
	if err := os.WriteFile(p, []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, want := sum(&v), hexSHA256("body{color:red}"); got != want {
		t.Errorf("after a change in place: %s, want %s", got, want)
	}
	if got, want := sum(nil), hexSHA256("body{color:red}"); got != want {
		t.Errorf("a nil Verified: %s, want %s", got, want)
	}
}

func hexSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
