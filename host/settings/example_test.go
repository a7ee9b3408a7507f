package settings_test

import (
	"fmt"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host/settings"
)

// An app that sets two limits gets the defaults for the rest.
func ExampleLoadConfig() {
	dir, _ := os.MkdirTemp("", "blog")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(`
name = "blog"
[limits]
request_timeout = "2s"
db_max_bytes = 1048576
`), 0o644)
	cfg, err := settings.LoadConfig(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Name, cfg.Limits.RequestTimeout, cfg.Limits.DBMaxBytes, cfg.Limits.StatementTimeout)
	// Output: blog 2s 1048576 5s
}

// The production overlay and a variable override sandkit.toml; each
// setting says where it came from.
func ExampleLoadWith() {
	dir, _ := os.MkdirTemp("", "blog")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte("name = \"blog\"\n[limits]\nrequest_timeout = \"2s\"\nmemory_pages = 512\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sandkit.production.toml"), []byte("[limits]\nmemory_pages = 2048\n"), 0o644)
	env := map[string]string{"SANDKIT_ENV": "production", "SANDKIT_LIMITS_REQUEST_TIMEOUT": "3s"}
	s, err := settings.LoadWith(dir, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range s.All() {
		switch st.Key {
		case "name", "limits.memory_pages", "limits.request_timeout", "limits.statement_timeout":
			fmt.Println(st.Key, "=", st.Value, "from", filepath.Base(st.Origin.String()))
		}
	}
	// Output:
	// limits.memory_pages = 2048 from sandkit.production.toml:2
	// limits.request_timeout = "3s" from $SANDKIT_LIMITS_REQUEST_TIMEOUT
	// limits.statement_timeout = "5s" from default
	// name = "blog" from sandkit.toml:1
}
