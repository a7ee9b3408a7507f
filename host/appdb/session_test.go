package appdb_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// testSession is one request's session on a fresh SQLite database, ended
// by the test's cleanup.
func testSession(t *testing.T) *appdb.Session {
	t.Helper()
	l := settings.DefaultLimits
	db := appdb.New("test", sqlite.New(filepath.Join(t.TempDir(), sqlite.AppDBPath), l), l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { db.Close() })
	s, derr := db.Session(context.Background())
	if derr != nil {
		t.Fatal(derr)
	}
	t.Cleanup(s.Close)
	return s
}
