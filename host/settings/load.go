// Load: an app's effective settings from its layers, in order of
// precedence: defaults < sandkit.toml < sandkit.<env>.toml < SANDKIT_*
// environment variables (spec/config.md, "Where settings come from").

package settings

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// EnvNameVar names the environment an app runs in ("development" if unset),
// which chooses the overlay file sandkit.<env>.toml.
const EnvNameVar = "SANDKIT_ENV"

// DefaultEnvName is the environment when SANDKIT_ENV is unset or empty.
const DefaultEnvName = "development"

// File is the name of an app's settings file.
const File = "sandkit.toml"

var envNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Settings are an app's effective settings and where each came from.
type Settings struct {
	cfg     Config
	env     string
	files   []string
	origins map[string]Origin
}

// Setting is one effective setting as "sandkit config" prints it.
type Setting struct {
	Key    string // dotted: "limits.request_timeout", "env.GREETING"
	Value  string // as TOML writes it: "10s" quoted, 1024 bare
	Origin Origin
}

// VarName is the environment variable that overrides the setting key:
// SANDKIT_ and the key upper-cased with dots as underscores
// (limits.request_timeout: SANDKIT_LIMITS_REQUEST_TIMEOUT; env.GREETING:
// SANDKIT_ENV_GREETING).
func VarName(key string) string {
	return "SANDKIT_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Load reads the app in dir's settings with the process's environment.
func Load(dir string) (*Settings, error) { return LoadWith(dir, os.LookupEnv) }

// LoadWith is [Load] with lookup as the environment.
func LoadWith(dir string, lookup func(string) (string, bool)) (*Settings, error) {
	env, _ := lookup(EnvNameVar)
	if env == "" {
		env = DefaultEnvName
	}
	if !envNameRE.MatchString(env) {
		return nil, fmt.Errorf("$%s=%q: an environment name is lower-case letters, digits, '-' and '_'\nhint: SANDKIT_ENV=production reads sandkit.production.toml", EnvNameVar, env)
	}
	s := &Settings{env: env, origins: map[string]Origin{}}
	var cfg Config
	var errs []error
	unset := map[string]error{} // keys whose from_env is unset, unless a later layer sets them
	apply := func(es []entry) {
		for _, e := range es {
			if e.unset != nil {
				unset[e.key] = e.unset
				continue
			}
			delete(unset, e.key)
			if e.key == "database.url" && e.origin.Kind == FromFile {
				// The URL carries the rights the host connects with: only
				// the host's operator chooses it (spec/config.md).
				errs = append(errs, fmt.Errorf("%s[database] url is not an app's setting: the host's operator sets $%s to an admin URL, and every app gets its own PostgreSQL role and schema\nhint: remove it from the file and set %s in the environment of sandkit serve (spec/config.md, \"The database\")", e.origin.where(), DatabaseURLEnv, DatabaseURLEnv))
				continue
			}
			f, mk, _ := lookupField(e.key)
			if err := f.set(&cfg, mk, e.value, e.fromString); err != nil {
				errs = append(errs, fmt.Errorf("%s%s: %w", e.origin.where(), e.key, err))
				continue
			}
			s.origins[e.key] = e.origin
		}
	}
	for _, name := range []string{File, "sandkit." + env + ".toml"} {
		path := filepath.Join(dir, name)
		es, err := readFile(path, lookup)
		if err != nil {
			errs = append(errs, err)
		}
		if _, statErr := os.Stat(path); statErr == nil {
			s.files = append(s.files, path)
		}
		apply(es)
	}
	apply(variables(cfg, lookup))
	for _, k := range slices.Sorted(maps.Keys(unset)) {
		errs = append(errs, unset[k])
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Name == "" {
		abs, _ := filepath.Abs(dir)
		cfg.Name = filepath.Base(abs)
	}
	switch cfg.Isolation {
	case "":
		cfg.Isolation = IsolationPool
	case IsolationPool, IsolationRequest:
	default:
		return nil, fmt.Errorf("%sisolation = %q: want %q (warm instances serve many requests; the default) or %q (a fresh instance per request)", s.Origin("isolation").where(), cfg.Isolation, IsolationPool, IsolationRequest)
	}
	if ke := cfg.Limits.validate(); ke != nil {
		return nil, fmt.Errorf("%s%s = %s: %s", s.Origin("limits."+ke.key).where(), "limits."+ke.key, s.value("limits."+ke.key, cfg), ke.msg)
	}
	cfg.Limits = cfg.Limits.WithDefaults()
	if err := checkSecretKey(s, cfg); err != nil {
		return nil, err
	}
	if u := cfg.Database.URL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		return nil, fmt.Errorf("%sdatabase.url must start with postgres:// or postgresql://\nhint: leave it out for SQLite (data/app.db)", s.Origin("database.url").where())
	}
	s.cfg = cfg
	return s, nil
}

// variables is the SANDKIT_* layer: each setting's variable, if set. A
// key of [env] can be overridden only if a file declared it, so the host's
// environment never reaches a guest by accident.
func variables(cfg Config, lookup func(string) (string, bool)) []entry {
	var out []entry
	add := func(key string) {
		name := VarName(key)
		if v, ok := lookup(name); ok {
			out = append(out, entry{key: key, value: v, fromString: true, origin: Origin{Kind: FromVariable, Var: name}})
		}
	}
	for _, f := range fields {
		if f.typ.Kind() != reflect.Map {
			add(f.key)
			continue
		}
		m := reflect.ValueOf(cfg).FieldByIndex(f.index)
		var keys []string
		for _, k := range m.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(f.key + "." + k)
		}
	}
	return out
}

// Config returns the effective settings.
func (s *Settings) Config() Config { return s.cfg }

// Env returns the environment name (SANDKIT_ENV, "development" by default).
func (s *Settings) Env() string { return s.env }

// Files lists the settings files that exist, lowest precedence first.
func (s *Settings) Files() []string { return append([]string(nil), s.files...) }

// Origin says where the setting key came from.
func (s *Settings) Origin(key string) Origin { return s.origins[key] }

// All lists every effective setting with its origin, sorted by key.
func (s *Settings) All() []Setting {
	var out []Setting
	for _, f := range fields {
		if f.typ.Kind() != reflect.Map {
			out = append(out, Setting{Key: f.key, Value: s.value(f.key, s.cfg), Origin: s.origins[f.key]})
			continue
		}
		m := reflect.ValueOf(s.cfg).FieldByIndex(f.index)
		var keys []string
		for _, k := range m.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		for _, k := range keys {
			key := f.key + "." + k
			out = append(out, Setting{Key: key, Value: s.value(key, s.cfg), Origin: s.origins[key]})
		}
	}
	return out
}

// value formats the setting key of cfg.
func (s *Settings) value(key string, cfg Config) string {
	f, mk, ok := lookupField(key)
	if !ok {
		return ""
	}
	v := reflect.ValueOf(&cfg).Elem().FieldByIndex(f.index)
	if mk != "" {
		v = v.MapIndex(reflect.ValueOf(mk))
		cp := reflect.New(v.Type()).Elem()
		cp.Set(v)
		v = cp
	}
	return format(v)
}
