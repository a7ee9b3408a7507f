package appdb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

// evolveSteps are the migrations of testdata/evolve, in order: each
// changes the schema of the tables the first made, on SQLite and on
// PostgreSQL (with a .postgres. variant where the SQL differs).
var evolveSteps = []string{
	"0001_create_authors_books", "0002_add_rating", "0003_drop_nickname",
	"0004_rename_title", "0005_unique_author_names",
}

// evolveEngines are the engines the schema tests run on, each a new
// database for app in dir.
func evolveEngines(t *testing.T) map[string]func(app, dir string) appdb.Engine {
	return map[string]func(app, dir string) appdb.Engine{
		"sqlite": func(_, dir string) appdb.Engine {
			return sqlite.New(filepath.Join(dir, sqlite.AppDBPath), settings.DefaultLimits)
		},
		"postgres": func(app, _ string) appdb.Engine {
			url := pgtest.URL(t)
			t.Cleanup(func() {
				if err := pgtest.DropSchema(context.Background(), url, app); err != nil {
					t.Error(err)
				}
			})
			return postgres.New(url, app, settings.DefaultLimits, slog.New(slog.NewTextHandler(io.Discard, nil)))
		},
	}
}

// addMigrations copies the files of migration name (and its variants)
// from testdata/src into dir's migrations.
func addMigrations(t *testing.T, src, dir, name string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", src, name+".*sql"))
	if len(files) == 0 {
		t.Fatalf("no files for %s", name)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeMigration(t, dir, filepath.Base(f), string(b))
	}
}

// Every kind of schema change, applied and undone one migration at a
// time, on both engines: the rows survive each, the constraints each adds
// hold for the app's requests, and a rebuild that turns foreign keys off
// neither cascades (books reference authors ON DELETE CASCADE) nor
// leaves them off.
func TestMigrationsEvolveSchema(t *testing.T) {
	for name, engine := range evolveEngines(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			app := fmt.Sprintf("evolve_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
			eng := engine(app, dir)
			up := func(want ...string) {
				t.Helper()
				m, err := appdb.OpenMigrator(ctx, app, dir, eng)
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if got, err := m.Up(ctx); err != nil || !slices.Equal(got, want) {
					t.Fatalf("up: %v %v, want %v", got, err, want)
				}
			}
			down := func(want string) {
				t.Helper()
				m, err := appdb.OpenMigrator(ctx, app, dir, eng)
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if got, err := m.Down(ctx); err != nil || !slices.Equal(got, []string{want}) {
					t.Fatalf("down: %v %v, want %s", got, err, want)
				}
			}
			for i, step := range evolveSteps {
				addMigrations(t, "evolve", dir, step)
				up(step)
				expectSchema(t, app, eng, i+1)
				down(step)
				expectSchema(t, app, eng, i)
				up(step)
				expectSchema(t, app, eng, i+1)
			}

			// A migration that breaks a foreign key is rolled back whole.
			addMigrations(t, "evolve-bad", dir, "0006_drop_italo")
			m, err := appdb.OpenMigrator(ctx, app, dir, eng)
			if err != nil {
				t.Fatal(err)
			}
			applied, err := m.Up(ctx)
			if err == nil || len(applied) != 0 || !strings.Contains(err.Error(), "0006_drop_italo") || !strings.Contains(err.Error(), "books") {
				t.Errorf("a migration that breaks a foreign key: %v %v", applied, err)
			}
			t.Logf("its error: %v", err)
			st, _ := m.Status(ctx)
			if len(st) != 6 || st[5].Applied || !st[4].Applied {
				t.Errorf("status: %+v", st)
			}
			m.Close()
			expectSchema(t, app, eng, len(evolveSteps))
			os.Remove(filepath.Join(dir, appdb.MigrationsDir, "0006_drop_italo.up.sql"))
			os.Remove(filepath.Join(dir, appdb.MigrationsDir, "0006_drop_italo.postgres.up.sql"))

			// Down to nothing, one migration at a time.
			for i := len(evolveSteps) - 1; i >= 0; i-- {
				down(evolveSteps[i])
				expectSchema(t, app, eng, i)
			}
		})
	}
}

