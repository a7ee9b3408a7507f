// Database: the db_* host imports and the wire encoding of SQL arguments,
// rows, exec results and errors (spec/abi.md §9).

package abi

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
)

// Database host functions under [ModuleName]. Each returns the length n >= 0
// of a [DBResult] that waits in the result slot, or a negative code for a
// call that breaks the rules ([ErrBadInput] for undecodable arguments,
// [ErrState] outside a request, [ErrTooLarge] for SQL or arguments over
// their limits). n == 0 means success with nothing to report (begin,
// commit, rollback).
const (
	// ImportDBQuery is (sql_ptr, sql_len, args_ptr, args_len i32) -> i32:
	// runs one statement and puts all of its rows in the slot.
	ImportDBQuery = "db_query"
	// ImportDBExec is (sql_ptr, sql_len, args_ptr, args_len i32) -> i32:
	// runs one statement and puts rows affected and the last insert id in
	// the slot.
	ImportDBExec = "db_exec"
	// ImportDBQueryJSON is db_query_json(sql_ptr, sql_len, args_ptr,
	// args_len) -> i32: db_query whose rows come back as one JSON array of
	// objects ([ResultJSON]), for a handler that answers them as they are.
	ImportDBQueryJSON = "db_query_json"
	// ImportDBBegin is (flags i32) -> i32: starts the request's transaction.
	ImportDBBegin = "db_begin"
	// ImportDBCommit is () -> i32: commits the request's transaction.
	ImportDBCommit = "db_commit"
	// ImportDBRollback is () -> i32: rolls the request's transaction back.
	ImportDBRollback = "db_rollback"
)

// Flags of [ImportDBBegin].
const (
	// TxReadOnly starts a transaction that may not write.
	TxReadOnly int32 = 1
)

// Limits of the database imports.
const (
	MaxSQL      = 1 << 20  // bytes of SQL text per statement
	MaxDBArgs   = 16 << 20 // bytes of encoded arguments per statement
	MaxArgCount = 32766    // arguments per statement (SQLite's default bound)
	MaxDBResult = 32 << 20 // bytes of one encoded result; more is an error result
)

// Type tags of an encoded [Value].
const (
	TagNull  byte = 0 // no payload
	TagInt   byte = 1 // i64
	TagFloat byte = 2 // f64 (IEEE 754 bits as u64)
	TagText  byte = 3 // str
	TagBlob  byte = 4 // str (raw bytes)
	TagBool  byte = 5 // u8: 0 or 1
	TagTime  byte = 6 // i64: nanoseconds since 1970-01-01 UTC
)

// Kinds of a [DBResult]: its first byte.
const (
	ResultRows  byte = 1 // a query's columns and rows
	ResultExec  byte = 2 // rows affected and last insert id
	ResultError byte = 3 // the statement failed
	ResultJSON  byte = 4 // a query's rows as a JSON array of objects (db_query_json)
)

// Value is one SQL value: an argument or a column of a row. Tag says which
// field holds it: Int for TagInt, TagBool (0 or 1) and TagTime (Unix
// nanoseconds); Float for TagFloat; Str for TagText and TagBlob.
type Value struct {
	Tag   byte
	Int   int64
	Float float64
	Str   string
}

// Error codes a [DBError] carries in Code: SQLite's (extended) result codes,
// whatever the engine, so a guest can branch on one set. The host adds an
// SQLSTATE for the same conditions.
const (
	CodeError      int32 = 1    // SQLITE_ERROR: SQL error or missing table
	CodeInterrupt  int32 = 9    // SQLITE_INTERRUPT: the statement timeout or request deadline hit
	CodeFull       int32 = 13   // SQLITE_FULL: the app's database quota (limits.db_max_bytes) is full
	CodeTooBig     int32 = 18   // SQLITE_TOOBIG: a value or the result is over its limit
	CodeConstraint int32 = 19   // SQLITE_CONSTRAINT
	CodeMisuse     int32 = 21   // SQLITE_MISUSE: e.g. commit without a transaction
	CodeAuth       int32 = 23   // SQLITE_AUTH: refused by the host's policy (ATTACH, PRAGMA, ...)
	CodeBusy       int32 = 5    // SQLITE_BUSY: the database is locked
	CodeUnique     int32 = 2067 // SQLITE_CONSTRAINT_UNIQUE
	CodePrimaryKey int32 = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	CodeForeignKey int32 = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	CodeNotNull    int32 = 1299 // SQLITE_CONSTRAINT_NOTNULL
	CodeCheck      int32 = 275  // SQLITE_CONSTRAINT_CHECK
)

