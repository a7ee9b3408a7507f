package host

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// TestDBStatementEmptySQL: db_exec of SQL with no statement in it answers
// the guest an error result (it was a nil dereference in the host).
func TestDBStatementEmptySQL(t *testing.T) {
	l := settings.DefaultLimits
	adb := appdb.New("empty", sqlite.New(filepath.Join(t.TempDir(), sqlite.AppDBPath), l), l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer adb.Close()
	c := newCall()
	defer c.release()
	for _, q := range []string{"", " ", "-- nothing"} {
		n := dbStatement(context.Background(), c, adb, stmtExec, []byte(q), abi.AppendArgs(nil, nil))
		if n <= 0 {
			t.Fatalf("%q: import returned %d", q, n)
		}
		e, err := abi.DecodeDBError(c.slot[:n])
		if err != nil || e.Code != abi.CodeMisuse || e.SQLState != "42601" {
			t.Errorf("%q: %v %v, want code 21 (42601)", q, e, err)
		}
	}
}
