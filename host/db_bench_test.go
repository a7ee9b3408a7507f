package host

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"modernc.org/sqlite"
)

// BenchmarkDBQuery20 is db_query of 20 rows as served: the statement is
// prepared once per connection and cached.
func BenchmarkDBQuery20(b *testing.B) { benchQuery20(b, true, true) }

// BenchmarkDBQuery20Uncached prepares (and authorizes) the statement on
// every call.
func BenchmarkDBQuery20Uncached(b *testing.B) { benchQuery20(b, true, false) }

// BenchmarkDBQuery20UncachedNoAuthorizer also drops the policy, to price it.
func BenchmarkDBQuery20UncachedNoAuthorizer(b *testing.B) { benchQuery20(b, false, false) }

func benchQuery20(b *testing.B, authorizer, cache bool) {
	adb := newAppDB("b", b.TempDir(), Limits{}.withDefaults(), nopLog())
	defer adb.close()
	c := newCall()
	s, derr := c.dbSession(context.Background(), adb)
	if derr != nil {
		b.Fatal(derr)
	}
	defer c.release()
	s.conn.ExecContext(context.Background(), "CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT, done BOOLEAN, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)")
	for i := range 20 {
		s.conn.ExecContext(context.Background(), fmt.Sprintf("INSERT INTO todos (title, done) VALUES ('todo number %d', %d)", i, i%2))
	}
	if !authorizer {
		s.conn.Raw(func(dc any) error {
			return dc.(*policyConn).Conn.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(nil)
		})
		defer s.conn.Raw(func(dc any) error {
			return dc.(*policyConn).Conn.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(s.st.authorize)
		})
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = s.query(context.Background(), buf[:0], "SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20", nil, false)
		if !cache {
			s.st.closeStmts()
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes/result")
}

func BenchmarkDBSession(b *testing.B) {
	adb := newAppDB("b", b.TempDir(), Limits{}.withDefaults(), nopLog())
	defer adb.close()
	b.ReportAllocs()
	for b.Loop() {
		c := newCall()
		if _, derr := c.dbSession(context.Background(), adb); derr != nil {
			b.Fatal(derr)
		}
		c.release()
	}
}

func nopLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
