// Database wiring: which engine keeps an app's data (its SQLite file, or
// its own role and schema of the PostgreSQL database the host's
// SANDKIT_DATABASE_URL names) and the migrator the CLI uses; the database
// itself is package appdb.

package host

import (
	"context"
	"log/slog"
	"path/filepath"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// appEngine is the database engine of the app in dir configured by cfg.
func appEngine(dir string, cfg settings.Config, log *slog.Logger) appdb.Engine {
	if cfg.Database.URL != "" {
		return postgres.New(cfg.Database.URL, cfg.Name, cfg.Limits, log)
	}
	return sqlite.New(filepath.Join(dir, filepath.FromSlash(sqlite.AppDBPath)), cfg.Limits)
}

// OpenMigrator opens the database of the app in dir for applying its
// migrations/ (appdb.Migrator); its sandkit.toml says where the data lives.
func OpenMigrator(ctx context.Context, dir string) (*appdb.Migrator, error) {
	cfg, err := settings.LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	return appdb.OpenMigrator(ctx, cfg.Name, dir, appEngine(dir, cfg, slog.Default()))
}
