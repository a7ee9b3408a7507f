// Placement: how a tenant's app is opened on this host — its name, data
// folder and settings environment, its limits (the operator's, lowered
// where the app asks for less) and the instance budget its memory_bytes
// allows.

package tenant

import (
	"fmt"
	"os"
	"reflect"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/settings"
)

// pageBytes is the size of a WebAssembly memory page.
const pageBytes = 64 << 10

// placement is what opening one version of a tenant takes.
type placement struct {
	tenant host.Tenant
	budget *host.InstanceBudget
	// memory is what the tenant's guests may hold at most: its instance
	// budget times its memory_pages. The host's memory budget counts it.
	memory int64
	limits Limits
}

// EnvOf is the environment tenant name's settings are read with: its
// [apps.NAME.env], and of the host process's only SANDKIT_DATABASE_URL. A
// registry checks an upload's settings with it (registry.WithEnv).
func (c Config) EnvOf(name string) func(string) (string, bool) {
	env := c.Apps[name].Env
	return func(k string) (string, bool) {
		if k == settings.DatabaseURLEnv {
			return os.LookupEnv(k)
		}
		v, ok := env[k]
		return v, ok
	}
}

// place reads the settings of tenant name's version in dir and says how it
// is opened.
func (h *Host) place(name, dir string) (placement, error) {
	lookup := h.cfg.EnvOf(name)
	s, err := settings.LoadWith(dir, lookup)
	if err != nil {
		return placement{}, fmt.Errorf("app %q: %w", name, err)
	}
	op := h.cfg.LimitsOf(name)
	capped := func(l settings.Limits) settings.Limits { return capLimits(l, s.Origin, op.Limits) }
	per := int64(capped(s.Config().Limits).MemoryPages) * pageBytes
	n := max(op.MemoryBytes/per, 1)
	return placement{
		tenant: host.Tenant{Name: name, DataDir: h.reg.DataDir(name), Lookup: lookup, Limits: capped},
		budget: host.NewInstanceBudget(int(min(n, 1<<20))),
		memory: n * per,
		limits: op,
	}, nil
}

// capLimits returns the limits an app gets from its own (app, every field
// filled) and the operator's (op, zero where unset): the operator's value
// where the app's settings set none (origin says), else the smaller of
// the two.
func capLimits(app settings.Limits, origin func(key string) settings.Origin, op settings.Limits) settings.Limits {
	a := reflect.ValueOf(&app).Elem()
	o := reflect.ValueOf(op)
	t := a.Type()
	for i := range t.NumField() {
		ov := o.Field(i)
		if ov.IsZero() {
			continue
		}
		key := "limits." + t.Field(i).Tag.Get("toml")
		av := a.Field(i)
		if origin(key).Kind == settings.FromDefault || less(ov, av) {
			av.Set(ov)
		}
	}
	return app
}

// less reports whether a < b for two values of one integer kind.
func less(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() < b.Uint()
	}
	return a.Int() < b.Int()
}
