package sqlite_test

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

// The policy refuses what reaches past the app's own file.
func Example() {
	dir, _ := os.MkdirTemp("", "app-")
	defer os.RemoveAll(dir)
	l := settings.DefaultLimits
	db := appdb.New("app", sqlite.New(filepath.Join(dir, sqlite.AppDBPath), l), l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer db.Close()
	ctx := context.Background()
	s, _ := db.Session(ctx)
	defer s.Close()
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "CREATE TEMP TABLE t (x)", "BEGIN"} {
		e, _ := abi.DecodeDBError(s.Exec(ctx, nil, q, nil))
		fmt.Println(e.SQLState, e.Message)
	}
	// Output:
	// 42501 PRAGMA journal_mode is not allowed (only schema-reading pragmas such as table_info are)
	// 42501 TEMP tables, indexes, triggers and views are not allowed: they would outlive the request on a pooled connection, outside the app's quota
	// 42501 BEGIN is not allowed in SQL: use the transaction functions (db_begin, db_commit, db_rollback; database/sql's BeginTx)
}
