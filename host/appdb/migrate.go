// Migrations: an app's migrations/NNNN_name.up.sql and .down.sql applied
// to its database with bun's migrate package, each in its own transaction
// and under the same policy as the app's guests.

package appdb

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun/migrate"
)

// MigrationsDir is where an app keeps its migrations, relative to its folder.
const MigrationsDir = "migrations"

// Migrator applies an app's migrations. Make one with OpenMigrator and
// Close it when done.
type Migrator struct {
	app  string
	h    Handle
	m    *migrate.Migrator
	fsys *txFS // nil without a migrations folder
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Name      string // "0001_create_todos"
	Applied   bool
	AppliedAt time.Time // zero if not applied
}

// migrationName is the file name convention: NNNN_name.up.sql / .down.sql,
// or NNNN_name.ENGINE.up.sql for a variant that replaces the plain file on
// one engine (sqlite or postgres).
var migrationName = regexp.MustCompile(`^(\d{1,14})_([0-9a-z_\-]+)(?:\.(sqlite|postgres))?\.(up|down)\.sql$`)

// migrationLabel is what CreateMigration accepts as the name part.
var migrationLabel = regexp.MustCompile(`^[0-9a-z_\-]+$`)

// OpenMigrator opens the database eng keeps for the app named app, to
// apply the migrations in dir/migrations. The statements of a migration
// run under the guests' policy (no ATTACH, no PRAGMA that changes
// settings, no transaction control: the host begins and commits each
// migration's transaction), with PRAGMA foreign_keys allowed: a
// migration that turns foreign keys off runs with them off and is checked
// before it commits (foreignkeys.go).
func OpenMigrator(ctx context.Context, app, dir string, eng Engine) (*Migrator, error) {
	mdir := filepath.Join(dir, MigrationsDir)
	migrations := migrate.NewMigrations()
	var fsys *txFS
	if _, err := os.Stat(mdir); err == nil {
		if err := checkMigrationNames(mdir); err != nil {
			return nil, fmt.Errorf("app %q: %w", app, err)
		}
		fsys = &txFS{os.DirFS(mdir), eng.Name()}
		found := migrate.NewMigrations()
		if err := found.Discover(fsys); err != nil {
			return nil, fmt.Errorf("app %q: %s: %w", app, MigrationsDir, err)
		}
		migrations = foreignKeysAware(found, *fsys)
	}
	h, err := eng.Open(ctx, PolicyMigrate)
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", app, err)
	}
	if fsys != nil {
		if err := checkMigrations(*fsys, h); err != nil {
			h.Close()
			return nil, fmt.Errorf("app %q: %w", app, err)
		}
	}
	m := migrate.NewMigrator(h.Bun(), migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		h.Close()
		return nil, fmt.Errorf("app %q: migrations table: %w", app, err)
	}
	return &Migrator{app: app, h: h, m: m, fsys: fsys}, nil
}

// foreignKeysAware returns the migrations found, those whose SQL turns
// foreign keys off (TurnsForeignKeysOff) run with a context that says so
// (ForeignKeysOff), which the engine reads as it begins their
// transaction.
func foreignKeysAware(found *migrate.Migrations, fsys txFS) *migrate.Migrations {
	turnsOff := func(name string) bool {
		b, err := fs.ReadFile(fsys, name)
		return err == nil && TurnsForeignKeysOff(string(b))
	}
	out := migrate.NewMigrations()
	for _, mg := range found.Sorted() {
		base := mg.Name + "_" + mg.Comment + ".tx."
		if up := mg.Up; up != nil && turnsOff(base+"up.sql") {
			mg.Up = func(ctx context.Context, m *migrate.Migrator, g *migrate.Migration) error {
				return up(WithForeignKeysOff(ctx), m, g)
			}
		}
		if down := mg.Down; down != nil && turnsOff(base+"down.sql") {
			mg.Down = func(ctx context.Context, m *migrate.Migrator, g *migrate.Migration) error {
				return down(WithForeignKeysOff(ctx), m, g)
			}
		}
		out.Add(mg)
	}
	return out
}

