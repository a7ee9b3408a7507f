package host

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// heapHeld is the memory the Go heap holds from the OS after a GC: in use,
// or free but not yet returned.
func heapHeld() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapSys - m.HeapReleased
}

// TestLargeResultMemoryReturned: the memory a request's large result
// took (the result slot, the values the driver read) goes back to
// the OS when the request ends, instead of staying held by the Go heap
// while the host is idle (measured: ~100 MB held 10 s later, at least).
func TestLargeResultMemoryReturned(t *testing.T) {
	l := settings.Limits{StatementTimeout: settings.Duration(120e9)}.WithDefaults()
	adb := appdb.New("mem", sqlite.New(filepath.Join(t.TempDir(), sqlite.AppDBPath), l), l.StatementTimeout.Std(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer adb.Close()
	ctx := context.Background()
	statement := func(kind stmtKind, q string) []byte {
		c := newCall()
		defer c.release()
		n := dbStatement(ctx, c, adb, kind, []byte(q), abi.AppendArgs(nil, nil))
		return append([]byte(nil), c.slot[:min(n, 256)]...)
	}
	// Few rows of long values: a result of the same size as many short
	// rows, built the same way, at a fraction of the time SQLite takes
	// to write and read rows (this test ran 90 s with -race at 700,000).
	statement(stmtExec, "CREATE TABLE t (x INTEGER, m TEXT, s TEXT)")
	statement(stmtExec, "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 100000) SELECT x, printf('%060d', x), printf('%0400d', x) FROM c")
	before := heapHeld()
	for _, tc := range []struct {
		kind stmtKind
		q    string
		want byte
	}{
		{stmtQuery, "SELECT x, m FROM t", abi.ResultRows},  // 7 MB
		{stmtQuery, "SELECT x, s FROM t", abi.ResultError}, // over the 32 MiB bound
		{stmtJSON, "SELECT x, m FROM t", abi.ResultJSON},   // 8 MB
		{stmtJSON, "SELECT x, s FROM t", abi.ResultError},  // over the bound
	} {
		runs := reclaimRuns()
		if got := statement(tc.kind, tc.q); got[0] != tc.want {
			t.Fatalf("%s: result kind %d, want %d: %q", tc.q, got[0], tc.want, got)
		}
		// The return runs after the request, off its path: wait for the
		// one the request asked for (none is running when the request
		// starts: the last one ended before the wait below returned).
		if !waitReclaim(runs, time.Minute) {
			t.Fatalf("%s: no return of memory within a minute of the request", tc.q)
		}
		const margin = 24 << 20
		if after := heapHeld(); after > before+margin {
			t.Errorf("%s: the heap holds %d MB after the request, %d MB before", tc.q, after>>20, before>>20)
		}
	}
}
