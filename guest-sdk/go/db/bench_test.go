//go:build !wasip1

package db_test

import (
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// rows20 is a host that answers every query with the same 20 rows.
type rows20 struct{ b []byte }

func (h rows20) Query(string, []byte) []byte { return h.b }
func (rows20) Exec(string, []byte) []byte    { return nil }
func (rows20) Begin(int32) []byte            { return nil }
func (rows20) Commit() []byte                { return nil }
func (rows20) Rollback() []byte              { return nil }

func newRows20() rows20 {
	cols := []abi.Column{{Name: "id", DeclType: "INTEGER"}, {Name: "title", DeclType: "TEXT"}, {Name: "done", DeclType: "BOOLEAN"}, {Name: "created_at", DeclType: "TIMESTAMP"}}
	b := abi.AppendRowsHeader(nil, cols, 20)
	for i := range 20 {
		for _, v := range []abi.Value{{Tag: abi.TagInt, Int: int64(i)}, {Tag: abi.TagText, Str: "todo number x"}, {Tag: abi.TagInt, Int: int64(i % 2)}, {Tag: abi.TagTime, Int: 1e18}} {
			b = abi.AppendValue(b, v)
		}
	}
	return rows20{b}
}

// BenchmarkQueryScan20 is the guest's share of a 20-row fast-path query
// (natively; in wasm it costs several times more).
func BenchmarkQueryScan20(b *testing.B) {
	db.SetNativeHost(newRows20())
	defer db.SetNativeHost(nil)
	type todo struct {
		ID      int64
		Title   string
		Done    bool
		Created time.Time
	}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := db.Query("SELECT id, title, done, created_at FROM todos")
		if err != nil {
			b.Fatal(err)
		}
		ts := make([]todo, rows.Len())
		for i := 0; rows.Next(); i++ {
			rows.Scan(&ts[i].ID, &ts[i].Title, &ts[i].Done, &ts[i].Created)
		}
	}
}
