package appdb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// One request's use of an app's SQLite database: statements in, results in
// the ABI's encodings out.
func Example() {
	dir, _ := os.MkdirTemp("", "app-")
	defer os.RemoveAll(dir)
	l := settings.DefaultLimits
	eng := sqlite.New(filepath.Join(dir, sqlite.AppDBPath), l)
	db := appdb.New("notes", eng, l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer db.Close()

	ctx := context.Background()
	s, derr := db.Session(ctx) // at the request's first database call
	if derr != nil {
		fmt.Println(derr)
		return
	}
	defer s.Close() // when the request ends

	s.Exec(ctx, nil, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", nil)
	s.Exec(ctx, nil, "INSERT INTO notes (body) VALUES (?)", []abi.Value{{Tag: abi.TagText, Str: "hello"}})
	fmt.Println(string(s.Query(ctx, nil, "SELECT * FROM notes", nil, true)[1:]))

	e, _ := abi.DecodeDBError(s.Exec(ctx, nil, "ATTACH 'other.db' AS other", nil))
	fmt.Println(e.SQLState, e.Message)
	// Output:
	// [{"id":1,"body":"hello"}]
	// 42501 ATTACH, DETACH and VACUUM INTO are not allowed: an app has exactly one database
}

// A migration that rebuilds a table on SQLite (SQLite's own recipe): it
// says PRAGMA foreign_keys = OFF, so the migrator runs it with foreign
// keys off and checks them all before it commits.
func ExampleOpenMigrator() {
	dir, _ := os.MkdirTemp("", "app-")
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, appdb.MigrationsDir), 0o755)
	for name, sql := range map[string]string{
		"0001_create.up.sql": `CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id) ON DELETE CASCADE);
INSERT INTO authors VALUES (1, 'Ursula'); INSERT INTO books VALUES (1, 1);`,
		"0002_name_not_null.up.sql": `PRAGMA foreign_keys = OFF;
CREATE TABLE new_authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO new_authors SELECT * FROM authors;
DROP TABLE authors;
ALTER TABLE new_authors RENAME TO authors;
PRAGMA foreign_keys = ON;`,
	} {
		os.WriteFile(filepath.Join(dir, appdb.MigrationsDir, name), []byte(sql), 0o644)
	}
	ctx := context.Background()
	eng := sqlite.New(filepath.Join(dir, sqlite.AppDBPath), settings.DefaultLimits)
	m, err := appdb.OpenMigrator(ctx, "library", dir, eng)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	applied, err := m.Up(ctx)
	fmt.Println(applied, err)

	db := appdb.New("library", eng, time.Second, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer db.Close()
	s, _ := db.Session(ctx)
	defer s.Close()
	fmt.Println(string(s.Query(ctx, nil, "SELECT count(*) AS books FROM books", nil, true)[1:]))
	fmt.Println(appdb.TurnsForeignKeysOff("-- PRAGMA foreign_keys = OFF\nALTER TABLE books ADD COLUMN title TEXT"))
	// Output:
	// [0001_create 0002_name_not_null] <nil>
	// [{"books":1}]
	// false
}
