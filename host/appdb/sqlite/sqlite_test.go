package sqlite

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
)

// testDB opens a database for app in a temp folder with limits l (zero
// fields take their defaults).
func testDB(t testing.TB, app string, l settings.Limits) (*appdb.DB, *recorder, string) {
	t.Helper()
	dir := t.TempDir()
	l = l.WithDefaults()
	eng := &recorder{Engine: New(filepath.Join(dir, AppDBPath), l)}
	db := appdb.New(app, eng, l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { db.Close() })
	return db, eng, dir
}

// recorder is the engine that keeps the handle it opened, for tests that
// look inside.
type recorder struct {
	*Engine
	h *handle
}

func (r *recorder) Open(ctx context.Context, p appdb.Policy) (appdb.Handle, error) {
	h, err := r.Engine.Open(ctx, p)
	if err == nil {
		r.h = h.(*handle)
	}
	return h, err
}

// session is one request's worth of database use; end ends the request
// (the test's cleanup does, if the test does not).
func session(t testing.TB, db *appdb.DB) (end func(), s *appdb.Session) {
	t.Helper()
	s, derr := db.Session(context.Background())
	if derr != nil {
		t.Fatal(derr)
	}
	var once sync.Once
	end = func() { once.Do(s.Close) }
	t.Cleanup(end)
	return end, s
}

// run executes q as db_exec does and returns the error result, if any.
func run(s *appdb.Session, q string, args ...abi.Value) *abi.DBError {
	return errOf(s.Exec(context.Background(), nil, q, args))
}

// errOf decodes b if it is an error result.
func errOf(b []byte) *abi.DBError {
	if b[0] != abi.ResultError {
		return nil
	}
	e, err := abi.DecodeDBError(b)
	if err != nil {
		panic(err)
	}
	return e
}

// rows runs q as db_query would and decodes the result.
func rows(t *testing.T, s *appdb.Session, q string, args ...abi.Value) ([][]abi.Value, *abi.DBError) {
	t.Helper()
	b := s.Query(context.Background(), nil, q, args, false)
	if e := errOf(b); e != nil {
		return nil, e
	}
	r, err := abi.NewRowsReader(b)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]abi.Value
	row := make([]abi.Value, len(r.Columns()))
	for r.Next(row) {
		out = append(out, append([]abi.Value(nil), row...))
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	return out, nil
}

// expectRefused checks that e is an error with code and a message holding want.
func expectRefused(t *testing.T, what string, e *abi.DBError, code int32, want string) {
	t.Helper()
	if e == nil {
		t.Errorf("%s: allowed, want code %d %q", what, code, want)
		return
	}
	if e.Code != code || !strings.Contains(e.Message, want) {
		t.Errorf("%s: got %d %q, want %d with %q", what, e.Code, e.Message, code, want)
	}
}

func TestDBPolicy(t *testing.T) {
	adb, _, dir := testDB(t, "a", settings.Limits{})
	_, s := session(t, adb)
	if e := run(s, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"); e != nil {
		t.Fatal(e)
	}
	other := filepath.Join(dir, "other.db")
	for _, tc := range []struct {
		sql  string
		code int32
		want string
	}{
		{"ATTACH DATABASE '" + other + "' AS o", abi.CodeAuth, "ATTACH"},
		{"ATTACH ':memory:' AS m", abi.CodeAuth, "ATTACH"},
		{"DETACH DATABASE main", abi.CodeAuth, "DETACH"},
		{"SELECT load_extension('/tmp/x.so')", abi.CodeAuth, "load_extension"},
		{"PRAGMA max_page_count = 1000000000", abi.CodeAuth, "PRAGMA max_page_count"},
		{"PRAGMA journal_mode = DELETE", abi.CodeAuth, "PRAGMA journal_mode"},
		{"PRAGMA writable_schema = ON", abi.CodeAuth, "PRAGMA writable_schema"},
		{"PRAGMA foreign_keys = OFF", abi.CodeAuth, "PRAGMA foreign_keys"},
		{"PRAGMA user_version = 3", abi.CodeAuth, "PRAGMA user_version"},
		{"PRAGMA temp_store_directory = '/tmp'", abi.CodeAuth, "PRAGMA"},
		{"SELECT * FROM pragma_max_page_count(1000000000)", abi.CodeError, ""},
		{"VACUUM INTO '" + filepath.Join(dir, "copy.db") + "'", abi.CodeAuth, ""},
		{"BEGIN", abi.CodeAuth, "db_begin"},
		{"CREATE TEMP TABLE scratch (x)", abi.CodeAuth, "TEMP tables"},
		{"CREATE TABLE temp.scratch (x)", abi.CodeAuth, "TEMP tables"},
		{"CREATE TEMP VIEW v AS SELECT 1", abi.CodeAuth, "TEMP"},
		{"COMMIT", abi.CodeAuth, "db_begin"},
		{"SAVEPOINT a", abi.CodeAuth, "SAVEPOINT"},
		{"CREATE VIRTUAL TABLE d USING dbstat", abi.CodeAuth, "dbstat"},
		{"INSERT INTO sqlite_dbpage VALUES (1, zeroblob(4096))", abi.CodeAuth, "sqlite_dbpage is not allowed"},
		{"INSERT INTO t (v) VALUES ('x'), ('x')", abi.CodeUnique, "UNIQUE constraint failed: t.v"},
		{"SELEC 1", abi.CodeError, "syntax error"},
		{"SELECT length(zeroblob(900000000))", abi.CodeTooBig, "too big"},
		{"SELECT length(group_concat(zeroblob(1000000))) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100) SELECT x FROM c)", abi.CodeTooBig, "too big"},
		{"SELECT * FROM nope", abi.CodeError, "no such table: nope"},
	} {
		e := run(s, tc.sql)
		if e == nil {
			_, e = rows(t, s, tc.sql)
		}
		expectRefused(t, tc.sql, e, tc.code, tc.want)
	}
	if _, err := os.Stat(filepath.Join(dir, "copy.db")); err == nil {
		t.Errorf("VACUUM INTO wrote a file")
	}
	if _, err := os.Stat(other); err == nil {
		t.Errorf("ATTACH created a file")
	}
	// Schema-reading pragmas work, and the quota is still in force.
	if r, e := rows(t, s, "PRAGMA table_info(t)"); e != nil || len(r) != 2 {
		t.Errorf("PRAGMA table_info: %v %v", r, e)
	}
	if r, e := rows(t, s, "SELECT * FROM pragma_max_page_count"); e == nil && r[0][0].Int != settings.DefaultLimits.DBMaxBytes/pageSize {
		t.Errorf("max_page_count now %d", r[0][0].Int)
	}
}

