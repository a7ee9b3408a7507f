package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigDatabaseURL: the admin URL comes from the host's environment
// only; an app's sandkit.toml naming a database is refused with a hint.
func TestConfigDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(DatabaseURLEnv, "")
	write("[database]\nurl = \"postgres://postgres@127.0.0.1/x\"\n")
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "[database] url is not an app's setting") {
		t.Fatalf("a URL in the app's file: %v", err)
	}
	t.Setenv(DatabaseURLEnv, "postgresql://b@other/y")
	if _, err := LoadConfig(dir); err == nil {
		t.Fatal("a URL in the app's file was accepted once the host has one")
	}
	write("[database]\n")
	if cfg, err := LoadConfig(dir); err != nil || cfg.Database.URL != "postgresql://b@other/y" {
		t.Fatalf("url from %s: %q, %v", DatabaseURLEnv, cfg.Database.URL, err)
	}
	t.Setenv(DatabaseURLEnv, "mysql://c@db/z")
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), "$"+DatabaseURLEnv) {
		t.Fatalf("a non-PostgreSQL URL: %v", err)
	}
	t.Setenv(DatabaseURLEnv, "")
	write("[database]\nuri = \"postgres://a@db/x\"\n")
	if _, err := LoadConfig(dir); err == nil {
		t.Fatal("an unknown key in [database] was accepted")
	}
}
