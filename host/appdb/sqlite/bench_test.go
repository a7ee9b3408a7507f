package sqlite

import (
	"context"
	"fmt"
	"testing"

	"modernc.org/sqlite"

	"sandkit.dev/sandkit/host/settings"
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
	adb, eng, _ := testDB(b, "b", settings.Limits{})
	_, s := session(b, adb)
	run(s, "CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT, done BOOLEAN, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)")
	for i := range 20 {
		run(s, fmt.Sprintf("INSERT INTO todos (title, done) VALUES ('todo number %d', %d)", i, i%2))
	}
	var pc *policyConn
	for _, c := range eng.h.conn.open { // the session's, the only one open
		pc = c
	}
	if !authorizer {
		pc.Conn.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(nil)
		defer pc.Conn.(sqlite.AuthorizerRegisterer).RegisterAuthorizer(pc.st.authorize)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = s.Query(context.Background(), buf[:0], "SELECT id, title, done, created_at FROM todos ORDER BY id LIMIT 20", nil, false)
		if !cache {
			pc.st.closeStmts()
		}
	}
	b.ReportMetric(float64(len(buf)), "bytes/result")
}

func BenchmarkDBSession(b *testing.B) {
	adb, _, _ := testDB(b, "b", settings.Limits{})
	b.ReportAllocs()
	for b.Loop() {
		s, derr := adb.Session(context.Background())
		if derr != nil {
			b.Fatal(derr)
		}
		s.Close()
	}
}
