package host

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
)

func TestPostgresSchema(t *testing.T) {
	for name, want := range map[string]string{
		"todo":  "sandkit_todo",
		"blog2": "sandkit_blog2",
		"a_b":   "sandkit_a_b",
	} {
		if got := PostgresSchema(name); got != want {
			t.Errorf("PostgresSchema(%q) = %q, want %q", name, got, want)
		}
	}
	// Names that sanitize alike get different schemas.
	a, b, c := PostgresSchema("my-app"), PostgresSchema("my_app"), PostgresSchema("My-App")
	if a == b || a == c || b == c || !strings.HasPrefix(a, "sandkit_my_app_") {
		t.Errorf("my-app %q, my_app %q, My-App %q", a, b, c)
	}
	if s := PostgresSchema(`x"; DROP SCHEMA y; --` + strings.Repeat("z", 100)); len(s) > 63 || strings.ContainsAny(s, `"; -`) {
		t.Errorf("unsafe or long schema name %q", s)
	}
}

func TestScreenPostgres(t *testing.T) {
	const own = "sandkit_me"
	for _, tc := range []struct {
		sql   string
		nargs int
		inTx  bool
		mode  int32
		want  string // rewritten SQL, or "!" + part of the refusal
	}{
		{"SELECT * FROM t WHERE a = ? AND b = ?", 2, false, policyGuest, "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT ?2, ?1", 2, false, policyGuest, "SELECT $2, $1"},
		{"SELECT '?', \"?\", $$?$$, E'\\'?' -- ?\n, ?", 1, false, policyGuest, "SELECT '?', \"?\", $$?$$, E'\\'?' -- ?\n, $1"},
		{"SELECT data ? 'key' FROM t", 0, false, policyGuest, "SELECT data ? 'key' FROM t"},
		{"SELECT 'set role x; search_path'", 0, false, policyGuest, "SELECT 'set role x; search_path'"},
		{"SELECT \"todo\".\"id\" FROM \"todos\" AS \"todo\"", 0, false, policyGuest, "SELECT \"todo\".\"id\" FROM \"todos\" AS \"todo\""},
		{"SELECT * FROM sandkit_me.t", 0, false, policyGuest, "SELECT * FROM sandkit_me.t"},
		{"SELECT * FROM sandkit_you.t", 0, false, policyGuest, "!reserved for other apps"},
		{"SELECT * FROM \"SANDKIT_you\".t", 0, false, policyGuest, "!reserved for other apps"},
		{"select 1; /* */ reset all", 0, false, policyGuest, "!RESET is not allowed"},
		{"/* nested /* comment */ set role x */ SELECT 1", 0, false, policyGuest, "/* nested /* comment */ set role x */ SELECT 1"},
		{"SELECT 1 /* unterminated", 0, false, policyGuest, "!unterminated"},
		{"SELECT $a$ ' $a$ FROM sandkit_other.t", 0, false, policyGuest, "!reserved"},
		{"SAVEPOINT a", 0, false, policyGuest, "!only inside a transaction"},
		{"SAVEPOINT a", 0, true, policyGuest, "SAVEPOINT a"},
		{"ROLLBACK TO SAVEPOINT a", 0, true, policyGuest, "ROLLBACK TO SAVEPOINT a"},
		{"ROLLBACK", 0, true, policyGuest, "!ROLLBACK is not allowed in SQL"},
		{"BEGIN; CREATE TABLE t (x int); COMMIT", 0, false, policyMigrate, "BEGIN; CREATE TABLE t (x int); COMMIT"},
		{"SELECT * INTO TEMP x FROM t", 0, false, policyGuest, "!TEMP"},
		{"CREATE UNLOGGED TABLE t (x int)", 0, false, policyGuest, "CREATE UNLOGGED TABLE t (x int)"},
		{"ALTER TABLE t SET SCHEMA public", 0, false, policyGuest, "ALTER TABLE t SET SCHEMA public"},
		{"SELECT lo_import('/etc/passwd')", 0, false, policyGuest, "!lo_import() is not allowed"},
		{"SELECT pg_advisory_lock(1)", 0, false, policyGuest, "!pg_advisory_lock() is not allowed"},
		{"COPY t TO STDOUT", 0, false, policyGuest, "!COPY is not allowed"},
		{"GRANT ALL ON t TO PUBLIC", 0, false, policyGuest, "!GRANT is not allowed"},
		{"ALTER ROLE sandkit SET search_path = x", 0, false, policyGuest, "!ALTER ROLE is not allowed"},
		{`SELECT "set_config"('search_path', 'x', false)`, 0, false, policyGuest, "!set_config() is not allowed"},
		{`SELECT * FROM "public".t`, 0, false, policyGuest, "!schema public is not allowed"},
		{`SELECT "query_to_xml"('x', true, true, '')`, 0, false, policyGuest, "!query_to_xml() is not allowed"},
		{"SELECT $a b$ FROM sandkit_other.t -- $a b$", 0, false, policyGuest, "!reserved"},
		{"SELECT $_1$ sandkit_other $_1$, x$y FROM t", 0, false, policyGuest, "SELECT $_1$ sandkit_other $_1$, x$y FROM t"},
		{"SELECT $1 || ?", 1, false, policyGuest, "SELECT $1 || $1"},
		{"SELECT most_common_vals FROM pg_stats", 0, false, policyGuest, "!pg_stats is not allowed"},
		{"SELECT pg_stat_get_backend_activity(1)", 0, false, policyGuest, "!pg_stat_get_backend_activity is not allowed"},
		{"SELECT setval('sandkit_' || 'other.t_id_seq', 1)", 0, false, policyGuest, "!setval() is not allowed"},
		// A string continued on a new line after E'..' keeps its escapes,
		// as in PostgreSQL: here the SET is outside every string.
		{"SELECT E'x'\n'\\' , '; SET search_path TO public; --'", 0, false, policyGuest, "!SET is not allowed"},
		{"SELECT E'x' -- c\n  -- d\n'\\' , '; SET search_path TO public; --'", 0, false, policyGuest, "!SET is not allowed"},
		{"SELECT E'a'\n'\\' ?', ?", 1, false, policyGuest, "SELECT E'a'\n'\\' ?', $1"},
		{"SELECT 'a'\n'b?', ?", 1, false, policyGuest, "SELECT 'a'\n'b?', $1"},
		{"SELECT a?, ?", 2, false, policyGuest, "SELECT a $1, $2"},
	} {
		out, why := screenPostgres(tc.sql, own, tc.nargs, tc.inTx, tc.mode)
		got := out
		if why != "" {
			got = "!" + why
		}
		if want, ok := strings.CutPrefix(tc.want, "!"); ok {
			if why == "" || !strings.Contains(why, want) {
				t.Errorf("%q: got %q, want a refusal with %q", tc.sql, got, want)
			}
		} else if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.sql, got, tc.want)
		}
	}
}