// expectSchema checks, as the app's requests see it, the database after
// the first n migrations of evolveSteps.
func expectSchema(t *testing.T, app string, eng appdb.Engine, n int) {
	t.Helper()
	db := appdb.New(app, eng, 10*time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer db.Close()
	ctx := context.Background()
	s, derr := db.Session(ctx)
	if derr != nil {
		t.Fatal(derr)
	}
	defer s.Close()
	query := func(q string) ([]string, [][]abi.Value, *abi.DBError) {
		b := s.Query(ctx, nil, q, nil, false)
		if b[0] == abi.ResultError {
			e, _ := abi.DecodeDBError(b)
			return nil, nil, e
		}
		r, err := abi.NewRowsReader(b)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for _, c := range r.Columns() {
			cols = append(cols, c.Name)
		}
		var out [][]abi.Value
		row := make([]abi.Value, len(cols))
		for r.Next(row) {
			out = append(out, slices.Clone(row))
		}
		return cols, out, nil
	}
	exec := func(q string) *abi.DBError {
		b := s.Exec(ctx, nil, q, nil)
		if b[0] != abi.ResultError {
			return nil
		}
		e, _ := abi.DecodeDBError(b)
		return e
	}
	where := fmt.Sprintf("after %d migrations", n)
	if n == 0 {
		if _, _, e := query("SELECT * FROM books"); e == nil {
			t.Errorf("%s: table books is still there", where)
		}
		return
	}
	authors := []string{"id", "name", "nickname"}
	if n >= 3 {
		authors = authors[:2]
	}
	books := []string{"id", "author_id", "title", "pages"}
	if n >= 2 {
		books = append(books, "rating")
	}
	if n >= 4 {
		books[2] = "name"
	}
	for table, want := range map[string][]string{"authors": authors, "books": books} {
		if cols, _, e := query("SELECT * FROM " + table + " WHERE 1 = 0"); e != nil || !slices.Equal(cols, want) {
			t.Errorf("%s: columns of %s %v %v, want %v", where, table, cols, e, want)
		}
	}
	if _, rows, e := query("SELECT count(*) FROM books"); e != nil || len(rows) != 1 || rows[0][0].Int != 3 {
		t.Errorf("%s: books %v %v, want 3 rows", where, rows, e)
	}
	if _, rows, e := query("SELECT count(*) FROM authors"); e != nil || len(rows) != 1 || rows[0][0].Int != 2 {
		t.Errorf("%s: authors %v %v, want 2 rows", where, rows, e)
	}
	if n >= 2 {
		if _, rows, e := query("SELECT rating FROM books WHERE id = 2"); e != nil || len(rows) != 1 || rows[0][0].Int != 3 {
			t.Errorf("%s: the new column's default: %v %v", where, rows, e)
		}
		e := exec("UPDATE books SET rating = 9 WHERE id = 1")
		if e == nil || e.Code != abi.CodeCheck {
			t.Errorf("%s: rating 9: %v, want the CHECK constraint's error", where, e)
		}
	}
	e := exec("INSERT INTO books (id, author_id, " + books[2] + ") VALUES (10, 99, 'orphan')")
	if e == nil || e.Code != abi.CodeForeignKey {
		t.Errorf("%s: a book of no author: %v, want the foreign key's error", where, e)
	}
	e = exec("INSERT INTO authors (id, name) VALUES (10, 'Ursula')")
	switch {
	case n >= 5 && (e == nil || e.Code != abi.CodeUnique):
		t.Errorf("%s: a second author named Ursula: %v, want the UNIQUE constraint's error", where, e)
	case n < 5 && e != nil:
		t.Errorf("%s: a second author named Ursula: %v", where, e)
	case n < 5:
		if e := exec("DELETE FROM authors WHERE id = 10"); e != nil {
			t.Error(e)
		}
	}
}
