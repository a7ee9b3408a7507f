// The fast path: Query, Exec and the request's transaction as plain
// functions, and Rows that scan without reflection.

package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"sandkit.dev/sandkit/abi"
)

// Result is what Exec reports.
type Result struct {
	RowsAffected int64
	LastInsertID int64
}

// Exec runs a statement that returns no rows (INSERT, UPDATE, DELETE,
// CREATE...). Arguments bind to ? placeholders in order.
func Exec(query string, args ...any) (Result, error) {
	ab, err := encodeArgs(args)
	if err != nil {
		return Result{}, err
	}
	b, err := call(opExec, query, ab, 0)
	if err != nil {
		return Result{}, err
	}
	ra, id, err := abi.DecodeExecResult(b)
	return Result{ra, id}, err
}

// Query runs a statement and returns all of its rows, already fetched.
// Arguments bind to ? placeholders in order.
func Query(query string, args ...any) (*Rows, error) {
	ab, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	b, err := call(opQuery, query, ab, 0)
	if err != nil {
		return nil, err
	}
	r := &Rows{}
	if err := r.r.Reset(b); err != nil {
		return nil, err
	}
	r.row = make([]abi.Value, len(r.r.Columns()))
	return r, nil
}

// QueryJSON runs a statement and returns its rows as one JSON array of
// objects keyed by column name, made by the host: a handler can answer it
// as it is (sandkit.RawJSON) without decoding a row. Integers and floats
// are numbers, text strings, blobs base64 strings, times RFC 3339 strings
// in UTC, NULL null, and a column declared BOOLEAN is true/false (spec/abi.md
// §9). Name columns with AS to choose the keys.
func QueryJSON(query string, args ...any) ([]byte, error) {
	ab, err := encodeArgs(args)
	if err != nil {
		return nil, err
	}
	b, err := call(opQueryJSON, query, ab, 0)
	if err != nil {
		return nil, err
	}
	if len(b) < 1 || b[0] != abi.ResultJSON {
		return nil, fmt.Errorf("sandkit db: %s: not a JSON result", abi.ImportDBQueryJSON)
	}
	return b[1:], nil
}

// Begin starts the request's transaction: every statement after it, until
// Commit or Rollback, runs inside it. A request has at most one open
// transaction (nest with SAVEPOINT); one left open when the handler
// returns is rolled back by the host.
func Begin() error { _, err := call(opBegin, "", nil, 0); return err }

// BeginReadOnly starts a transaction in which writes fail.
func BeginReadOnly() error { _, err := call(opBegin, "", nil, abi.TxReadOnly); return err }

// Commit commits the request's transaction.
func Commit() error { _, err := call(opCommit, "", nil, 0); return err }

// Rollback rolls the request's transaction back.
func Rollback() error { _, err := call(opRollback, "", nil, 0); return err }

