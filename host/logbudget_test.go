// Tests of the per-request log budget (limits.log_bytes).

package host_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"sandkit.dev/sandkit/host"
)

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogBudget: log.wasm logs four short records, one of 16 KiB and, on
// /stdio, a line each to stdout and stderr. Under a 2000-byte budget the
// short records (256 bytes each, the least a record counts) pass, the big
// one is refused with one record saying the budget is spent, and the
// output lines are dropped. The next request has a budget of its own.
func TestLogBudget(t *testing.T) {
	var logs syncBuffer
	engine, err := host.NewEngine(host.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(context.Background()) })
	dir := appDir(t, map[string]string{"log/p.all": "log.wasm"}, "[limits]\nlog_bytes = 2000\n")
	_, srv := serveAppOn(t, engine, dir)
	for range 2 {
		expect(t, do(t, "GET", srv.URL+"/log/stdio", ""), 200, "logged")
	}
	out := logs.String()
	for _, tc := range []struct {
		what string
		want int
	}{
		{"info record", 2},
		{"error record", 2},
		{"big:0123", 0},
		{"stdout line", 0},
		{"stderr line", 0},
		{"guest log budget spent", 2},
	} {
		if n := strings.Count(out, tc.what); n != tc.want {
			t.Errorf("%q logged %d times, want %d", tc.what, n, tc.want)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%.3000s", out)
	}
}
