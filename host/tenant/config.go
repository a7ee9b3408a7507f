// Config: the host configuration file (--host-config), the operator's
// choices for the whole host and for each tenant (spec/hosting.md, "The host
// configuration").

package tenant

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/settings"
)

// Config is a host's configuration. The zero value of a field means its
// default ([DefaultConfig] lists them).
type Config struct {
	// BaseDomain serves tenant NAME at NAME.BaseDomain; empty: no tenant
	// is reached by its name in the Host header.
	BaseDomain string `toml:"base_domain"`
	// PathPrefix serves tenant NAME at /NAME/… with the prefix removed.
	PathPrefix bool `toml:"path_prefix"`
	// IdleTimeout unloads a tenant that has served no request for this
	// long.
	IdleTimeout settings.Duration `toml:"idle_timeout"`
	// MemoryBudget bounds the guest memory of the loaded tenants, in
	// bytes: past it, the least recently used are unloaded.
	MemoryBudget int64 `toml:"memory_budget"`
	// MaxBundleBytes is the largest bundle the deploy API takes.
	MaxBundleBytes int64 `toml:"max_bundle_bytes"`
	// LoadRetry is how long a tenant that failed to load answers 503
	// before a request tries to load it again.
	LoadRetry settings.Duration `toml:"load_retry"`
	// SnapshotCacheBytes bounds the pages apps' QuickJS snapshot files in
	// the engine's cache folder; negative: no bound. Each pages app has
	// one (~3 MiB for examples/todo); one removed makes its app's next
	// wake evaluate the server bundle again. The engine takes it from
	// [Config.EngineOptions].
	SnapshotCacheBytes int64 `toml:"snapshot_cache_bytes"`
	// Limits are every tenant's limits: defaults and caps.
	Limits Limits `toml:"limits"`
	// Apps are the per-tenant entries, by tenant name.
	Apps map[string]AppConfig `toml:"apps"`
}

// AppConfig is one tenant's entry, [apps.NAME].
type AppConfig struct {
	// Domains are custom domains (Host header values) serving the tenant.
	Domains []string `toml:"domains"`
	// Env is the environment the tenant's settings are read with
	// (SANDKIT_* variables and from_env): never the host process's.
	Env map[string]string `toml:"env"`
	// Limits override the host's [limits] for this tenant.
	Limits Limits `toml:"limits"`
}

// Limits are a tenant's limits: those of an app's own settings (as caps:
// the app may ask for less) and those only the operator sets. A zero field
// is unset: the layer below decides.
type Limits struct {
	settings.Limits
	// Concurrency bounds the tenant's requests being served at once.
	Concurrency int `toml:"concurrency"`
	// Queue bounds the requests waiting for one of those; -1: none wait.
	Queue int `toml:"queue"`
	// QueueTimeout is the longest a request waits in the queue.
	QueueTimeout settings.Duration `toml:"queue_timeout"`
	// MemoryBytes bounds the tenant's guest memory in total.
	MemoryBytes int64 `toml:"memory_bytes"`
}

// DefaultConfig holds the default of each host setting.
var DefaultConfig = Config{
	IdleTimeout:    settings.Duration(10 * time.Minute),
	MemoryBudget:   8 << 30,
	MaxBundleBytes: 256 << 20,
	LoadRetry:      settings.Duration(5 * time.Second),
	// Room for ~1,300 pages apps of examples/todo's size: the folder's
	// single-app default (1 GiB) held 367 of them, and at 1,000 tenants
	// every wake after an eviction evaluated its bundle again (docs/
	// benchmarks.md, "Density").
	SnapshotCacheBytes: 4 << 30,
	Limits: Limits{
		Concurrency:  max(4, 2*runtime.NumCPU()),
		Queue:        64,
		QueueTimeout: settings.Duration(5 * time.Second),
		MemoryBytes:  512 << 20,
	},
}

