package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
)

// driverConn is every interface policyConn forwards.
type driverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// failingConn is a driver connection on which the statements in fail do
// not run and fail, as a broken connection's would.
type failingConn struct {
	driverConn
	fail map[string]bool
}

func (f *failingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if f.fail[q] {
		return nil, errors.New("injected failure of " + q)
	}
	return f.driverConn.ExecContext(ctx, q, args)
}

// breakConn makes the statements in fail fail on the one open connection
// of eng's database (the session's) and returns its state.
func breakConn(t *testing.T, eng *recorder, fail ...string) *connState {
	t.Helper()
	if n := len(eng.h.conn.open); n != 1 {
		t.Fatalf("%d connections open, want the session's only", n)
	}
	for _, pc := range eng.h.conn.open {
		f := &failingConn{driverConn: pc.Conn.(driverConn), fail: map[string]bool{}}
		for _, q := range fail {
			f.fail[q] = true
		}
		pc.Conn = f
		return pc.st
	}
	return nil
}

// TestDBConnectionNotCleanIsDiscarded: a connection whose transaction
// could not be ended, or whose read-only switch could not be turned off, is
// closed instead of going back to the pool, where the next request would
// inherit the open transaction (and the write lock) or query_only.
func TestDBConnectionNotCleanIsDiscarded(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		fail     []string
		readOnly bool
		end      func(*appdb.Session) *abi.DBError
	}{
		{"commit and its rollback fail", []string{"COMMIT", "ROLLBACK"}, false, func(s *appdb.Session) *abi.DBError { return s.End(ctx, true) }},
		{"db_rollback fails", []string{"ROLLBACK"}, false, func(s *appdb.Session) *abi.DBError { return s.End(ctx, false) }},
		{"rollback at the request's end fails", []string{"ROLLBACK"}, false, nil},
		{"query_only = 0 fails after commit", []string{"PRAGMA query_only = 0"}, true, func(s *appdb.Session) *abi.DBError { return s.End(ctx, true) }},
		{"query_only = 0 fails after rollback", []string{"PRAGMA query_only = 0"}, true, func(s *appdb.Session) *abi.DBError { return s.End(ctx, false) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			adb, eng, _ := testDB(t, "reset", settings.Limits{})
			end, s := session(t, adb)
			if e := run(s, "CREATE TABLE t (x INTEGER)"); e != nil {
				t.Fatal(e)
			}
			st := breakConn(t, eng, tc.fail...)
			if e := s.Begin(ctx, tc.readOnly); e != nil {
				t.Fatal(e)
			}
			if !tc.readOnly {
				if e := run(s, "INSERT INTO t VALUES (1)"); e != nil {
					t.Fatal(e)
				}
			}
			if tc.end != nil {
				tc.end(s)
			}
			end()
			eng.h.conn.mu.Lock()
			_, kept := eng.h.conn.open[st]
			eng.h.conn.mu.Unlock()
			if kept {
				t.Errorf("the connection is still open")
			}
			// The next request writes, on a clean connection, and sees no
			// row of the transaction that was not committed.
			_, s2 := session(t, adb)
			if e := run(s2, "INSERT INTO t VALUES (2)"); e != nil {
				t.Errorf("write on the next request: %v", e)
			}
			if r, e := rows(t, s2, "SELECT count(*) FROM t WHERE x = 1"); e != nil || r[0][0].Int != 0 {
				t.Errorf("rows of the transaction not committed: %v %v", r, e)
			}
		})
	}
}
