package settings

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad reads any bytes as sandkit.toml: an error or settings, never a
// panic (the key positions come from a second parse of the same bytes).
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"name = \"blog\"\n[limits]\nrequest_timeout = \"2s\"\n",
		"limits.memory_pages = 5\n[env]\nA = { from_env = \"X\", default = \"y\" }\n",
		"[\"limits\"]\n'memory_pages' = 1\n",
		"[[limits]]\nx = 1\n",
		"env = { A = \"b\" }\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, File), b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := LoadWith(dir, env{"X": "1"}.lookup)
		if err == nil {
			s.All()
		}
	})
}
