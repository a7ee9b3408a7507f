package abi_test

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"sandkit.dev/sandkit/abi"
)

func sampleArgs() []abi.Value {
	return []abi.Value{
		{Tag: abi.TagNull},
		{Tag: abi.TagInt, Int: -42},
		{Tag: abi.TagFloat, Float: math.Pi},
		{Tag: abi.TagText, Str: "héllo"},
		{Tag: abi.TagBlob, Str: "\x00\xff"},
		{Tag: abi.TagBool, Int: 1},
		{Tag: abi.TagTime, Int: 1_700_000_000_123_456_789},
	}
}

func sampleRows() ([]abi.Column, [][]abi.Value, []byte) {
	cols := []abi.Column{{Name: "id", DeclType: "INTEGER"}, {Name: "title", DeclType: "TEXT"}, {Name: "x", DeclType: ""}}
	rows := [][]abi.Value{
		{{Tag: abi.TagInt, Int: 1}, {Tag: abi.TagText, Str: "a"}, {Tag: abi.TagNull}},
		{{Tag: abi.TagInt, Int: 2}, {Tag: abi.TagText, Str: ""}, {Tag: abi.TagFloat, Float: 0.5}},
	}
	b := abi.AppendRowsHeader(nil, cols, 0)
	at := len(b)
	for _, r := range rows {
		for _, v := range r {
			b = abi.AppendValue(b, v)
		}
	}
	abi.PatchRowCount(b, at, uint32(len(rows)))
	return cols, rows, b
}

func TestArgsRoundTrip(t *testing.T) {
	for _, args := range [][]abi.Value{sampleArgs(), {}} {
		b := abi.AppendArgs(nil, args)
		got, err := abi.DecodeArgs(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(args) || (len(args) > 0 && !reflect.DeepEqual(got, args)) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, args)
		}
	}
}

func TestArgsMalformed(t *testing.T) {
	good := abi.AppendArgs(nil, sampleArgs())
	for n := range len(good) {
		if _, err := abi.DecodeArgs(good[:n], nil); err != abi.ErrMalformedDB {
			t.Errorf("truncated to %d bytes: got %v", n, err)
		}
	}
	bad := map[string][]byte{
		"trailing":    append(bytes.Clone(good), 0),
		"unknown tag": {1, 0, 0, 0, 9},
		"bool 2":      {1, 0, 0, 0, abi.TagBool, 2},
		"huge count":  {0xff, 0xff, 0xff, 0x7f, 0},
		"text length": {1, 0, 0, 0, abi.TagText, 0xff, 0xff, 0xff, 0xff},
	}
	for name, b := range bad {
		if _, err := abi.DecodeArgs(b, nil); err != abi.ErrMalformedDB {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestRowsRoundTrip(t *testing.T) {
	cols, rows, b := sampleRows()
	r, err := abi.NewRowsReader(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Columns(), cols) || r.Len() != len(rows) {
		t.Fatalf("columns %+v len %d", r.Columns(), r.Len())
	}
	row := make([]abi.Value, len(cols))
	var got [][]abi.Value
	for r.Next(row) {
		got = append(got, append([]abi.Value(nil), row...))
	}
	if r.Err() != nil || !reflect.DeepEqual(got, rows) {
		t.Errorf("rows %+v err %v", got, r.Err())
	}
	for n := range len(b) {
		if rowsDecode(b[:n]) == nil {
			t.Errorf("truncated to %d bytes: decoded", n)
		}
	}
	if rowsDecode(append(bytes.Clone(b), 0)) == nil {
		t.Errorf("trailing byte: decoded")
	}
}

// rowsDecode reads every row of b and returns the first error.
func rowsDecode(b []byte) error {
	r, err := abi.NewRowsReader(b)
	if err != nil {
		return err
	}
	row := make([]abi.Value, len(r.Columns()))
	for r.Next(row) {
	}
	if err := r.Err(); err != nil {
		return err
	}
	if r.Len() != 0 {
		return abi.ErrMalformedDB
	}
	return nil
}

func TestRowsReaderDoesNotAllocate(t *testing.T) {
	_, _, b := sampleRows()
	var r abi.RowsReader
	row := make([]abi.Value, 3)
	r.Reset(b)
	if n := testing.AllocsPerRun(100, func() {
		r.Reset(b)
		for r.Next(row) {
		}
	}); n != 0 {
		t.Errorf("%.0f allocations per result, want 0", n)
	}
}

func TestExecAndErrorRoundTrip(t *testing.T) {
	ra, id, err := abi.DecodeExecResult(abi.AppendExecResult(nil, 3, -7))
	if ra != 3 || id != -7 || err != nil {
		t.Errorf("exec: %d %d %v", ra, id, err)
	}
	want := &abi.DBError{Code: abi.CodeUnique, SQLState: "23505", Message: "UNIQUE constraint failed: todos.title"}
	got, err := abi.DecodeDBError(abi.AppendDBError(nil, want))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("error: %+v %v", got, err)
	}
	if got.Primary() != abi.CodeConstraint {
		t.Errorf("Primary() = %d", got.Primary())
	}
	if s := got.Error(); s != "UNIQUE constraint failed: todos.title (code 2067, SQLSTATE 23505)" {
		t.Errorf("Error() = %q", s)
	}
}

func FuzzDecodeArgs(f *testing.F) {
	f.Add(abi.AppendArgs(nil, sampleArgs()))
	f.Add([]byte{1, 0, 0, 0, abi.TagBool, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		args, err := abi.DecodeArgs(b, nil)
		if err != nil {
			return
		}
		// What decodes re-encodes to the same bytes.
		if again := abi.AppendArgs(nil, args); !bytes.Equal(again, b) {
			t.Errorf("re-encoding differs:\n%x\n%x", b, again)
		}
	})
}

func FuzzRowsReader(f *testing.F) {
	_, _, b := sampleRows()
	f.Add(b)
	f.Add(abi.AppendRowsHeader(nil, nil, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := abi.NewRowsReader(b)
		if err != nil {
			return
		}
		row := make([]abi.Value, len(r.Columns()))
		out := abi.AppendRowsHeader(nil, r.Columns(), uint32(r.Len()))
		for r.Next(row) {
			for _, v := range row {
				out = abi.AppendValue(out, v)
			}
		}
		if r.Err() == nil && r.Len() == 0 && !bytes.Equal(out, b) {
			t.Errorf("re-encoding differs:\n%x\n%x", b, out)
		}
	})
}

func FuzzDecodeDBResult(f *testing.F) {
	f.Add(abi.AppendDBError(nil, &abi.DBError{Code: 19, SQLState: "23000", Message: "x"}))
	f.Add(abi.AppendExecResult(nil, 1, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, err := abi.DecodeDBError(b); err == nil {
			if again := abi.AppendDBError(nil, e); !bytes.Equal(again, b) {
				t.Errorf("error re-encoding differs")
			}
		}
		if ra, id, err := abi.DecodeExecResult(b); err == nil {
			if again := abi.AppendExecResult(nil, ra, id); !bytes.Equal(again, b) {
				t.Errorf("exec re-encoding differs")
			}
		}
	})
}
