// What one request leaves on its PostgreSQL connection does not reach the
// next request on the same pool.

package postgres_test

import (
	"context"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/internal/testhooks"
)

func TestPostgresResetBetweenRequests(t *testing.T) {
	testhooks.PostgresScreenOff.Store(true)
	defer testhooks.PostgresScreenOff.Store(false)
	url, app := benchPostgres(t)
	ctx := context.Background()
	// TEMP is revoked from PUBLIC on a database the admin owns: give it to
	// this app's role, so that the reset is what removes the table.
	admin := adminConn(t, url)
	if _, err := admin.Exec(ctx, postgres.Locked("GRANT TEMP ON DATABASE "+postgres.QuoteIdent(admin.Config().Database)+" TO "+postgres.QuoteIdent(postgres.Schema(app)))); err != nil {
		t.Fatal(err)
	}
	adb := appDB(t, url, app)
	text := func(s *appdb.Session, q string) string {
		t.Helper()
		r := s.Query(ctx, nil, q, nil, false)
		if r[0] != 1 {
			t.Fatalf("%s: %q", q, r)
		}
		rr, err := abi.NewRowsReader(r)
		row := make([]abi.Value, 1)
		if err != nil || !rr.Next(row) {
			t.Fatalf("%s: no row: %v", q, err)
		}
		return strings.Clone(row[0].Str)
	}
	const state = "SELECT concat_ws(',', pg_backend_pid(), current_setting('search_path'), " +
		"(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), " +
		"(SELECT count(*) FROM pg_listening_channels()), to_regclass('pg_temp.tt') IS NOT NULL, " +
		"(SELECT count(*) FROM pg_prepared_statements WHERE from_sql), current_setting('statement_timeout'))"

	s, derr := adb.Session(ctx)
	if derr != nil {
		t.Fatal(derr)
	}
	before := text(s, state)
	if r := s.Exec(ctx, nil, "SET search_path TO public; SELECT pg_advisory_lock(77); LISTEN ch; "+
		"CREATE TEMP TABLE tt (x int); PREPARE p AS SELECT 1; SET statement_timeout = 0", nil); r[0] == 3 {
		t.Fatalf("poisoning the connection: %q", r)
	}
	during := text(s, state)
	s.Close()

	if s, derr = adb.Session(ctx); derr != nil {
		t.Fatal(derr)
	}
	after := text(s, state)
	s.Close()
	if during == before {
		t.Fatalf("the request changed nothing: %s", during)
	}
	if after != before {
		t.Errorf("the next request on the connection found %s, want %s (during the first: %s)", after, before, during)
	}
}