// DBError is a failed statement as the guest receives it.
//
// Encoding (after the [ResultError] byte):
//
//	i32 Code      SQLite extended result code (see Code*)
//	str SQLState  five-character SQLSTATE ("23505" for a unique violation), "" if none applies
//	str Message   the engine's message
type DBError struct {
	Code     int32
	SQLState string
	Message  string
}

func (e *DBError) Error() string {
	if e.SQLState != "" {
		return e.Message + " (code " + strconv.Itoa(int(e.Code)) + ", SQLSTATE " + e.SQLState + ")"
	}
	return e.Message + " (code " + strconv.Itoa(int(e.Code)) + ")"
}

// Primary returns the primary result code (Code & 0xff): CodeConstraint for
// every constraint violation.
func (e *DBError) Primary() int32 { return e.Code & 0xff }

// ErrMalformedDB is returned by the database decoders for bytes that are
// not a complete, well-formed encoding.
var ErrMalformedDB = errors.New("abi: malformed database encoding")

// AppendValue appends the encoding of v: its tag and payload.
func AppendValue(dst []byte, v Value) []byte {
	dst = append(dst, v.Tag)
	switch v.Tag {
	case TagInt, TagTime:
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v.Int))
	case TagFloat:
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.Float))
	case TagText, TagBlob:
		dst = appendStr(dst, v.Str)
	case TagBool:
		b := byte(0)
		if v.Int != 0 {
			b = 1
		}
		dst = append(dst, b)
	}
	return dst
}

// AppendArgs appends the encoding of a statement's arguments: a u32 count
// followed by that many values.
func AppendArgs(dst []byte, args []Value) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(args)))
	for _, a := range args {
		dst = AppendValue(dst, a)
	}
	return dst
}

// DecodeArgs decodes encoded arguments into dst[:0] and returns it. Strings
// are copied. It returns [ErrMalformedDB] for truncated input, trailing
// bytes, an unknown tag, a bool other than 0 or 1, or more than
// [MaxArgCount] values.
func DecodeArgs(b []byte, dst []Value) ([]Value, error) {
	d := decoder{b: b}
	n := d.u32()
	if d.bad || n > MaxArgCount || uint64(n) > uint64(len(d.b)) {
		return dst[:0], ErrMalformedDB
	}
	dst = dst[:0]
	for i := uint32(0); i < n; i++ {
		dst = append(dst, d.value())
	}
	if d.bad || len(d.b) != 0 {
		return dst[:0], ErrMalformedDB
	}
	return dst, nil
}

// value decodes one tagged value.
func (d *decoder) value() Value {
	if d.bad || len(d.b) < 1 {
		d.bad = true
		return Value{}
	}
	v := Value{Tag: d.b[0]}
	d.b = d.b[1:]
	switch v.Tag {
	case TagNull:
	case TagInt, TagTime:
		v.Int = int64(d.u64())
	case TagFloat:
		v.Float = math.Float64frombits(d.u64())
	case TagText, TagBlob:
		v.Str = d.str()
	case TagBool:
		if len(d.b) < 1 || d.b[0] > 1 {
			d.bad = true
			return Value{}
		}
		v.Int = int64(d.b[0])
		d.b = d.b[1:]
	default:
		d.bad = true
	}
	return v
}

// Column is one result column: its name and its declared type as the
// table defines it ("INTEGER", "TEXT", "" for an expression).
type Column struct {
	Name, DeclType string
}

// AppendRowsHeader starts a rows result: the [ResultRows] byte, the u32
// column count, each column's name and declared type (str each), and the
// u32 row count. The rows follow, each as len(cols) values in column
// order; use [AppendValue] for them and [PatchRowCount] once they are all
// written if the count was not known up front.
func AppendRowsHeader(dst []byte, cols []Column, nrows uint32) []byte {
	dst = append(dst, ResultRows)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(cols)))
	for _, c := range cols {
		dst = appendStr(dst, c.Name)
		dst = appendStr(dst, c.DeclType)
	}
	return binary.LittleEndian.AppendUint32(dst, nrows)
}

