// What one request leaves on its PostgreSQL connection does not reach the
// next request on the same pool.

package host

import (
	"context"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
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
	if _, err := admin.Exec(ctx, "GRANT TEMP ON DATABASE "+quoteIdent(admin.Config().Database)+" TO "+quoteIdent(PostgresSchema(app))); err != nil {
		t.Fatal(err)
	}
	adb := newAppDB(app, t.TempDir(), Limits{}.withDefaults(), nopLog())
	adb.pgURL = url
	defer adb.close()
	text := func(c *call, q string) string {
		t.Helper()
		n := dbStatement(ctx, c, adb, stmtQuery, []byte(q), abi.AppendArgs(nil, nil))
		if n < 0 || c.slot[0] != 1 {
			t.Fatalf("%s: %d %q", q, n, c.slot)
		}
		rr, err := abi.NewRowsReader(c.slot[:n])
		row := make([]abi.Value, 1)
		if err != nil || !rr.Next(row) {
			t.Fatalf("%s: no row: %v", q, err)
		}
		return strings.Clone(row[0].Str) // the reader's strings alias the call's slot, reused by the next call
	}
	const state = "SELECT concat_ws(',', pg_backend_pid(), current_setting('search_path'), " +
		"(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), " +
		"(SELECT count(*) FROM pg_listening_channels()), to_regclass('pg_temp.tt') IS NOT NULL, " +
		"(SELECT count(*) FROM pg_prepared_statements WHERE from_sql), current_setting('statement_timeout'))"

	c := newCall()
	before := text(c, state)
	n := dbStatement(ctx, c, adb, stmtExec, []byte("SET search_path TO public; SELECT pg_advisory_lock(77); LISTEN ch; "+
		"CREATE TEMP TABLE tt (x int); PREPARE p AS SELECT 1; SET statement_timeout = 0"), abi.AppendArgs(nil, nil))
	if n < 0 || c.slot[0] == 3 {
		t.Fatalf("poisoning the connection: %d %q", n, c.slot)
	}
	during := text(c, state)
	c.release()

	c = newCall()
	after := text(c, state)
	c.release()
	if during == before {
		t.Fatalf("the request changed nothing: %s", during)
	}
	if after != before {
		t.Errorf("the next request on the connection found %s, want %s (during the first: %s)", after, before, during)
	}
}
