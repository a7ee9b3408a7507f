package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("[database]\nurl = \"postgres://a@db/x\"\n")
	cfg, err := LoadConfig(dir)
	if err != nil || cfg.Database.URL != "postgres://a@db/x" {
		t.Fatalf("url from the file: %q, %v", cfg.Database.URL, err)
	}
	t.Setenv(DatabaseURLEnv, "postgresql://b@other/y")
	if cfg, err = LoadConfig(dir); err != nil || cfg.Database.URL != "postgresql://b@other/y" {
		t.Fatalf("url from %s: %q, %v", DatabaseURLEnv, cfg.Database.URL, err)
	}
	t.Setenv(DatabaseURLEnv, "mysql://c@db/z")
	if _, err = LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), "$"+DatabaseURLEnv) {
		t.Fatalf("a non-PostgreSQL URL: %v", err)
	}
	os.Unsetenv(DatabaseURLEnv)
	write("[database]\nuri = \"postgres://a@db/x\"\n")
	if _, err = LoadConfig(dir); err == nil {
		t.Fatal("an unknown key in [database] was accepted")
	}
}