// LoadConfig reads the host configuration file at path. An unknown key, a
// value of the wrong type or out of range is an error naming path:line:col.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("host configuration: %w", err)
	}
	return ParseConfig(path, b)
}

// ParseConfig is [LoadConfig] of the document b, named path in errors.
func ParseConfig(path string, b []byte) (Config, error) {
	var c Config
	d := toml.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) {
			var errs []error
			for _, de := range sm.Errors {
				row, col := de.Position()
				key := strings.Join(de.Key(), ".")
				errs = append(errs, fmt.Errorf("%s:%d:%d: unknown key %s\nhint: spec/hosting.md (\"The host configuration\") lists every key%s", path, row, col, key, suggestKey(de.Key())))
			}
			return Config{}, errors.Join(errs...)
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return Config{}, fmt.Errorf("%s:%d:%d: %s\n%s", path, row, col, de.Error(), de.String())
		}
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	pos := settings.KeyPositions(b)
	at := func(key string) string {
		// The key itself, else the nearest table that holds it.
		for k := key; k != ""; {
			if p, ok := pos[k]; ok {
				return fmt.Sprintf("%s:%d:%d: ", path, p.Line, p.Column)
			}
			i := strings.LastIndexByte(k, '.')
			if i < 0 {
				break
			}
			k = k[:i]
		}
		return path + ": "
	}
	if err := c.check(); err != nil {
		var ke *keyError
		if errors.As(err, &ke) {
			return Config{}, fmt.Errorf("%s%s: %s", at(ke.key), ke.key, ke.msg)
		}
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// keyError is a value the host configuration may not hold.
type keyError struct{ key, msg string }

func (e *keyError) Error() string { return e.key + ": " + e.msg }

// hostnameRE is a host name as a Host header carries it, lower case.
var hostnameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// check reports the first value of c out of its allowed range.
func (c *Config) check() error {
	if c.BaseDomain != "" && !hostnameRE.MatchString(c.BaseDomain) {
		return &keyError{"base_domain", fmt.Sprintf("%q is not a lower-case host name such as apps.example.com", c.BaseDomain)}
	}
	for _, d := range []struct {
		key string
		v   settings.Duration
	}{{"idle_timeout", c.IdleTimeout}, {"load_retry", c.LoadRetry}} {
		if d.v < 0 {
			return &keyError{d.key, "must be positive"}
		}
	}
	if c.MemoryBudget < 0 {
		return &keyError{"memory_budget", "must be positive (bytes)"}
	}
	if c.MaxBundleBytes < 0 {
		return &keyError{"max_bundle_bytes", "must be positive (bytes)"}
	}
	if err := c.Limits.check("limits."); err != nil {
		return err
	}
	names := make([]string, 0, len(c.Apps))
	for name := range c.Apps {
		names = append(names, name)
	}
	sort.Strings(names)
	owner := map[string]string{}
	for _, name := range names {
		a := c.Apps[name]
		key := "apps." + name
		if !registry.NameRE.MatchString(name) {
			return &keyError{key, fmt.Sprintf("%q is not a tenant name: lower-case letters, digits and '-', starting with a letter, at most 63", name)}
		}
		for _, d := range a.Domains {
			if !hostnameRE.MatchString(d) {
				return &keyError{key + ".domains", fmt.Sprintf("%q is not a lower-case host name", d)}
			}
			if other, ok := owner[d]; ok {
				return &keyError{key + ".domains", fmt.Sprintf("%q is already tenant %s's", d, other)}
			}
			if c.BaseDomain != "" && strings.HasSuffix(d, "."+c.BaseDomain) {
				return &keyError{key + ".domains", fmt.Sprintf("%q is under base_domain %q, where the name before it names a tenant", d, c.BaseDomain)}
			}
			owner[d] = name
		}
		if err := a.Limits.check(key + ".limits."); err != nil {
			return err
		}
	}
	return nil
}

// check reports the first of l's limits out of its range; prefix is where
// l is written ("limits.", "apps.blog.limits.").
func (l Limits) check(prefix string) error {
	if le := l.Limits.Check(); le != nil {
		return &keyError{prefix + le.Key, le.Msg}
	}
	switch {
	case l.Concurrency < 0:
		return &keyError{prefix + "concurrency", "must be positive"}
	case l.Queue < -1:
		return &keyError{prefix + "queue", "must be -1 (no queue) or more"}
	case l.QueueTimeout < 0:
		return &keyError{prefix + "queue_timeout", "must be positive"}
	case l.MemoryBytes < 0:
		return &keyError{prefix + "memory_bytes", "must be positive (bytes)"}
	}
	return nil
}

// withDefaults returns c with every unset host setting filled in.
func (c Config) withDefaults() Config {
	d := DefaultConfig
	if c.IdleTimeout == 0 {
		c.IdleTimeout = d.IdleTimeout
	}
	if c.MemoryBudget == 0 {
		c.MemoryBudget = d.MemoryBudget
	}
	if c.MaxBundleBytes == 0 {
		c.MaxBundleBytes = d.MaxBundleBytes
	}
	if c.LoadRetry == 0 {
		c.LoadRetry = d.LoadRetry
	}
	if c.SnapshotCacheBytes == 0 {
		c.SnapshotCacheBytes = d.SnapshotCacheBytes
	}
	return c
}

// EngineOptions are the options of the host.Engine the host's tenants
// run on that this configuration decides (snapshot_cache_bytes), and a
// compilation of one worker: a tenant's module compiles on the thread of
// the lowest priority that loads it, where more workers would compile at
// normal priority beside the other tenants' requests (a cold compile
// takes longer; a compiled module is cached on disk). Pass them to
// host.NewEngine.
func (c Config) EngineOptions() []host.EngineOption {
	return []host.EngineOption{
		host.WithSnapshotCacheBytes(c.withDefaults().SnapshotCacheBytes),
		host.WithCompileConcurrency(1, 1),
	}
}

// LimitsOf returns tenant name's limits: its [apps.NAME.limits] over the
// host's [limits], the tenant-only limits filled with their defaults. The
// app settings' limits left zero are not capped.
func (c Config) LimitsOf(name string) Limits {
	return overlay(DefaultConfig.Limits, overlay(c.Limits, c.Apps[name].Limits))
}

// overlay returns base with every field top sets (non-zero) replaced.
func overlay(base, top Limits) Limits {
	b := reflect.ValueOf(&base).Elem()
	t := reflect.ValueOf(top)
	eachLimit(func(index []int, _ string) {
		if v := t.FieldByIndex(index); !v.IsZero() {
			b.FieldByIndex(index).Set(v)
		}
	})
	return base
}

// eachLimit calls f with the index and toml key of every field of Limits,
// the embedded settings.Limits' included.
func eachLimit(f func(index []int, key string)) {
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			if sf.Anonymous {
				walk(sf.Type, idx)
				continue
			}
			key, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
			if key != "" && key != "-" {
				f(idx, key)
			}
		}
	}
	walk(reflect.TypeFor[Limits](), nil)
}

// suggestKey names the key a mistyped one most likely meant.
func suggestKey(key []string) string {
	if len(key) == 0 {
		return ""
	}
	last := key[len(key)-1]
	var known []string
	switch {
	case len(key) == 1:
		known = []string{"base_domain", "path_prefix", "idle_timeout", "memory_budget", "max_bundle_bytes", "load_retry", "limits", "apps"}
	case key[0] == "limits" || (len(key) == 4 && key[0] == "apps" && key[2] == "limits"):
		eachLimit(func(_ []int, k string) { known = append(known, k) })
	case key[0] == "apps" && len(key) == 3:
		known = []string{"domains", "env", "limits"}
	}
	if best := settings.Closest(last, known); best != "" {
		return " (did you mean " + best + "?)"
	}
	return ""
}
