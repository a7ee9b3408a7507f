// Database wiring and tenant placement: which engine keeps an app's data
// (its SQLite file, or its own role and schema of the PostgreSQL database the
// host's SANDKIT_DATABASE_URL names), the migrator the CLI uses, and how a
// multi-app host places an app it does not trust —
// the name it is known by, where its data lives, what environment its
// settings see and the operator's caps on its limits.

package host

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/internal/sched"
	"sandkit.dev/sandkit/host/settings"
)

// Tenant places an app on a host that serves many (see WithTenant). The zero
// value of each field keeps what a single-app host does.
type Tenant struct {
	// Name is the tenant's identity on the host: its database role and
	// schema on PostgreSQL, its logs and metrics. It replaces the name
	// the app's own sandkit.toml claims, which a hostile app could set to
	// another tenant's.
	Name string
	// DataDir holds the app's SQLite database (DataDir/app.db) instead
	// of the app folder's data/, so that versions of an app share it.
	DataDir string
	// Lookup is the environment the app's settings are read with
	// (SANDKIT_* variables, from_env): an operator gives each tenant its
	// own, never the host process's. Nil means os.LookupEnv.
	Lookup func(string) (string, bool)
	// Limits, if set, turns the app's own limits into the ones it gets:
	// the operator's defaults and caps.
	Limits func(settings.Limits) settings.Limits
}

// WithTenant opens the app as tenant t of a multi-app host.
func WithTenant(t Tenant) AppOption {
	return func(o *appOptions) { o.tenant = t }
}

// appOptions is what AppOptions set before an app is opened.
type appOptions struct {
	budget *budget
	tenant Tenant
	// devSecretKey stands in for an unset secret_key (sandkit dev).
	devSecretKey string
	group        *sched.Group // WithScheduler
}

// config reads the effective settings of the app in dir as t places it.
func (t Tenant) config(dir string) (settings.Config, error) {
	lookup := t.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	s, err := settings.LoadWith(dir, lookup)
	if err != nil {
		return settings.Config{}, err
	}
	cfg := s.Config()
	if t.Name != "" {
		cfg.Name = t.Name
	}
	if t.Limits != nil {
		cfg.Limits = t.Limits(cfg.Limits)
	}
	return cfg, nil
}

// engine is the database engine of the app in dir, configured by cfg.
func (t Tenant) engine(dir string, cfg settings.Config, log *slog.Logger) appdb.Engine {
	if cfg.Database.URL != "" {
		return postgres.New(cfg.Database.URL, cfg.Name, cfg.Limits, log)
	}
	path := filepath.Join(dir, filepath.FromSlash(sqlite.AppDBPath))
	if t.DataDir != "" {
		path = filepath.Join(t.DataDir, filepath.Base(path))
	}
	return sqlite.New(path, cfg.Limits)
}

// OpenMigrator opens the database of the app in dir for applying its
// migrations/ (appdb.Migrator); its sandkit.toml says where the data lives,
// and a WithTenant option places it as OpenApp would.
func OpenMigrator(ctx context.Context, dir string, opts ...AppOption) (*appdb.Migrator, error) {
	var o appOptions
	for _, f := range opts {
		f(&o)
	}
	cfg, err := o.tenant.config(dir)
	if err != nil {
		return nil, err
	}
	return appdb.OpenMigrator(ctx, cfg.Name, dir, o.tenant.engine(dir, cfg, slog.Default()))
}
