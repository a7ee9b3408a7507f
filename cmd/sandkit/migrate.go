// migrate: apply, undo, list and create an app's database migrations
// (APPDIR/migrations/NNNN_name.up.sql and .down.sql).

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb"
)

var migrateCmd = &command{
	name:    "migrate",
	summary: "apply, undo, list or create database migrations",
	usage:   migrateUsage,
	run:     runMigrate,
}

const migrateUsage = `Usage: sandkit migrate [up|down|status|create NAME] [APPDIR]

Manages the migrations of the app in APPDIR (default: the current folder):
SQL files APPDIR/migrations/NNNN_name.up.sql, each with an optional
NNNN_name.down.sql, applied in order to the app's database
(APPDIR/data/app.db). Each migration runs in its own transaction, begun
and committed by sandkit (a migration may not say BEGIN or COMMIT): one
that fails is rolled back whole and stops the run. Migrations run under the
same rules as the app's handlers (no ATTACH, no PRAGMA that changes
settings) and may change the app's schema: ALTER TABLE ADD, DROP and
RENAME COLUMN, RENAME TO. On SQLite, a migration that says
PRAGMA foreign_keys = OFF (SQLite's table-rebuild recipe) runs with foreign
keys off, and every foreign key is checked before it commits.

  up            apply every pending migration (the default)
  down          undo the migrations applied by the last "up"
  status        list migrations and whether each is applied
  create NAME   write an empty NNNN_name.up.sql and .down.sql pair

"sandkit serve" applies pending migrations before it starts serving;
"sandkit dev" when it starts and whenever a file in migrations/ changes.
APPDIR may be an artifact written by "sandkit build -o" (checked first).
`

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, migrateUsage) }
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sub := "up"
	if len(pos) > 0 && pos[0] == "help" {
		fs.Usage()
		return flag.ErrHelp
	}
	if len(pos) > 0 {
		switch pos[0] {
		case "up", "down", "status", "create":
			sub, pos = pos[0], pos[1:]
		default:
			if len(pos) == 2 {
				sub, pos = pos[0], pos[1:] // an unknown command, reported below
			}
		}
	}
	var name string
	if sub == "create" {
		if len(pos) == 0 {
			return usageError{msg: "create needs a NAME: sandkit migrate create add_tags"}
		}
		name, pos = pos[0], pos[1:]
	}
	dir, art, err := serveDirArg(pos) // an artifact's migrations too
	if err != nil {
		return err
	}
	switch sub {
	case "create":
		if art {
			return fmt.Errorf("%s is an artifact (spec/artifact.md): create migrations in the app folder and build it again", dir)
		}
		up, down, err := appdb.CreateMigration(dir, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s\ncreated %s\n", up, down)
		return nil
	case "up", "down", "status":
	default:
		return usageError{msg: fmt.Sprintf("unknown migrate command %q: want up, down, status or create", sub)}
	}
	m, err := host.OpenMigrator(ctx, dir)
	if err != nil {
		return err
	}
	defer m.Close()
	switch sub {
	case "up":
		applied, err := m.Up(ctx)
		for _, n := range applied {
			fmt.Fprintf(stdout, "applied %s\n", n)
		}
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(stdout, "no pending migrations")
		}
	case "down":
		undone, err := m.Down(ctx)
		if err != nil {
			return err
		}
		for _, n := range undone {
			fmt.Fprintf(stdout, "rolled back %s\n", n)
		}
		if len(undone) == 0 {
			fmt.Fprintln(stdout, "nothing to roll back")
		}
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		if len(st) == 0 {
			fmt.Fprintf(stdout, "no migrations in %s\n", filepath.Join(dir, appdb.MigrationsDir))
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied " + s.AppliedAt.UTC().Format(time.DateTime)
			}
			fmt.Fprintf(stdout, "%-40s %s\n", s.Name, state)
		}
	}
	return nil
}

// Hints after a failed migration: serve stops, dev tries again when a
// file of the app changes.
const (
	hintServeMigration = "fix the migration and start again"
	hintDevMigration   = "fix the migration: dev applies it when you save"
)

// applyMigrations applies the app's pending migrations before it is
// served (serve refuses to start if one fails) or when one appears in
// dev; hint says what to do after a failure.
func applyMigrations(ctx context.Context, dir string, log *slog.Logger, hint string) error {
	if _, err := os.Stat(filepath.Join(dir, appdb.MigrationsDir)); os.IsNotExist(err) {
		return nil
	}
	m, err := host.OpenMigrator(ctx, dir)
	if err != nil {
		return err
	}
	defer m.Close()
	start := time.Now()
	applied, err := m.Up(ctx)
	if err != nil {
		return fmt.Errorf("%w\nhint: %s; migrations applied before it stay applied (sandkit migrate status)", err, hint)
	}
	if len(applied) == 0 {
		log.Info("migrations: database is up to date")
		return nil
	}
	log.Info("migrations applied", "count", len(applied), "names", strings.Join(applied, ","), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
