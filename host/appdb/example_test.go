package appdb_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

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