// InTx runs f in a transaction: committed if f returns nil, rolled back
// if it returns an error or panics.
func InTx(f func() error) (err error) {
	if err := Begin(); err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			Rollback()
		}
	}()
	if err := f(); err != nil {
		done = true
		if rerr := Rollback(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	done = true
	return Commit()
}

// Rows is the result of [Query]: every row, decoded one at a time on Next
// without reflection. Strings it returns share the result's memory, which
// is never reused, so they stay valid.
type Rows struct {
	r   abi.RowsReader
	row []abi.Value
	err error
}

// Columns returns the column names.
func (r *Rows) Columns() []string {
	cols := r.r.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// Len returns the number of rows not yet read.
func (r *Rows) Len() int { return r.r.Len() }

// Next moves to the next row and reports whether there is one.
func (r *Rows) Next() bool { return r.err == nil && r.r.Next(r.row) }

// Err returns the first error met while reading or scanning.
func (r *Rows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.r.Err()
}

// Close is a no-op (the rows are already fetched); it lets Rows stand in
// for *sql.Rows.
func (r *Rows) Close() error { return nil }

// IsNull reports whether column i of the current row is NULL.
func (r *Rows) IsNull(i int) bool { return r.row[i].Tag == abi.TagNull }

// Int64 returns column i as an integer: 0 for NULL, text parsed in base
// 10, floats truncated.
func (r *Rows) Int64(i int) int64 {
	v := r.row[i]
	switch v.Tag {
	case abi.TagInt, abi.TagBool, abi.TagTime:
		return v.Int
	case abi.TagFloat:
		return int64(v.Float)
	case abi.TagText:
		n, _ := strconv.ParseInt(v.Str, 10, 64)
		return n
	}
	return 0
}

// Float64 returns column i as a float: 0 for NULL.
func (r *Rows) Float64(i int) float64 {
	v := r.row[i]
	switch v.Tag {
	case abi.TagFloat:
		return v.Float
	case abi.TagInt, abi.TagBool:
		return float64(v.Int)
	case abi.TagText:
		f, _ := strconv.ParseFloat(v.Str, 64)
		return f
	}
	return 0
}

// Bool returns column i as a boolean: non-zero numbers are true.
func (r *Rows) Bool(i int) bool {
	v := r.row[i]
	switch v.Tag {
	case abi.TagFloat:
		return v.Float != 0
	case abi.TagText:
		b, _ := strconv.ParseBool(v.Str)
		return b
	}
	return v.Int != 0
}

// Text returns column i as a string: "" for NULL, numbers formatted.
func (r *Rows) Text(i int) string {
	v := r.row[i]
	switch v.Tag {
	case abi.TagText, abi.TagBlob:
		return v.Str
	case abi.TagInt:
		return strconv.FormatInt(v.Int, 10)
	case abi.TagFloat:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case abi.TagBool:
		return strconv.FormatBool(v.Int != 0)
	case abi.TagTime:
		return time.Unix(0, v.Int).UTC().Format(time.RFC3339Nano)
	}
	return ""
}

// Bytes returns column i as bytes shared with the result (do not modify
// them): nil for NULL.
func (r *Rows) Bytes(i int) []byte {
	v := r.row[i]
	if v.Tag == abi.TagText || v.Tag == abi.TagBlob {
		return unsafe.Slice(unsafe.StringData(v.Str), len(v.Str))
	}
	if v.Tag == abi.TagNull {
		return nil
	}
	return []byte(r.Text(i))
}

// Time returns column i as a time: a time value, Unix seconds for an
// integer, or text in SQLite's formats; the zero time for NULL or text it
// cannot parse.
func (r *Rows) Time(i int) time.Time {
	v := r.row[i]
	switch v.Tag {
	case abi.TagTime:
		return time.Unix(0, v.Int).UTC()
	case abi.TagInt:
		return time.Unix(v.Int, 0).UTC()
	case abi.TagFloat:
		sec, frac := math.Modf(v.Float)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	case abi.TagText:
		t, _ := parseTime(v.Str)
		return t
	}
	return time.Time{}
}

// Scan copies the current row's columns into dest, one pointer per column:
// *int64, *int, *int32, *float64, *bool, *string, *[]byte (copied),
// *time.Time, *any, or a sql.Scanner (sql.NullString and friends). It uses
// a type switch, not reflection.
func (r *Rows) Scan(dest ...any) error {
	if len(dest) != len(r.row) {
		return fmt.Errorf("sandkit db: Scan: %d destinations for %d columns", len(dest), len(r.row))
	}
	for i, d := range dest {
		if err := r.scanOne(i, d); err != nil {
			r.err = fmt.Errorf("sandkit db: Scan column %q: %w", r.r.Columns()[i].Name, err)
			return r.err
		}
	}
	return nil
}

func (r *Rows) scanOne(i int, d any) error {
	switch d := d.(type) {
	case *int64:
		*d = r.Int64(i)
	case *int:
		*d = int(r.Int64(i))
	case *int32:
		*d = int32(r.Int64(i))
	case *float64:
		*d = r.Float64(i)
	case *bool:
		*d = r.Bool(i)
	case *string:
		*d = r.Text(i)
	case *[]byte:
		if r.IsNull(i) {
			*d = nil
		} else {
			*d = append([]byte(nil), r.Bytes(i)...)
		}
	case *time.Time:
		*d = r.Time(i)
	case *any:
		*d = driverValue(r.row[i])
	case sql.Scanner:
		return d.Scan(driverValue(r.row[i]))
	case nil:
	default:
		return fmt.Errorf("unsupported destination %T", d)
	}
	return nil
}

// driverValue is v as a database/sql driver value.
func driverValue(v abi.Value) driver.Value {
	switch v.Tag {
	case abi.TagInt:
		return v.Int
	case abi.TagFloat:
		return v.Float
	case abi.TagText:
		return v.Str
	case abi.TagBlob:
		return unsafe.Slice(unsafe.StringData(v.Str), len(v.Str))
	case abi.TagBool:
		return v.Int != 0
	case abi.TagTime:
		return time.Unix(0, v.Int).UTC()
	}
	return nil
}

// timeFormats are the text forms SQLite and the host write times in.
var timeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

func parseTime(s string) (time.Time, error) {
	for _, f := range timeFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as a time", s)
}
