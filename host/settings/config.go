// Config: an app's sandkit.toml, every field optional (spec/config.md).

package settings

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Config is an app's settings. The zero value serves an app with every
// default.
type Config struct {
	// Name names the app in logs; the folder name by default.
	Name string `toml:"name"`
	// Limits bound the app's guests.
	Limits Limits `toml:"limits"`
	// Env holds the values guests read with env_get. Host environment
	// variables are never passed through, except as SANDKIT_ENV_<KEY>
	// overrides of keys declared here.
	Env map[string]string `toml:"env"`
	// Database chooses where the app's data lives.
	Database Database `toml:"database"`
	// Pages configures the server rendering of the app's pages.
	Pages Pages `toml:"pages"`
}

// Pages is the [pages] section.
type Pages struct {
	// ReuseInstances lets a render run in the state an earlier render
	// left its QuickJS instance in, instead of the pristine state after
	// the server bundle was evaluated: what a page stores in globalThis,
	// a prototype or a module-level variable is then seen by later
	// renders, for other users. It saves the reset after each render; the
	// render cache is off (spec/pages.md, "Pristine renders").
	ReuseInstances bool `toml:"reuse_instances"`
}

// Database says where the app's data lives: its SQLite file data/app.db,
// or, when the host's operator sets SANDKIT_DATABASE_URL, its own schema
// and role of that PostgreSQL database. An app's own file cannot choose:
// the URL carries the admin's rights.
type Database struct {
	// URL is the host's admin URL, from SANDKIT_DATABASE_URL only. The
	// file's [database] url is refused with a hint (it was accepted once).
	URL string `toml:"url"`
}

// DatabaseURLEnv is the host's PostgreSQL admin URL, for every app of the
// host: a role with CREATEROLE that provisions each app's own role.
const DatabaseURLEnv = "SANDKIT_DATABASE_URL"

// LoadConfig reads dir/sandkit.toml if it exists, fills defaults, and
// applies environment overrides: SANDKIT_ENV_<KEY> replaces env value KEY.
func LoadConfig(dir string) (Config, error) {
	var cfg Config
	path := filepath.Join(dir, "sandkit.toml")
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return cfg, err
	default:
		dec := toml.NewDecoder(bytes.NewReader(b)).DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			var de *toml.DecodeError
			if errors.As(err, &de) {
				row, col := de.Position()
				return cfg, fmt.Errorf("%s:%d:%d: %s\n%s", path, row, col, de.Error(), de.String())
			}
			var se *toml.StrictMissingError
			if errors.As(err, &se) {
				return cfg, fmt.Errorf("%s: %s\nhint: spec/config.md lists every setting", path, se.String())
			}
			return cfg, fmt.Errorf("%s: %w", path, err)
		}
	}
	if cfg.Name == "" {
		abs, _ := filepath.Abs(dir)
		cfg.Name = filepath.Base(abs)
	}
	if err := cfg.Limits.validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	cfg.Limits = cfg.Limits.WithDefaults()
	if cfg.Database.URL != "" {
		return cfg, fmt.Errorf("%s: [database] url is not an app's setting: the host's operator sets %s to an admin URL, and every app gets its own PostgreSQL role and schema (spec/config.md)", path, DatabaseURLEnv)
	}
	cfg.Database.URL = os.Getenv(DatabaseURLEnv)
	if u := cfg.Database.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return cfg, fmt.Errorf("%s must start with postgres:// or postgresql://", DatabaseURLEnv)
	}
	for k := range cfg.Env {
		if v, ok := os.LookupEnv("SANDKIT_ENV_" + strings.ToUpper(k)); ok {
			cfg.Env[k] = v
		}
	}
	return cfg, nil
}