// PatchRowCount overwrites the row count of the rows result that starts at
// b[0]; at is the offset of the count (len(b) right after
// [AppendRowsHeader] returned).
func PatchRowCount(b []byte, at int, nrows uint32) {
	binary.LittleEndian.PutUint32(b[at-4:at], nrows)
}

// AppendExecResult encodes an exec result: the [ResultExec] byte, i64 rows
// affected, i64 last insert id.
func AppendExecResult(dst []byte, rowsAffected, lastInsertID int64) []byte {
	dst = append(dst, ResultExec)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(rowsAffected))
	return binary.LittleEndian.AppendUint64(dst, uint64(lastInsertID))
}

// AppendDBError encodes an error result: the [ResultError] byte then e.
func AppendDBError(dst []byte, e *DBError) []byte {
	dst = append(dst, ResultError)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(e.Code))
	dst = appendStr(dst, e.SQLState)
	return appendStr(dst, e.Message)
}

// DecodeExecResult decodes a [ResultExec] result.
func DecodeExecResult(b []byte) (rowsAffected, lastInsertID int64, err error) {
	if len(b) != 17 || b[0] != ResultExec {
		return 0, 0, ErrMalformedDB
	}
	return int64(binary.LittleEndian.Uint64(b[1:])), int64(binary.LittleEndian.Uint64(b[9:])), nil
}

// DecodeDBError decodes a [ResultError] result. Strings are copied.
func DecodeDBError(b []byte) (*DBError, error) {
	if len(b) < 1 || b[0] != ResultError {
		return nil, ErrMalformedDB
	}
	d := decoder{b: b[1:]}
	e := &DBError{Code: int32(d.u32()), SQLState: d.str(), Message: d.str()}
	if d.bad || len(d.b) != 0 {
		return nil, ErrMalformedDB
	}
	return e, nil
}

// RowsReader decodes a [ResultRows] result in place, one row at a time,
// without reflection and without copying: strings it returns alias the
// bytes given to [NewRowsReader], which must not change afterwards.
type RowsReader struct {
	d    decoder
	cols []Column
	left uint32 // rows not yet read
}

// NewRowsReader checks the header of a rows result and returns a reader
// positioned before its first row.
func NewRowsReader(b []byte) (*RowsReader, error) {
	r := &RowsReader{}
	return r, r.Reset(b)
}

// Reset makes r read b, reusing r's column slice.
func (r *RowsReader) Reset(b []byte) error {
	if len(b) < 1 || b[0] != ResultRows {
		return ErrMalformedDB
	}
	r.d = decoder{b: b[1:], alias: true}
	n := r.d.u32()
	// Each column takes at least 8 bytes.
	if r.d.bad || uint64(n)*8 > uint64(len(r.d.b)) {
		return ErrMalformedDB
	}
	r.cols = r.cols[:0]
	for i := uint32(0); i < n; i++ {
		r.cols = append(r.cols, Column{Name: r.d.str(), DeclType: r.d.str()})
	}
	r.left = r.d.u32()
	// Each row takes at least one byte per column; a row of no columns none.
	if r.d.bad || (n > 0 && uint64(r.left)*uint64(n) > uint64(len(r.d.b))) || (n == 0 && r.left != 0) {
		return ErrMalformedDB
	}
	return nil
}

// Columns returns the result's columns; the slice is r's own.
func (r *RowsReader) Columns() []Column { return r.cols }

// Len returns the number of rows not yet read.
func (r *RowsReader) Len() int { return int(r.left) }

// Next decodes the next row into dst (which must have len(Columns())
// entries) and reports whether there was one. After the last row it checks
// that nothing follows; a malformed result returns false and Err reports
// it.
func (r *RowsReader) Next(dst []Value) bool {
	if r.left == 0 || r.d.bad {
		if len(r.d.b) != 0 {
			r.d.bad = true
		}
		return false
	}
	if len(dst) != len(r.cols) {
		r.d.bad = true
		return false
	}
	for i := range dst {
		dst[i] = r.d.value()
	}
	if r.d.bad {
		return false
	}
	r.left--
	return true
}

// Err returns [ErrMalformedDB] if decoding failed.
func (r *RowsReader) Err() error {
	if r.d.bad {
		return ErrMalformedDB
	}
	return nil
}