// checkMigrationNames refuses files in the migrations folder that look
// like migrations but do not follow the convention, so that a typo is an
// error instead of a migration silently skipped.
func checkMigrationNames(mdir string) error {
	ents, err := os.ReadDir(mdir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".sql") && !migrationName.MatchString(n) {
			return fmt.Errorf("%s/%s: a migration is named NNNN_name.up.sql or NNNN_name.down.sql (lower case, digits, _ and -)", MigrationsDir, n)
		}
	}
	return nil
}

// refusal explains a statement the policy refused, if one was.
func (m *Migrator) refusal() string {
	if why := m.h.Refusal(); why != "" {
		return ": " + why
	}
	return ""
}

// Close closes the database.
func (m *Migrator) Close() error { return m.h.Close() }

// Up applies every pending migration in order, each in a transaction, and
// returns the names applied. It stops at the first failure, which it
// returns with the migration's file name; the failed migration is rolled
// back and not marked applied. With none pending it takes no lock: the
// hosts of a fleet opening one app at once (its deploy applied its
// migrations) do not refuse each other, nor does a lock a killed
// migration left stop a version that needs nothing.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	ms, err := m.m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", m.app, err)
	}
	if len(ms.Unapplied()) == 0 {
		return nil, nil
	}
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.m.Unlock(context.Background())
	g, err := m.m.Migrate(ctx)
	applied := names(g)
	if err != nil {
		if len(applied) > 0 {
			applied = applied[:len(applied)-1] // the last one failed
		}
		return applied, fmt.Errorf("app %q: migration %s: %w%s", m.app, m.failedFile(g, "up", err), err, m.refusal())
	}
	return applied, nil
}

// Down rolls back the last group of migrations applied together (by one
// Up) and returns their names.
func (m *Migrator) Down(ctx context.Context) ([]string, error) {
	if err := m.lock(ctx); err != nil {
		return nil, err
	}
	defer m.m.Unlock(context.Background())
	g, err := m.m.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("app %q: rolling back %s: %w%s", m.app, m.failedFile(g, "down", err), err, m.refusal())
	}
	undone := names(g)
	slices.Reverse(undone) // bun rolls a group back last first
	return undone, nil
}

// Status lists every migration, applied or not, in order.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	ms, err := m.m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", m.app, err)
	}
	out := make([]MigrationStatus, len(ms))
	for i, mg := range ms {
		out[i] = MigrationStatus{Name: mg.Name + "_" + mg.Comment, Applied: mg.IsApplied(), AppliedAt: mg.MigratedAt}
	}
	return out, nil
}

// lock takes bun's migration lock; a lock left by a crashed run is
// reported with the fix.
func (m *Migrator) lock(ctx context.Context) error {
	if err := m.m.Lock(ctx); err != nil {
		return fmt.Errorf("app %q: another migration is running (or one crashed holding the lock: delete the row of bun_migration_locks): %w", m.app, err)
	}
	return nil
}

func names(g *migrate.MigrationGroup) []string {
	if g == nil {
		return nil
	}
	var out []string
	for _, mg := range g.Migrations {
		out = append(out, mg.Name+"_"+mg.Comment)
	}
	return out
}

// failedFile names the file of the migration of g that err (bun's
// "NNNN: up: ...") is about: NNNN_name.up.sql, or the engine's variant
// (NNNN_name.postgres.up.sql) if that is the one that ran.
func (m *Migrator) failedFile(g *migrate.MigrationGroup, dir string, err error) string {
	if g == nil {
		return MigrationsDir
	}
	for _, mg := range g.Migrations {
		if strings.HasPrefix(err.Error(), mg.Name+": "+dir+": ") {
			file := fmt.Sprintf("%s_%s.%s.sql", mg.Name, mg.Comment, dir)
			if m.fsys != nil { // the engine's variant, if that is what ran
				file = m.fsys.source(fmt.Sprintf("%s_%s.tx.%s.sql", mg.Name, mg.Comment, dir))
			}
			return MigrationsDir + "/" + file
		}
	}
	return MigrationsDir
}

