package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
)

// A request may change the app's own schema in every way ALTER TABLE
// offers: the authorizer reads ALTER's arguments as SQLite passes them (the
// database first; DROP COLUMN's column third, not a database name) and
// lets through what SQLite compiles for the ALTER itself (the check of a
// new column's CHECK constraint, the rewrite of the schema tables). What
// it allows an ALTER is not allowed on its own.
func TestDBAlterTable(t *testing.T) {
	adb, _, _ := testDB(t, "a", settings.Limits{})
	_, s := session(t, adb)
	for _, q := range []string{
		"CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)",
		"CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id), v INTEGER, w TEXT)",
		"CREATE VIEW names AS SELECT name FROM p",
		"CREATE TRIGGER p_ins AFTER INSERT ON p BEGIN INSERT INTO c (p_id) VALUES (new.id); END",
		"INSERT INTO p (name) VALUES ('a')",
		"ALTER TABLE p ADD COLUMN n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0)",
		"ALTER TABLE p ADD COLUMN m INTEGER CHECK (m > 0)",
		"ALTER TABLE c DROP COLUMN v",
		"ALTER TABLE main.c DROP COLUMN w",
		"ALTER TABLE p RENAME COLUMN name TO title",
		"ALTER TABLE p RENAME TO parent",
	} {
		if e := run(s, q); e != nil {
			t.Fatalf("%s: %v", q, e)
		}
	}
	if r, e := rows(t, s, "SELECT title FROM names"); e != nil || len(r) != 1 || r[0][0].Str != "a" {
		t.Errorf("the view after the renames: %v %v", r, e)
	}
	expectRefused(t, "a new column's CHECK", run(s, "UPDATE parent SET n = -1"), abi.CodeCheck, "CHECK constraint failed")
	// A new column whose constraint the existing rows break is refused by
	// SQLite's own check (which raises a plain error, code 1).
	expectRefused(t, "a CHECK the rows break", run(s, "ALTER TABLE parent ADD COLUMN k INTEGER DEFAULT -1 CHECK (k >= 0)"), abi.CodeError, "CHECK constraint failed")
	for _, tc := range []struct{ sql, want string }{
		{"PRAGMA quick_check", "PRAGMA quick_check"},
		{"PRAGMA main.quick_check(parent)", "PRAGMA quick_check"},
		{"PRAGMA integrity_check", "PRAGMA integrity_check"},
		// In one script with an ALTER, only that table's check passes.
		{"ALTER TABLE parent ADD COLUMN z1 INTEGER; PRAGMA quick_check", "PRAGMA quick_check"},
		{"ALTER TABLE parent ADD COLUMN z2 INTEGER; PRAGMA writable_schema = ON", "PRAGMA writable_schema"},
		{"ALTER TABLE parent ADD COLUMN z3 INTEGER; UPDATE sqlite_temp_master SET sql = ''", "sqlite_temp_master"},
		{"ALTER TABLE parent ADD COLUMN z4 INTEGER; CREATE TEMP TABLE x (y)", "TEMP"},
		{"PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys"},
		{"ALTER TABLE temp.parent ADD COLUMN x", "no such table"},
	} {
		e := run(s, tc.sql)
		if e == nil {
			_, e = rows(t, s, tc.sql)
		}
		if e == nil || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.sql, e, tc.want)
		}
	}
}

