package postgres_test

import (
	"context"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb/postgres"
)

// TestResetOnlyWhatLeavesState: a request whose statements only read or
// change rows gives its connection back without the reset's round trip;
// one that inserts (drawing from a sequence) is reset, so lastval() in
// the next request sees nothing of it.
func TestResetOnlyWhatLeavesState(t *testing.T) {
	adb := testDB(t)
	ctx := context.Background()
	request := func(exec bool, q string) []byte {
		t.Helper()
		s, derr := adb.Session(ctx)
		if derr != nil {
			t.Fatal(derr)
		}
		defer s.Close()
		if exec {
			return s.Exec(ctx, nil, q, nil)
		}
		return s.Query(ctx, nil, q, nil, false)
	}
	for _, c := range []struct {
		exec   bool
		sql    string
		resets int64
	}{
		{false, "SELECT id, title FROM todos ORDER BY id LIMIT 20", 0},
		{false, "WITH d AS (SELECT * FROM todos WHERE done) SELECT count(*) FROM d", 0},
		{true, "UPDATE todos SET done = NOT done WHERE id = 1", 0},
		{true, "DELETE FROM todos WHERE id = -1", 0},
		{true, "INSERT INTO todos (title) VALUES ('drawn from the sequence')", 1},
		{true, "UPDATE todos SET id = DEFAULT WHERE id = -1", 1},
		{true, "WITH n AS (INSERT INTO todos (title) VALUES ('cte') RETURNING id) SELECT id FROM n", 1},
		{true, "CREATE INDEX IF NOT EXISTS todos_title ON todos (title)", 1},
		{false, "SELECT lastval()", 1},
	} {
		before := postgres.Resets.Load()
		if r := request(c.exec, c.sql); r[0] == 3 {
			e, _ := abi.DecodeDBError(r)
			if c.sql != "SELECT lastval()" {
				t.Fatalf("%s: %v", c.sql, e)
			}
		}
		if got := postgres.Resets.Load() - before; got != c.resets {
			t.Errorf("%s: %d resets, want %d", c.sql, got, c.resets)
		}
	}
	// Every connection the inserts used was reset: lastval() is undefined
	// in whichever the pool hands out next.
	for range 8 {
		r := request(false, "SELECT lastval()")
		if r[0] != 3 {
			t.Fatalf("lastval() after an inserting request was reset: %q, want an error", r)
		}
		if e, _ := abi.DecodeDBError(r); e.SQLState != "55000" {
			t.Fatalf("lastval(): %v, want SQLSTATE 55000 (not yet defined in this session)", e)
		}
	}
}
