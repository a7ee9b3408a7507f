package settings

import (
	"strings"
	"testing"
)

// TestSecretKey: secret_key comes from the file, from_env or
// SANDKIT_SECRET_KEY; a short one is refused without being printed, and
// [env] cannot take the name guests read it under.
func TestSecretKey(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef-long-enough"
	dir := writeFiles(t, map[string]string{"sandkit.toml": "secret_key = { from_env = \"APP_KEY\" }\n"})
	s, err := LoadWith(dir, env{"APP_KEY": key}.lookup)
	if err != nil || s.Config().SecretKey != key {
		t.Fatalf("from_env: %v, %q", err, s.Config().SecretKey)
	}
	if _, err := LoadWith(dir, env{}.lookup); err == nil || !strings.Contains(err.Error(), "APP_KEY") {
		t.Fatalf("from_env unset: %v", err)
	}
	s, err = LoadWith(t.TempDir(), env{"SANDKIT_SECRET_KEY": key}.lookup)
	if err != nil || s.Config().SecretKey != key {
		t.Fatalf("SANDKIT_SECRET_KEY: %v, %q", err, s.Config().SecretKey)
	}
	_, err = LoadWith(t.TempDir(), env{"SANDKIT_SECRET_KEY": "short-secret"}.lookup)
	if err == nil || !strings.Contains(err.Error(), "at least 32") || strings.Contains(err.Error(), "short-secret") {
		t.Fatalf("a short key: %v", err)
	}
	dir = writeFiles(t, map[string]string{"sandkit.toml": "[env]\nSANDKIT_SECRET_KEY = \"" + key + "\"\n"})
	if _, err := LoadWith(dir, env{}.lookup); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("[env] SANDKIT_SECRET_KEY: %v", err)
	}
	// Nor the name the host gives the database engine under, from the file
	// or its overlay.
	dir = writeFiles(t, map[string]string{"sandkit.toml": "[env]\nSANDKIT_DATABASE_ENGINE = \"postgres\"\n"})
	if _, err := LoadWith(dir, env{}.lookup); err == nil || !strings.Contains(err.Error(), "env.SANDKIT_DATABASE_ENGINE: this name is reserved") {
		t.Fatalf("[env] SANDKIT_DATABASE_ENGINE: %v", err)
	}
	dir = writeFiles(t, map[string]string{"sandkit.toml": "", "sandkit.development.toml": "[env]\nSANDKIT_DATABASE_ENGINE = \"postgres\"\n"})
	if _, err := LoadWith(dir, env{"SANDKIT_ENV": "development"}.lookup); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("[env] SANDKIT_DATABASE_ENGINE in the overlay: %v", err)
	}
}
