package dbtest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"sandkit.dev/sandkit/guest-sdk/go/db"
	"sandkit.dev/sandkit/host/dbtest"
)

func TestTestDB(t *testing.T) {
	ctx := context.Background()
	app := t.TempDir()
	writeMigration(t, app, "0001_notes.up.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);\n")
	tdb, err := dbtest.New(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	defer tdb.Close()
	t.Setenv("SANDKIT_DATABASE_ENGINE", "postgres") // the test DB's word wins
	db.SetNativeHost(tdb)
	defer db.SetNativeHost(nil)
	if e := db.Engine(); e != db.SQLite {
		t.Errorf("db.Engine over the test database: %q", e)
	}

	// The fast path, natively, against real SQLite.
	if res, err := db.Exec("INSERT INTO notes (body) VALUES (?)", "first"); err != nil || res.LastInsertID != 1 {
		t.Fatalf("insert: %+v %v", res, err)
	}
	if _, err := db.Exec("INSERT INTO notes (body) VALUES (?)", "first"); !db.IsUnique(err) {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := db.Exec("ATTACH 'x.db' AS x"); !db.IsRefused(err) {
		t.Errorf("ATTACH: %v", err)
	}

	// Rows as host-made JSON.
	if b, err := db.QueryJSON("SELECT id, body FROM notes WHERE id = ?", 1); err != nil || string(b) != `[{"id":1,"body":"first"}]` {
		t.Errorf("QueryJSON: %s %v", b, err)
	}
	if _, err := db.QueryJSON("SELECT nope FROM notes"); err == nil {
		t.Error("QueryJSON of a bad query: no error")
	}

	// bun over database/sql, natively.
	bdb := bun.NewDB(db.Open(), sqlitedialect.New())
	var bodies []string
	if err := bdb.NewSelect().Table("notes").Column("body").Scan(ctx, &bodies); err != nil || len(bodies) != 1 {
		t.Errorf("bun select: %v %v", bodies, err)
	}

	// A transaction left open is rolled back when the request ends.
	tx, err := db.Open().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.Exec("INSERT INTO notes (body) VALUES ('uncommitted')")
	tdb.EndRequest()
	var n int
	if err := db.Open().QueryRow("SELECT count(*) FROM notes").Scan(&n); err != nil || n != 1 {
		t.Errorf("after EndRequest: %d rows, %v", n, err)
	}
}

func writeMigration(t *testing.T, dir, name, sql string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "migrations"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "migrations", name), []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
}
