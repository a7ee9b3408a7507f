package postgres

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host/appdb"
)

func TestSchema(t *testing.T) {
	for name, want := range map[string]string{
		"todo":  "sandkit_todo",
		"blog2": "sandkit_blog2",
		"a_b":   "sandkit_a_b",
	} {
		if got := Schema(name); got != want {
			t.Errorf("Schema(%q) = %q, want %q", name, got, want)
		}
	}
	// Names that sanitize alike get different schemas.
	a, b, c := Schema("my-app"), Schema("my_app"), Schema("My-App")
	if a == b || a == c || b == c || !strings.HasPrefix(a, "sandkit_my_app_") {
		t.Errorf("my-app %q, my_app %q, My-App %q", a, b, c)
	}
	if s := Schema(`x"; DROP SCHEMA y; --` + strings.Repeat("z", 100)); len(s) > 63 || strings.ContainsAny(s, `"; -`) {
		t.Errorf("unsafe or long schema name %q", s)
	}
}

func TestScreenPostgres(t *testing.T) {
	const own = "sandkit_me"
	for _, tc := range []struct {
		sql   string
		nargs int
		inTx  bool
		mode  appdb.Policy
		want  string // rewritten SQL, or "!" + part of the refusal
	}{
		{"SELECT * FROM t WHERE a = ? AND b = ?", 2, false, appdb.PolicyGuest, "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"SELECT ?2, ?1", 2, false, appdb.PolicyGuest, "SELECT $2, $1"},
		{"SELECT '?', \"?\", $$?$$, E'\\'?' -- ?\n, ?", 1, false, appdb.PolicyGuest, "SELECT '?', \"?\", $$?$$, E'\\'?' -- ?\n, $1"},
		{"SELECT data ? 'key' FROM t", 0, false, appdb.PolicyGuest, "SELECT data ? 'key' FROM t"},
		{"SELECT 'set role x; search_path'", 0, false, appdb.PolicyGuest, "SELECT 'set role x; search_path'"},
		{"SELECT \"todo\".\"id\" FROM \"todos\" AS \"todo\"", 0, false, appdb.PolicyGuest, "SELECT \"todo\".\"id\" FROM \"todos\" AS \"todo\""},
		{"SELECT * FROM sandkit_me.t", 0, false, appdb.PolicyGuest, "SELECT * FROM sandkit_me.t"},
		{"SELECT * FROM sandkit_you.t", 0, false, appdb.PolicyGuest, "!reserved for other apps"},
		{"SELECT * FROM \"SANDKIT_you\".t", 0, false, appdb.PolicyGuest, "!reserved for other apps"},
		{"select 1; /* */ reset all", 0, false, appdb.PolicyGuest, "!RESET is not allowed"},
		{"/* nested /* comment */ set role x */ SELECT 1", 0, false, appdb.PolicyGuest, "/* nested /* comment */ set role x */ SELECT 1"},
		{"SELECT 1 /* unterminated", 0, false, appdb.PolicyGuest, "!unterminated"},
		{"SELECT $a$ ' $a$ FROM sandkit_other.t", 0, false, appdb.PolicyGuest, "!reserved"},
		{"SAVEPOINT a", 0, false, appdb.PolicyGuest, "!only inside a transaction"},
		{"SAVEPOINT a", 0, true, appdb.PolicyGuest, "SAVEPOINT a"},
		{"ROLLBACK TO SAVEPOINT a", 0, true, appdb.PolicyGuest, "ROLLBACK TO SAVEPOINT a"},
		{"ROLLBACK", 0, true, appdb.PolicyGuest, "!ROLLBACK is not allowed in SQL"},
		// A migration runs in the host's transaction: a COMMIT in it would
		// leave half of it applied if a later statement failed.
		{"BEGIN; CREATE TABLE t (x int); COMMIT", 0, false, appdb.PolicyMigrate, "!BEGIN is not allowed in a migration"},
		{"CREATE TABLE t (x int); COMMIT; DROP TABLE nope", 0, false, appdb.PolicyMigrate, "!COMMIT is not allowed in a migration"},
		{"SAVEPOINT a; ALTER TABLE t RENAME COLUMN x TO y; RELEASE a", 0, false, appdb.PolicyMigrate, "SAVEPOINT a; ALTER TABLE t RENAME COLUMN x TO y; RELEASE a"},
		{"SELECT * INTO TEMP x FROM t", 0, false, appdb.PolicyGuest, "!TEMP"},
		{"CREATE UNLOGGED TABLE t (x int)", 0, false, appdb.PolicyGuest, "CREATE UNLOGGED TABLE t (x int)"},
		{"ALTER TABLE t SET SCHEMA public", 0, false, appdb.PolicyGuest, "ALTER TABLE t SET SCHEMA public"},
		{"SELECT lo_import('/etc/passwd')", 0, false, appdb.PolicyGuest, "!lo_import() is not allowed"},
		{"SELECT pg_advisory_lock(1)", 0, false, appdb.PolicyGuest, "!pg_advisory_lock() is not allowed"},
		{"COPY t TO STDOUT", 0, false, appdb.PolicyGuest, "!COPY is not allowed"},
		{"GRANT ALL ON t TO PUBLIC", 0, false, appdb.PolicyGuest, "!GRANT is not allowed"},
		{"ALTER ROLE sandkit SET search_path = x", 0, false, appdb.PolicyGuest, "!ALTER ROLE is not allowed"},
		{`SELECT "set_config"('search_path', 'x', false)`, 0, false, appdb.PolicyGuest, "!set_config() is not allowed"},
		{`SELECT * FROM "public".t`, 0, false, appdb.PolicyGuest, "!schema public is not allowed"},
		{`SELECT "query_to_xml"('x', true, true, '')`, 0, false, appdb.PolicyGuest, "!query_to_xml() is not allowed"},
		{"SELECT $a b$ FROM sandkit_other.t -- $a b$", 0, false, appdb.PolicyGuest, "!reserved"},
		{"SELECT $_1$ sandkit_other $_1$, x$y FROM t", 0, false, appdb.PolicyGuest, "SELECT $_1$ sandkit_other $_1$, x$y FROM t"},
		{"SELECT $1 || ?", 1, false, appdb.PolicyGuest, "SELECT $1 || $1"},
		{"SELECT most_common_vals FROM pg_stats", 0, false, appdb.PolicyGuest, "!pg_stats is not allowed"},
		{"SELECT pg_stat_get_backend_activity(1)", 0, false, appdb.PolicyGuest, "!pg_stat_get_backend_activity is not allowed"},
		{"SELECT setval('sandkit_' || 'other.t_id_seq', 1)", 0, false, appdb.PolicyGuest, "!setval() is not allowed"},
		// A string continued on a new line after E'..' keeps its escapes,
		// as in PostgreSQL: here the SET is outside every string.
		{"SELECT E'x'\n'\\' , '; SET search_path TO public; --'", 0, false, appdb.PolicyGuest, "!SET is not allowed"},
		{"SELECT E'x' -- c\n  -- d\n'\\' , '; SET search_path TO public; --'", 0, false, appdb.PolicyGuest, "!SET is not allowed"},
		{"SELECT E'a'\n'\\' ?', ?", 1, false, appdb.PolicyGuest, "SELECT E'a'\n'\\' ?', $1"},
		{"SELECT 'a'\n'b?', ?", 1, false, appdb.PolicyGuest, "SELECT 'a'\n'b?', $1"},
		{"SELECT a?, ?", 2, false, appdb.PolicyGuest, "SELECT a $1, $2"},
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

// TestScreenCache: the remembered answers are screenSession's, for every
// key they depend on (placeholders bound or not, in a transaction or
// not), on the first call and on later ones; and the cache stays bounded.
func TestScreenCache(t *testing.T) {
	const own = "sandkit_me"
	var c screenCache
	for round := range 3 {
		for _, q := range []string{
			"SELECT * FROM t WHERE a = ? AND b = ?",
			"SAVEPOINT a",
			"SELECT * FROM sandkit_you.t",
			"INSERT INTO t (x) VALUES (?)",
			"UPDATE t SET x = 1",
			"select 1; /* */ reset all",
		} {
			for _, nargs := range []int{0, 2} {
				for _, inTx := range []bool{false, true} {
					out, why, stateless := c.screen(q, own, nargs, inTx)
					wout, wwhy, wstateless := screenSession(q, own, nargs, inTx, appdb.PolicyGuest)
					if out != wout || why != wwhy || stateless != wstateless {
						t.Errorf("round %d, %q (%d args, in a transaction: %v): cached (%q, %q, %v), want (%q, %q, %v)",
							round, q, nargs, inTx, out, why, stateless, wout, wwhy, wstateless)
					}
				}
			}
		}
	}
	for i := range 3 * screenCacheEntries {
		c.screen("SELECT "+strings.Repeat("1", i%7)+" AS x"+strings.Repeat("y", i), own, 0, false)
	}
	long := "SELECT '" + strings.Repeat("z", screenCacheMaxSQL) + "'"
	c.screen(long, own, 0, false)
	n := 0
	c.m.Range(func(k, _ any) bool {
		n++
		if len(k.(screenKey).q) > screenCacheMaxSQL {
			t.Errorf("a text of %d bytes is kept", len(k.(screenKey).q))
		}
		return true
	})
	if n > screenCacheEntries {
		t.Errorf("%d answers kept, want at most %d", n, screenCacheEntries)
	}
}

// TestScreenCacheHammer: requests of one app screen at once, the same
// texts and new ones, while the cache is emptied and refilled; every
// answer is screenSession's (run with -race).
func TestScreenCacheHammer(t *testing.T) {
	const own = "sandkit_me"
	var c screenCache
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				q := "SELECT * FROM t WHERE a = ?"
				switch {
				case i%3 == 1:
					q = fmt.Sprintf("SELECT %d FROM t%d", i, g)
				case i%3 == 2:
					q = "SAVEPOINT a"
				}
				nargs, inTx := i%2, i%5 == 0
				out, why, stateless := c.screen(q, own, nargs, inTx)
				wout, wwhy, wstateless := screenSession(q, own, nargs, inTx, appdb.PolicyGuest)
				if out != wout || why != wwhy || stateless != wstateless {
					t.Errorf("%q: (%q, %q, %v), want (%q, %q, %v)", q, out, why, stateless, wout, wwhy, wstateless)
					return
				}
			}
		})
	}
	wg.Wait()
}
