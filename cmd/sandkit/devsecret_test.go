package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDevSecretKey: sandkit dev makes an app's key once, private to the
// user, and reads the same one back after a restart.
func TestDevSecretKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := devSecretKey(dir)
	if err != nil || len(k1) != 64 {
		t.Fatalf("first key: %q, %v", k1, err)
	}
	fi, err := os.Stat(filepath.Join(dir, ".sandkit", "secret_key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	if k2, err := devSecretKey(dir); err != nil || k2 != k1 {
		t.Fatalf("after a restart: %q, %v; want %q", k2, err, k1)
	}
	if k3, _ := devSecretKey(t.TempDir()); k3 == k1 {
		t.Fatal("two apps got one key")
	}
}