// A migration may also turn foreign keys off and on (a table rebuild),
// and nothing else the guests may not do: its SQL is as untrusted as a
// handler's. Transaction control is the host's.
func TestMigratePolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h, err := New(filepath.Join(dir, AppDBPath), settings.DefaultLimits).Open(ctx, appdb.PolicyMigrate)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	db := h.Bun().DB
	for _, q := range []string{
		"CREATE TABLE p (id INTEGER PRIMARY KEY)",
		"CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id))",
		"PRAGMA foreign_keys = OFF",
		"PRAGMA foreign_keys = on",
		"PRAGMA main.foreign_keys(0)",
		"PRAGMA foreign_keys = 1",
		"PRAGMA defer_foreign_keys = ON",
		"PRAGMA foreign_keys",
		"PRAGMA foreign_key_check",
		"PRAGMA foreign_key_check(c)",
		"SAVEPOINT a; RELEASE a",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Errorf("%s: %v (%s)", q, err, h.Refusal())
		}
	}
	other := filepath.Join(dir, "other.db")
	for _, tc := range []struct{ sql, want string }{
		{"ATTACH '" + other + "' AS o", "ATTACH"},
		{"VACUUM INTO '" + other + "'", "VACUUM INTO"},
		{"VACUUM", "VACUUM"},
		{"SELECT load_extension('/tmp/x.so')", "load_extension"},
		{"PRAGMA foreign_keys = '/tmp/x'", "PRAGMA foreign_keys"},
		{"PRAGMA writable_schema = ON", "PRAGMA writable_schema"},
		{"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode"},
		{"PRAGMA journal_mode = OFF", "PRAGMA journal_mode"},
		{"PRAGMA temp_store_directory = '/tmp'", "PRAGMA temp_store_directory"},
		{"PRAGMA data_store_directory = '/tmp'", "PRAGMA data_store_directory"},
		{"PRAGMA max_page_count = 1000000000", "PRAGMA max_page_count"},
		{"PRAGMA trusted_schema = ON", "PRAGMA trusted_schema"},
		{"PRAGMA mmap_size = 1000000000", "PRAGMA mmap_size"},
		{"PRAGMA legacy_alter_table = ON", "PRAGMA legacy_alter_table"},
		{"PRAGMA schema_version = 7", "PRAGMA schema_version"},
		{"PRAGMA locking_mode = EXCLUSIVE", "PRAGMA locking_mode"},
		{"PRAGMA query_only = ON", "PRAGMA query_only"},
		{"PRAGMA integrity_check", "PRAGMA integrity_check"},
		{"CREATE TEMP TABLE x (y)", "TEMP"},
		{"BEGIN", "BEGIN is not allowed in a migration"},
		{"COMMIT", "COMMIT is not allowed in a migration"},
		{"ROLLBACK", "ROLLBACK is not allowed in a migration"},
	} {
		_, err := db.ExecContext(ctx, tc.sql)
		why := h.Refusal()
		if err == nil || !strings.Contains(why, tc.want) {
			t.Errorf("%s: %v (%q), want a refusal with %q", tc.sql, err, why, tc.want)
		}
	}
	if _, err := os.Stat(other); err == nil {
		t.Error("a file was written")
	}
}

// A migration's transaction begun with foreign keys off (the migrator
// says so in its context) runs with them off, is checked before it
// commits, and leaves the connection with them on again, committed or
// not.
func TestMigrateForeignKeysOff(t *testing.T) {
	ctx := context.Background()
	h, err := New(filepath.Join(t.TempDir(), AppDBPath), settings.DefaultLimits).Open(ctx, appdb.PolicyMigrate)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	c, err := h.Bun().DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	fkOn := func() int {
		var on int
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
			t.Fatal(err)
		}
		return on
	}
	exec("CREATE TABLE p (id INTEGER PRIMARY KEY)")
	exec("CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE)")
	exec("INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1), (2, 2)")
	off := appdb.WithForeignKeysOff(ctx)

	// A rebuild of p: its rows are kept, c's too.
	tx, err := c.BeginTx(off, nil)
	if err != nil {
		t.Fatal(err)
	}
	var during int
	tx.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&during)
	for _, q := range []string{"CREATE TABLE new_p (id INTEGER PRIMARY KEY, x INTEGER)", "INSERT INTO new_p (id) SELECT id FROM p",
		"DROP TABLE p", "ALTER TABLE new_p RENAME TO p"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v (%s)", q, err, h.Refusal())
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var n int
	c.QueryRowContext(ctx, "SELECT count(*) FROM c").Scan(&n)
	if during != 0 || n != 2 || fkOn() != 1 {
		t.Errorf("foreign keys during the rebuild %d, after %d; rows of c %d, want 0, 1, 2", during, fkOn(), n)
	}

	// One that leaves a violation is rolled back.
	tx, err = c.BeginTx(off, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM p WHERE id = 2; CREATE TABLE more (x)"); err != nil {
		t.Fatal(err)
	}
	err = tx.Commit()
	if err == nil || !strings.Contains(err.Error(), "a row of c (rowid 2) references a missing row of p") {
		t.Errorf("commit with a violation: %v", err)
	}
	c.QueryRowContext(ctx, "SELECT count(*) FROM p").Scan(&n)
	if err := c.QueryRowContext(ctx, "SELECT count(*) FROM more").Scan(new(int)); err == nil || n != 2 || fkOn() != 1 {
		t.Errorf("after the rolled-back migration: rows of p %d, table more %v, foreign keys %d", n, err, fkOn())
	}

	// Rolled back by the migrator (a statement failed): on again.
	tx, err = c.BeginTx(off, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	// Without the mark, foreign keys stay on through the transaction.
	tx, err = c.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA foreign_keys = OFF; DELETE FROM p WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	tx.Commit()
	c.QueryRowContext(ctx, "SELECT count(*) FROM c").Scan(&n)
	if fkOn() != 1 || n != 1 {
		t.Errorf("without the mark: foreign keys %d, rows of c %d (ON DELETE CASCADE), want 1, 1", fkOn(), n)
	}
}