func TestDBQuota(t *testing.T) {
	adb, _, _ := testDB(t, "small", settings.Limits{DBMaxBytes: 256 << 10})
	_, s := session(t, adb)
	if e := run(s, "CREATE TABLE big (b BLOB)"); e != nil {
		t.Fatal(e)
	}
	var last *abi.DBError
	for range 100 {
		if last = run(s, "INSERT INTO big VALUES (zeroblob(16384))"); last != nil {
			break
		}
	}
	expectRefused(t, "over-quota insert", last, abi.CodeFull, "limits.db_max_bytes")
	if last != nil && last.SQLState != "53100" {
		t.Errorf("SQLSTATE %q", last.SQLState)
	}
}

func TestDBStatementTimeout(t *testing.T) {
	adb, _, _ := testDB(t, "slow", settings.Limits{StatementTimeout: settings.Duration(100 * time.Millisecond)})
	_, s := session(t, adb)
	start := time.Now()
	_, e := rows(t, s, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c")
	took := time.Since(start)
	expectRefused(t, "endless query", e, abi.CodeInterrupt, "statement_timeout")
	if took > 2*time.Second {
		t.Errorf("stopped after %v", took)
	}
	// The connection is still usable.
	if r, e := rows(t, s, "SELECT 1"); e != nil || len(r) != 1 {
		t.Errorf("after timeout: %v %v", r, e)
	}
}

func TestDBTransactionRolledBackAtRequestEnd(t *testing.T) {
	adb, _, _ := testDB(t, "tx", settings.Limits{})
	end, s := session(t, adb)
	run(s, "CREATE TABLE t (x INTEGER)")
	if e := s.Begin(context.Background(), false); e != nil {
		t.Fatal(e)
	}
	for range 2 {
		if e := run(s, "SAVEPOINT sp1"); e != nil {
			t.Fatalf("SAVEPOINT inside a transaction: %v", e)
		}
	}
	run(s, "INSERT INTO t VALUES (1)")
	if e := s.Begin(context.Background(), false); e == nil || e.Code != abi.CodeMisuse {
		t.Errorf("nested begin: %v", e)
	}
	end() // the request ends without commit
	_, s2 := session(t, adb)
	// Allowed inside the transaction, SAVEPOINT is refused outside: its
	// compiled statement was not cached.
	expectRefused(t, "SAVEPOINT after the transaction", run(s2, "SAVEPOINT sp1"), abi.CodeAuth, "SAVEPOINT")
	if r, _ := rows(t, s2, "SELECT count(*) FROM t"); r[0][0].Int != 0 {
		t.Errorf("%d rows survived an uncommitted request", r[0][0].Int)
	}
	if e := s2.End(context.Background(), true); e == nil || e.Code != abi.CodeMisuse {
		t.Errorf("commit without begin: %v", e)
	}
	// Read-only transactions refuse writes.
	if e := s2.Begin(context.Background(), true); e != nil {
		t.Fatal(e)
	}
	if e := run(s2, "INSERT INTO t VALUES (2)"); e == nil {
		t.Errorf("write in a read-only transaction allowed")
	}
	if e := s2.End(context.Background(), true); e != nil {
		t.Fatal(e)
	}
	if e := run(s2, "INSERT INTO t VALUES (3)"); e != nil {
		t.Errorf("write after the read-only transaction: %v", e)
	}
}

func TestDBAppsAreSeparate(t *testing.T) {
	a, _, dirA := testDB(t, "a", settings.Limits{})
	b, _, _ := testDB(t, "b", settings.Limits{})
	_, sa := session(t, a)
	_, sb := session(t, b)
	run(sa, "CREATE TABLE secrets (s TEXT)")
	run(sa, "INSERT INTO secrets VALUES ('a-only')")
	if _, e := rows(t, sb, "SELECT * FROM secrets"); e == nil {
		t.Errorf("app b reads app a's table")
	}
	expectRefused(t, "attach a's file", run(sb, "ATTACH '"+filepath.Join(dirA, AppDBPath)+"' AS a"), abi.CodeAuth, "ATTACH")
}

func TestDBWritersQueue(t *testing.T) {
	adb, _, _ := testDB(t, "w", settings.Limits{StatementTimeout: settings.Duration(150 * time.Millisecond)})
	endA, a := session(t, adb)
	_, b := session(t, adb)
	run(a, "CREATE TABLE t (x INTEGER)")
	if e := a.Begin(context.Background(), false); e != nil {
		t.Fatal(e)
	}
	// B's write waits for A's transaction, then gives up at its timeout.
	start := time.Now()
	expectRefused(t, "write while another request's transaction is open", run(b, "INSERT INTO t VALUES (1)"), abi.CodeBusy, "held the app's database for writing")
	if took := time.Since(start); took < 100*time.Millisecond || took > 2*time.Second {
		t.Errorf("gave up after %v", took)
	}
	// Reads do not wait.
	if _, e := rows(t, b, "SELECT count(*) FROM t"); e != nil {
		t.Errorf("read during the transaction: %v", e)
	}
	// Once A's request ends (its transaction rolled back), B writes.
	done := make(chan *abi.DBError)
	go func() { done <- run(b, "INSERT INTO t VALUES (2)") }()
	time.Sleep(20 * time.Millisecond)
	endA()
	if e := <-done; e != nil {
		t.Errorf("write after the transaction ended: %v", e)
	}
}

// TestDBEmptyStatement: SQL with no statement in it (empty, blanks, only a
// comment) is the guest's error from db_exec, not a host fault; a query of
// it has no rows.
func TestDBEmptyStatement(t *testing.T) {
	adb, _, _ := testDB(t, "empty", settings.Limits{})
	_, s := session(t, adb)
	for _, q := range []string{"", "   ", "-- only a comment", ";", "/* */ ;"} {
		expectRefused(t, "exec "+q, errOf(s.Exec(context.Background(), nil, q, nil)), abi.CodeMisuse, "no SQL statement")
		if r, e := rows(t, s, q); e != nil || len(r) != 0 {
			t.Errorf("query %q: %v %v", q, r, e)
		}
		if b := s.Query(context.Background(), nil, q, nil, true); string(b) != string(abi.ResultJSON)+"[]" {
			t.Errorf("query json %q: %q", q, b)
		}
	}
	// The connection is still usable.
	if r, e := rows(t, s, "SELECT 1"); e != nil || len(r) != 1 {
		t.Errorf("after empty statements: %v %v", r, e)
	}
}

// TestDBRawPagesRefused: the virtual tables that show the file's pages
// (freed rows included) or its layout cannot be read or written, however
// they are named.
func TestDBRawPagesRefused(t *testing.T) {
	adb, _, _ := testDB(t, "pages", settings.Limits{})
	_, s := session(t, adb)
	for _, q := range []string{
		"CREATE TABLE secret (v TEXT)",
		"INSERT INTO secret VALUES ('deleted but still on a page')",
		"DELETE FROM secret",
		"CREATE VIEW pages AS SELECT * FROM sqlite_dbpage",
		"CREATE VIEW stats AS SELECT * FROM dbstat",
	} {
		if e := run(s, q); e != nil {
			t.Fatalf("%s: %v", q, e)
		}
	}
	for _, q := range []string{
		"SELECT * FROM dbstat",
		"SELECT count(*) FROM dbstat",
		"SELECT name, pageno FROM dbstat('main', 1)",
		"SELECT * FROM main.dbstat",
		`SELECT * FROM "DBSTAT"`,
		"SELECT data FROM sqlite_dbpage WHERE pgno = 2",
		"SELECT count(*) FROM sqlite_dbpage",
		"SELECT * FROM sqlite_dbpage('main')",
		"SELECT * FROM main.SQLITE_DBPAGE",
		"SELECT * FROM (SELECT data FROM sqlite_dbpage)",
		"WITH p AS (SELECT data FROM sqlite_dbpage) SELECT * FROM p",
		"SELECT (SELECT group_concat(data) FROM sqlite_dbpage)",
		"SELECT * FROM pages",
		"SELECT * FROM stats",
		"INSERT INTO sqlite_dbpage VALUES (1, zeroblob(4096))",
		"UPDATE sqlite_dbpage SET data = zeroblob(4096) WHERE pgno = 2",
		"DELETE FROM sqlite_dbpage",
	} {
		e := run(s, q)
		if e == nil {
			_, e = rows(t, s, q)
		}
		if e == nil || e.Code != abi.CodeAuth && !strings.Contains(e.Message, "unsafe use") {
			t.Errorf("%s: got %v, want it refused", q, e)
		}
	}
}
