// Fuzzing the JSON the host builds from database rows (db_query_json).

package appdb

import (
	"database/sql/driver"
	"encoding/json"
	"io"
	"math"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
)

// fuzzRows is driver.Rows over fixed values, with declared column types.
type fuzzRows struct {
	cols  []string
	types []string
	rows  [][]driver.Value
}

func (r *fuzzRows) Columns() []string                       { return r.cols }
func (r *fuzzRows) Close() error                            { return nil }
func (r *fuzzRows) ColumnTypeDatabaseTypeName(i int) string { return r.types[i] }
func (r *fuzzRows) Next(dst []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dst, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

// FuzzRowsJSON: rows of any column names and values (as the drivers
// return them) become a valid JSON array of objects, one per row, with one
// member per distinct column name.
//
//	go test -run '^$' -fuzz '^FuzzRowsJSON$' ./host/appdb
func FuzzRowsJSON(f *testing.F) {
	f.Add("id", "name", "INTEGER", int64(1), 1.5, "text", []byte{0, 0xff}, int64(0), uint8(2))
	f.Add("", "\xff\"<", "BOOLEAN", int64(1), math.Inf(1), "\u2028", []byte(nil), int64(-1), uint8(0))
	f.Add("a", "a", "BOOL", int64(7), math.NaN(), "", []byte{}, int64(1<<62), uint8(5))
	f.Fuzz(func(t *testing.T, c1, c2, type1 string, i int64, fl float64, s string, blob []byte, ns int64, n uint8) {
		rows := &fuzzRows{cols: []string{c1, c2, "f", "s", "b", "t", "nil"}, types: []string{type1, "TEXT", "REAL", "TEXT", "BLOB", "TIMESTAMP", ""}}
		for range n % 4 {
			rows.rows = append(rows.rows, []driver.Value{i, s, fl, s, blob, time.Unix(0, ns), nil})
		}
		want := len(rows.rows)
		b, derr, err := appendRowsJSON(nil, rows)
		if err != nil || derr != nil {
			t.Fatalf("appendRowsJSON: %v %v", err, derr)
		}
		if b[0] != abi.ResultJSON {
			t.Fatalf("result kind %d", b[0])
		}
		var got []map[string]any
		if err := json.Unmarshal(b[1:], &got); err != nil {
			t.Fatalf("not valid JSON: %v\n%s", err, b[1:])
		}
		if len(got) != want {
			t.Fatalf("%d objects for %d rows", len(got), want)
		}
	})
}