// TestConfigDatabaseURL: the admin URL comes from the host's environment
// only; an app's sandkit.toml naming a database is refused with a hint.
func TestConfigDatabaseURL(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "sandkit.toml"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(DatabaseURLEnv, "")
	write("[database]\nurl = \"postgres://postgres@127.0.0.1/x\"\n")
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "sandkit.toml: [database] url is not an app's setting") {
		t.Fatalf("a URL in the app's file: %v", err)
	}
	t.Setenv(DatabaseURLEnv, "postgresql://b@other/y")
	if _, err := LoadConfig(dir); err == nil {
		t.Fatal("a URL in the app's file was accepted once the host has one")
	}
	write("[database]\n")
	if cfg, err := LoadConfig(dir); err != nil || cfg.Database.URL != "postgresql://b@other/y" {
		t.Fatalf("url from %s: %q, %v", DatabaseURLEnv, cfg.Database.URL, err)
	}
	t.Setenv(DatabaseURLEnv, "mysql://c@db/z")
	if _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "postgres://") || !strings.Contains(err.Error(), DatabaseURLEnv) {
		t.Fatalf("a non-PostgreSQL URL: %v", err)
	}
	t.Setenv(DatabaseURLEnv, "")
	write("[database]\nuri = \"postgres://a@db/x\"\n")
	if _, err := LoadConfig(dir); err == nil {
		t.Fatal("an unknown key in [database] was accepted")
	}
}