// CreateMigration writes an empty pair of migration files named after
// name with the next free number and returns their paths.
func CreateMigration(dir, name string) (up, down string, err error) {
	name = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", "_"))
	if !migrationLabel.MatchString(name) {
		return "", "", fmt.Errorf("migration name %q: use lower-case letters, digits, _ and -", name)
	}
	mdir := filepath.Join(dir, MigrationsDir)
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		return "", "", err
	}
	ents, err := os.ReadDir(mdir)
	if err != nil {
		return "", "", err
	}
	next := 1
	for _, e := range ents {
		if m := migrationName.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1]) // at most 14 digits
			next = max(next, n+1)
		}
	}
	base := fmt.Sprintf("%04d_%s", next, name)
	up = filepath.Join(mdir, base+".up.sql")
	down = filepath.Join(mdir, base+".down.sql")
	if err := os.WriteFile(up, []byte("-- "+base+": applied by `sandkit migrate up`, in a transaction.\n"), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(down, []byte("-- "+base+": undone by `sandkit migrate down`, in a transaction.\n"), 0o644); err != nil {
		return "", "", err
	}
	return up, down, nil
}

// checkMigrations has the engine check every migration before any runs
// (an engine that checks statements as they run, as SQLite's authorizer
// does, passes them all here).
func checkMigrations(fsys txFS, h Handle) error {
	ents, err := fsys.ReadDir(".")
	if err != nil {
		return err
	}
	for _, e := range ents {
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return err
		}
		if why := h.CheckMigration(string(b)); why != "" {
			return fmt.Errorf("%s/%s: %s", MigrationsDir, fsys.source(e.Name()), why)
		}
	}
	return nil
}

// txFS shows every NNNN_name.up.sql as NNNN_name.tx.up.sql (and down
// alike), which is how bun's migrate package is told to run a SQL
// migration in a transaction. A variant for the engine
// (NNNN_name.postgres.up.sql) stands in for the plain file; variants for
// other engines are not shown.
type txFS struct {
	fsys   fs.FS
	engine string // "sqlite" or "postgres"
}

// source is the file behind a name shown by ReadDir.
func (t txFS) source(name string) string {
	for _, d := range []string{"up", "down"} {
		if orig, ok := strings.CutSuffix(name, ".tx."+d+".sql"); ok {
			if v := orig + "." + t.engine + "." + d + ".sql"; fileExists(t.fsys, v) {
				return v
			}
			return orig + "." + d + ".sql"
		}
	}
	return name
}

func fileExists(fsys fs.FS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return err == nil
}

func (t txFS) Open(name string) (fs.File, error) {
	if name == "." {
		return t.fsys.Open(name)
	}
	if src := t.source(name); src != name {
		return t.fsys.Open(src)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (t txFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, nil // migrations live at the top of the folder
	}
	ents, err := fs.ReadDir(t.fsys, name)
	if err != nil {
		return nil, err
	}
	var out []fs.DirEntry
	seen := map[string]bool{}
	for _, e := range ents {
		n := e.Name()
		m := migrationName.FindStringSubmatch(n)
		if e.IsDir() || m == nil || strings.Contains(n, ".tx.") || (m[3] != "" && m[3] != t.engine) {
			continue
		}
		n = m[1] + "_" + m[2] + ".tx." + m[4] + ".sql"
		if !seen[n] {
			seen[n] = true
			out = append(out, renamed{e, n})
		}
	}
	return out, nil
}

type renamed struct {
	fs.DirEntry
	name string
}

func (r renamed) Name() string { return r.name }
