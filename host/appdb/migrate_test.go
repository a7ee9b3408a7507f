package appdb_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

func writeMigration(t *testing.T, dir, name, sql string) {
	t.Helper()
	p := filepath.Join(dir, appdb.MigrationsDir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
}

func migrator(t *testing.T, dir string) *appdb.Migrator {
	t.Helper()
	m, err := openMigrator(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// openMigrator opens the SQLite database of the app in dir for migrating.
func openMigrator(ctx context.Context, dir string) (*appdb.Migrator, error) {
	eng := sqlite.New(filepath.Join(dir, sqlite.AppDBPath), settings.DefaultLimits)
	return appdb.OpenMigrator(ctx, "app", dir, eng)
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeMigration(t, dir, "0001_create_notes.up.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nINSERT INTO notes (body) VALUES ('first');\n")
	writeMigration(t, dir, "0001_create_notes.down.sql", "DROP TABLE notes;\n")
	m := migrator(t, dir)
	applied, err := m.Up(ctx)
	if err != nil || strings.Join(applied, ",") != "0001_create_notes" {
		t.Fatalf("up: %v %v", applied, err)
	}
	if applied, err := m.Up(ctx); err != nil || len(applied) != 0 {
		t.Errorf("second up: %v %v", applied, err)
	}

	// A failing migration is rolled back entirely and not marked applied.
	writeMigration(t, dir, "0002_broken.up.sql", "CREATE TABLE half (x INTEGER);\nINSERT INTO nope VALUES (1);\n")
	writeMigration(t, dir, "0003_hostile.up.sql", "ATTACH '/tmp/x.db' AS x;\n")
	m = migrator(t, dir)
	applied, err = m.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "migrations/0002_broken.up.sql") || !strings.Contains(err.Error(), "no such table: nope") || len(applied) != 0 {
		t.Fatalf("broken migration: %v %v", applied, err)
	}
	st, err := m.Status(ctx)
	if err != nil || len(st) != 3 || !st[0].Applied || st[1].Applied || st[2].Applied {
		t.Errorf("status %+v %v", st, err)
	}
	os.Remove(filepath.Join(dir, appdb.MigrationsDir, "0002_broken.up.sql"))
	m = migrator(t, dir)
	if _, err := m.Up(ctx); err == nil || !strings.Contains(err.Error(), "0003_hostile") || !strings.Contains(err.Error(), "ATTACH") {
		t.Errorf("hostile migration: %v", err)
	}
	os.Remove(filepath.Join(dir, appdb.MigrationsDir, "0003_hostile.up.sql"))

	// Down undoes the last group.
	m = migrator(t, dir)
	if undone, err := m.Down(ctx); err != nil || strings.Join(undone, ",") != "0001_create_notes" {
		t.Errorf("down: %v %v", undone, err)
	}
	if st, _ := m.Status(ctx); len(st) != 1 || st[0].Applied {
		t.Errorf("status after down %+v", st)
	}

	// Bad names are errors, create numbers the next one.
	up, down, err := appdb.CreateMigration(dir, "Add tags")
	if err != nil || filepath.Base(up) != "0002_add_tags.up.sql" || filepath.Base(down) != "0002_add_tags.down.sql" {
		t.Errorf("create: %s %s %v", up, down, err)
	}
	writeMigration(t, dir, "1_Bad.up.sql", "")
	if _, err := openMigrator(ctx, dir); err == nil || !strings.Contains(err.Error(), "1_Bad.up.sql") {
		t.Errorf("bad name: %v", err)
	}
}

// A host whose migrations are all applied opens its app while another
// holds the migration lock (a second host of a fleet loading the same
// version, or a lock left by a migration that was killed): only applying
// a migration takes the lock.
func TestMigrationsUpToDateIgnoreTheLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeMigration(t, dir, "0001_create_notes.up.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY);\n")
	if _, err := migrator(t, dir).Up(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.AppDBPath))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO bun_migration_locks (table_name) VALUES ('bun_migrations')"); err != nil {
		t.Fatal(err)
	}
	if applied, err := migrator(t, dir).Up(ctx); err != nil || len(applied) != 0 {
		t.Errorf("up to date, the lock held elsewhere: %v %v", applied, err)
	}
	// A pending migration waits for nobody: it is refused, saying why.
	writeMigration(t, dir, "0002_more.up.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);\n")
	if _, err := migrator(t, dir).Up(ctx); err == nil || !strings.Contains(err.Error(), "another migration is running") {
		t.Errorf("pending, the lock held elsewhere: %v", err)
	}
}
