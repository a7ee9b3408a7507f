package host_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/host"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/settings"
	"sandkit.dev/sandkit/internal/pgtest"
)

// postgresURL is the database the Postgres tests use (pgtest.URL).
func postgresURL(t testing.TB) string { return pgtest.URL(t) }

var pgAppSeq atomic.Int64

// usePostgres points the apps of the test at PostgreSQL (the admin URL in
// SANDKIT_DATABASE_URL) and gives the app in dir a fresh name (so a fresh
// role and schema), which it returns; both are dropped when the test ends.
func usePostgres(t *testing.T, dir, base string) string {
	t.Helper()
	u := postgresURL(t)
	name := fmt.Sprintf("%s_%d_%d_%d", base, os.Getpid(), time.Now().UnixNano()%1e6, pgAppSeq.Add(1))
	p := filepath.Join(dir, "sandkit.toml")
	b, _ := os.ReadFile(p)
	nameLine := regexp.MustCompile(`(?m)^name\s*=.*$`)
	if nameLine.Match(b) {
		b = nameLine.ReplaceAll(b, []byte(fmt.Sprintf("name = %q", name)))
	} else {
		b = append([]byte(fmt.Sprintf("name = %q\n", name)), b...)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The host's admin URL: every app the test opens from here on gets its
	// own role and schema.
	t.Setenv(settings.DatabaseURLEnv, u)
	t.Cleanup(func() {
		if err := pgtest.DropSchema(context.Background(), u, name); err != nil {
			t.Errorf("dropping schema of %s: %v", name, err)
		}
	})
	return name
}

// TestPostgresIsolation: an app on PostgreSQL cannot name another app's
// schema, change its search_path or role, or leave its statement timeout.
func TestPostgresIsolation(t *testing.T) {
	// The victim's bounds are generous: it is asked for a row past the
	// host's bound below, and building and sending that row takes seconds
	// on a loaded machine.
	victimDir := hostileApp(t, "victim", "[limits]\nstatement_timeout = \"2m\"\nrequest_timeout = \"2m\"\n")
	victimName := usePostgres(t, victimDir, "victim")
	victim := buildApp(t, victimDir)
	expect(t, victim.do(t, "POST", "/sql", "CREATE TABLE secrets (s TEXT); INSERT INTO secrets VALUES ('victim-only')"), 200, "ok")
	victimSchema := postgres.Schema(victimName)

	dir := hostileApp(t, "hostile", "[limits]\nstatement_timeout = \"200ms\"\n")
	name := usePostgres(t, dir, "hostile")
	srv := buildApp(t, dir)
	expectRefused(t, srv, []refusal{
		{"qualified name", "SELECT s FROM " + victimSchema + ".secrets", true, "23 42501 the name " + victimSchema + " is reserved"},
		{"quoted qualified name", `SELECT s FROM "` + victimSchema + `"."secrets"`, true, "23 42501 the name " + victimSchema},
		{"unqualified name", "SELECT s FROM secrets", true, `1 42P01 relation "secrets" does not exist`},
		{"set search_path", "SET search_path TO " + victimSchema, false, "23 42501"},
		{"set search_path in a comment's shadow", "/* x */ set search_path = public", false, "23 42501 SET is not allowed"},
		{"set_config", "SELECT set_config('search_path', '" + victimSchema + "', false)", true, "23 42501 set_config() is not allowed"},
		{"quoted set_config", `SELECT "set_config"('search_path', '` + victimSchema + `', false)`, true, "23 42501 set_config() is not allowed"},
		{"second statement", "SELECT 1; SET LOCAL search_path TO public", false, "23 42501"},
		{"set role", "SET ROLE postgres", false, "23 42501 SET is not allowed"},
		{"reset role", "RESET ROLE", false, "23 42501 RESET is not allowed"},
		{"session authorization", "SET SESSION AUTHORIZATION postgres", false, "23 42501"},
		{"show search_path", "SHOW search_path", true, "23 42501"},
		{"query in a string", "SELECT query_to_xml('SELECT s FROM " + victimSchema + ".secrets', true, true, '')", true, "23 42501 query_to_xml() is not allowed"},
		{"table_to_xml", "SELECT table_to_xml('" + victimSchema + ".secrets', true, true, '')", true, "23 42501 table_to_xml() is not allowed"},
		{"other sessions", "SELECT query FROM pg_stat_activity", true, "23 42501 pg_stat_activity is not allowed"},
		{"other tables' statistics", "SELECT most_common_vals::text FROM pg_stats", true, "23 42501 pg_stats is not allowed"},
		{"another app's sequence", "SELECT setval('sandkit_' || 'victim.x_seq', 1)::text", true, "23 42501 setval() is not allowed"},
		{"public schema", "CREATE TABLE public.drop_box (x TEXT)", false, "23 42501 schema public is not allowed"},
		{"function", "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", false, "23 42501 CREATE FUNCTION is not allowed"},
		{"do block", "DO $$ BEGIN EXECUTE 'SET search_path = public'; END $$", false, "23 42501 DO is not allowed"},
		{"create schema", "CREATE SCHEMA other", false, "23 42501 CREATE SCHEMA is not allowed"},
		{"sql transaction control", "BEGIN", false, "23 42501 BEGIN is not allowed in SQL"},
		{"temp table", "CREATE TEMP TABLE t (x int)", false, "23 42501 TEMP tables"},
		{"unicode identifier", `SELECT * FROM U&"sandkit\005f"`, true, "23 42501"},
		{"past the statement timeout", "SELECT pg_sleep(5)", true, "9 57014 statement stopped at limits.statement_timeout (200ms)"},
		{"comment on the database", "COMMENT ON DATABASE sandkit_test IS 'x'", false, "23 42501 COMMENT is allowed on tables"},
		{"drop what the shared role owns", "DROP OWNED BY CURRENT_USER", false, "23 42501 DROP OWNED is not allowed"},
	})
	// A row past the host's bound is refused by the host, not by the
	// statement timeout: asked of the victim, whose timeout is 2 minutes,
	// since building and sending the 40 MB string takes ~300 ms on an idle
	// slow machine and over 5 s on a loaded one (it raced the hostile app's
	// 200 ms once, and the default 5 s another time).
	expectRefused(t, victim, []refusal{
		{"a row too large for the host", "SELECT repeat('x', 40000000)", true, "18 54000 a row of the result is over"},
	})
	// The hostile app's connections still use its own schema, its own
	// tables work, and the victim's data is intact and its own.
	expect(t, srv.do(t, "POST", "/sql?query=1", "SELECT current_schema()"), 200, postgres.Schema(name)+"\n")
	expect(t, srv.do(t, "POST", "/sql", "CREATE TABLE secrets (s TEXT); INSERT INTO secrets VALUES ('hostile')"), 200, "ok")
	expect(t, srv.do(t, "POST", "/sql", "INSERT INTO secrets VALUES ('victim-only')"), 200, "ok")
	r := srv.do(t, "POST", "/sql?query=1", "SELECT s FROM secrets ORDER BY s")
	expect(t, r, 200, "hostile\nvictim-only\n")
	expect(t, victim.do(t, "POST", "/sql?query=1", "SELECT s FROM secrets"), 200, "victim-only\n")
	if r := victim.do(t, "POST", "/sql?query=1", "SELECT count(*)::text FROM secrets"); r.body != "1\n" {
		t.Errorf("victim's table: %d %q", r.status, r.body)
	}
	// Errors carry PostgreSQL's SQLSTATE and the SQLite code guests branch on.
	expect(t, srv.do(t, "POST", "/sql", "CREATE TABLE u (x TEXT UNIQUE); INSERT INTO u VALUES ('a')"), 200, "ok")
	expect(t, srv.do(t, "POST", "/sql", "INSERT INTO u VALUES ('a')"), 400, "2067 23505 duplicate key value violates unique constraint")
}

// TestPostgresMigrations: a migration's .postgres. variant replaces the
// plain file on PostgreSQL, migrations run in the app's schema, and a
// migration the screening refuses stops the migrator with its file name.
func TestPostgresMigrations(t *testing.T) {
	dir := t.TempDir()
	name := usePostgres(t, dir, "migr")
	writeAppFile(t, dir, "migrations/0001_t.up.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)")
	writeAppFile(t, dir, "migrations/0001_t.postgres.up.sql", "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v TEXT);\nINSERT INTO t (v) VALUES ('pg')")
	writeAppFile(t, dir, "migrations/0001_t.down.sql", "DROP TABLE t")
	ctx := context.Background()
	m, err := host.OpenMigrator(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := m.Up(ctx)
	if err != nil || len(applied) != 1 || applied[0] != "0001_t" {
		t.Fatalf("up: %v %v", applied, err)
	}
	m.Close()

	db, err := sql.Open("pgx", postgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow(`SELECT v FROM "` + postgres.Schema(name) + `".t`).Scan(&v); err != nil || v != "pg" {
		t.Fatalf("the postgres variant did not run in the app's schema: %q %v", v, err)
	}
	var public int
	db.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('t', 'bun_migrations')").Scan(&public)
	if public != 0 {
		t.Errorf("%d of the app's tables in schema public", public)
	}

	writeAppFile(t, dir, "migrations/0002_evil.up.sql", "CREATE TABLE e (x int);\nSET search_path TO public")
	if _, err := host.OpenMigrator(ctx, dir); err == nil || !strings.Contains(err.Error(), "migrations/0002_evil.up.sql: SET is not allowed") {
		t.Fatalf("a refused migration: %v", err)
	}
	os.Remove(filepath.Join(dir, "migrations", "0002_evil.up.sql"))
	m, err = host.OpenMigrator(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if undone, err := m.Down(ctx); err != nil || len(undone) != 1 {
		t.Fatalf("down: %v %v", undone, err)
	}
}