// TestPostgresSession: the request's transaction on PostgreSQL, driven as
// the imports drive it.
func TestPostgresSession(t *testing.T) {
	url, app := benchPostgres(t)
	adb := newAppDB(app, t.TempDir(), Limits{}.withDefaults(), nopLog())
	adb.pgURL = url
	defer adb.close()
	ctx := context.Background()
	args := func(vals ...abi.Value) []byte { return abi.AppendArgs(nil, vals) }
	run := func(c *call, exec bool, q string, a []byte) []byte {
		t.Helper()
		kind := stmtQuery
		if exec {
			kind = stmtExec
		}
		n := dbStatement(ctx, c, adb, kind, []byte(q), a)
		if n < 0 {
			t.Fatalf("%s: %d", q, n)
		}
		return append([]byte(nil), c.slot[:n]...)
	}
	errOf := func(b []byte) *abi.DBError {
		t.Helper()
		if b[0] != 3 {
			return nil
		}
		e, err := abi.DecodeDBError(b)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}

	// A bool argument binds as boolean; ?NNN placeholders.
	c := newCall()
	r := run(c, false, "SELECT count(*) FROM todos WHERE done = ?1 AND title LIKE ?2", args(abi.Value{Tag: abi.TagBool, Int: 1}, abi.Value{Tag: abi.TagText, Str: "todo%"}))
	if e := errOf(r); e != nil {
		t.Fatal(e)
	}
	rr, err := abi.NewRowsReader(r)
	row := make([]abi.Value, 1)
	if err != nil || !rr.Next(row) || row[0].Tag != abi.TagInt || row[0].Int != 10 {
		t.Fatalf("count of done todos: %+v %v", row, err)
	}
	// A failed statement aborts the transaction: commit rolls back and says so.
	if rc := dbBegin(ctx, c, adb, 0); rc != 0 {
		t.Fatalf("begin: %d %q", rc, c.slot)
	}
	run(c, true, "INSERT INTO todos (title) VALUES ('kept?')", args())
	if e := errOf(run(c, true, "INSERT INTO todos (id, title) VALUES (1, 'dup')", args())); e == nil || e.Code != abi.CodeUnique || e.SQLState != "23505" {
		t.Fatalf("duplicate key: %v", e)
	}
	if rc := dbEnd(ctx, c, adb, "COMMIT"); rc <= 0 {
		t.Fatalf("commit of an aborted transaction: %d", rc)
	} else if e := errOf(c.slot[:rc]); e.Code != abi.CodeMisuse || e.SQLState != "25P02" {
		t.Fatalf("commit of an aborted transaction: %v", e)
	}
	// A read-only transaction refuses writes; one left open is rolled back
	// when the request ends.
	if rc := dbBegin(ctx, c, adb, abi.TxReadOnly); rc != 0 {
		t.Fatalf("begin read only: %d", rc)
	}
	if e := errOf(run(c, true, "INSERT INTO todos (title) VALUES ('ro')", args())); e == nil || e.SQLState != "25006" {
		t.Fatalf("write in a read-only transaction: %v", e)
	}
	dbEnd(ctx, c, adb, "ROLLBACK")
	dbBegin(ctx, c, adb, 0)
	if r := run(c, true, "INSERT INTO todos (title) VALUES ('left open')", args()); r[0] != 2 {
		t.Fatalf("insert: %v", errOf(r))
	}
	c.release()
	c = newCall()
	defer c.release()
	r = run(c, false, "SELECT title FROM todos WHERE title IN ('kept?', 'left open', 'ro')", args())
	if e := errOf(r); e != nil {
		t.Fatal(e)
	}
	if rr, err := abi.NewRowsReader(r); err != nil || rr.Len() != 0 {
		t.Errorf("rows of rolled-back transactions are there: %q %v", r, err)
	}
}
