//go:build !wasip1

package db_test

import (
	"database/sql"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// fakeHost answers every query with rows and records every call.
type fakeHost struct {
	rows  []byte
	err   *abi.DBError // returned by Exec when set
	calls []string
}

func (f *fakeHost) Query(q string, args []byte) []byte {
	vs, err := abi.DecodeArgs(args, nil)
	if err != nil {
		panic(err)
	}
	f.calls = append(f.calls, "query "+q+" "+describe(vs))
	return f.rows
}

func (f *fakeHost) Exec(q string, args []byte) []byte {
	vs, err := abi.DecodeArgs(args, nil)
	if err != nil {
		panic(err)
	}
	f.calls = append(f.calls, "exec "+q+" "+describe(vs))
	if f.err != nil {
		return abi.AppendDBError(nil, f.err)
	}
	return abi.AppendExecResult(nil, 1, 42)
}

func (f *fakeHost) Begin(flags int32) []byte {
	f.calls = append(f.calls, "begin "+string(rune('0'+flags)))
	return nil
}
func (f *fakeHost) Commit() []byte   { f.calls = append(f.calls, "commit"); return nil }
func (f *fakeHost) Rollback() []byte { f.calls = append(f.calls, "rollback"); return nil }

// describe lists arguments as tag:value ("b:0 s:x").
func describe(vs []abi.Value) string {
	var parts []string
	for _, v := range vs {
		tag := string("nifstbT"[v.Tag])
		switch v.Tag {
		case abi.TagText, abi.TagBlob:
			parts = append(parts, tag+":"+v.Str)
		case abi.TagFloat:
			parts = append(parts, tag+":"+strconv.FormatFloat(v.Float, 'g', -1, 64))
		default:
			parts = append(parts, tag+":"+strconv.FormatInt(v.Int, 10))
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func todoRows() []byte {
	cols := []abi.Column{{Name: "id", DeclType: "INTEGER"}, {Name: "title", DeclType: "TEXT"}, {Name: "done", DeclType: "BOOLEAN"}, {Name: "created", DeclType: "TIMESTAMP"}, {Name: "note", DeclType: "TEXT"}}
	b := abi.AppendRowsHeader(nil, cols, 2)
	for _, v := range []abi.Value{
		{Tag: abi.TagInt, Int: 1}, {Tag: abi.TagText, Str: "milk"}, {Tag: abi.TagInt, Int: 0}, {Tag: abi.TagTime, Int: 1e18}, {Tag: abi.TagNull},
		{Tag: abi.TagInt, Int: 2}, {Tag: abi.TagText, Str: "eggs"}, {Tag: abi.TagInt, Int: 1}, {Tag: abi.TagTime, Int: 2e18}, {Tag: abi.TagText, Str: "x"},
	} {
		b = abi.AppendValue(b, v)
	}
	return b
}

type todo struct {
	ID      int64
	Title   string
	Done    bool
	Created time.Time
	Note    sql.NullString
}

func useFake(t *testing.T) *fakeHost {
	f := &fakeHost{rows: todoRows()}
	db.SetNativeHost(f)
	t.Cleanup(func() { db.SetNativeHost(nil) })
	return f
}

func TestFastPath(t *testing.T) {
	f := useFake(t)
	rows, err := db.Query("SELECT * FROM todos WHERE done = ? AND title <> ?", false, "x")
	if err != nil {
		t.Fatal(err)
	}
	var got []todo
	for rows.Next() {
		var td todo
		if err := rows.Scan(&td.ID, &td.Title, &td.Done, &td.Created, &td.Note); err != nil {
			t.Fatal(err)
		}
		got = append(got, td)
	}
	want := []todo{
		{1, "milk", false, time.Unix(0, 1e18).UTC(), sql.NullString{}},
		{2, "eggs", true, time.Unix(0, 2e18).UTC(), sql.NullString{String: "x", Valid: true}},
	}
	if rows.Err() != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, err %v", got, rows.Err())
	}
	if len(f.calls) != 1 || f.calls[0] != "query SELECT * FROM todos WHERE done = ? AND title <> ? [b:0 s:x]" {
		t.Errorf("calls %q", f.calls)
	}
	res, err := db.Exec("INSERT INTO todos (title) VALUES (?)", "bread")
	if err != nil || res.LastInsertID != 42 || res.RowsAffected != 1 {
		t.Errorf("exec: %+v %v", res, err)
	}
}

func TestDatabaseSQL(t *testing.T) {
	f := useFake(t)
	sqldb := db.Open()
	var td todo
	if err := sqldb.QueryRow("SELECT * FROM todos LIMIT 1").Scan(&td.ID, &td.Title, &td.Done, &td.Created, &td.Note); err != nil {
		t.Fatal(err)
	}
	if td.ID != 1 || td.Title != "milk" || td.Done || !td.Created.Equal(time.Unix(0, 1e18)) || td.Note.Valid {
		t.Errorf("row %+v", td)
	}
	tx, err := sqldb.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("UPDATE todos SET done = ? WHERE id = ?", true, 1); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	tx, _ = sqldb.BeginTx(t.Context(), &sql.TxOptions{ReadOnly: true})
	tx.Commit()
	want := []string{"query SELECT * FROM todos LIMIT 1 []", "begin 0", "exec UPDATE todos SET done = ? WHERE id = ? [b:1 i:1]", "rollback", "begin 1", "commit"}
	for i, w := range want {
		if i >= len(f.calls) || !strings.HasPrefix(f.calls[i], w) {
			t.Errorf("call %d: got %q, want %q", i, f.calls, w)
			break
		}
	}
}

func TestErrors(t *testing.T) {
	f := useFake(t)
	f.err = &abi.DBError{Code: abi.CodeUnique, SQLState: "23505", Message: "UNIQUE constraint failed: todos.title"}
	_, err := db.Exec("INSERT INTO todos (title) VALUES ('milk')")
	var e *db.Error
	if !errors.As(err, &e) || !db.IsUnique(err) || !db.IsConstraint(err) || db.IsRefused(err) || e.SQLState != "23505" {
		t.Errorf("err %v", err)
	}
	_, err = db.Open().Exec("INSERT INTO todos (title) VALUES ('milk')")
	if !db.IsUnique(err) {
		t.Errorf("database/sql err %v", err)
	}
	// InTx rolls back on error.
	f.calls = nil
	if err := db.InTx(func() error { _, err := db.Exec("X"); return err }); !db.IsUnique(err) {
		t.Errorf("InTx err %v", err)
	}
	if got := strings.Join(f.calls, ","); got != "begin 0,exec X [],rollback" {
		t.Errorf("InTx calls %q", got)
	}
	db.SetNativeHost(nil)
	if _, err := db.Query("SELECT 1"); err == nil || !strings.Contains(err.Error(), "outside the sandkit host") {
		t.Errorf("no host: %v", err)
	}
}

// TestEngineNative: natively, without a host that says, Engine is the
// process's SANDKIT_DATABASE_ENGINE, and "" when that is unset.
func TestEngineNative(t *testing.T) {
	db.SetNativeHost(nil)
	t.Setenv("SANDKIT_DATABASE_ENGINE", "postgres")
	if e := db.Engine(); e != db.Postgres {
		t.Errorf("with SANDKIT_DATABASE_ENGINE=postgres: %q", e)
	}
	t.Setenv("SANDKIT_DATABASE_ENGINE", "")
	if e := db.Engine(); e != "" {
		t.Errorf("with SANDKIT_DATABASE_ENGINE empty: %q", e)
	}
}
