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
