// Wire: calling the database imports, encoding arguments and reading
// results, without reflection.

package db

import (
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sandkit.dev/sandkit/abi"
)

// op is one database import.
type op byte

const (
	opQuery op = iota + 1
	opExec
	opBegin
	opCommit
	opRollback
	opQueryJSON
)

var opNames = [...]string{opQuery: abi.ImportDBQuery, opExec: abi.ImportDBExec, opBegin: abi.ImportDBBegin, opCommit: abi.ImportDBCommit, opRollback: abi.ImportDBRollback, opQueryJSON: abi.ImportDBQueryJSON}

// Error is a statement the database refused: SQLite's result code, an
// SQLSTATE and the message. Use errors.As to get one from any error this
// package returns, and [IsUnique] and friends for the common cases.
type Error = abi.DBError

// IsUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func IsUnique(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == abi.CodeUnique || e.Code == abi.CodePrimaryKey)
}

// IsConstraint reports whether err is any constraint violation (unique,
// foreign key, not null, check).
func IsConstraint(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Primary() == abi.CodeConstraint
}

// IsRefused reports whether the host's policy refused the statement
// (ATTACH, PRAGMA, load_extension...).
func IsRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == abi.CodeAuth
}

// call runs one import and returns its result bytes: nil for a success with
// nothing to report, else a fresh buffer (never reused, so rows may alias
// it). An error result becomes an *Error.
func call(o op, query string, args []byte, flags int32) ([]byte, error) {
	n := hostCall(o, query, args, flags)
	switch {
	case n == 0:
		return nil, nil
	case n < 0:
		return nil, fmt.Errorf("sandkit db: %s: host returned %d (%s)", opNames[o], n, codeName(n))
	}
	b := make([]byte, n)
	if got := hostResultRead(b); got != n {
		return nil, fmt.Errorf("sandkit db: %s: result_read returned %d of %d bytes", opNames[o], got, n)
	}
	if b[0] == abi.ResultError {
		e, err := abi.DecodeDBError(b)
		if err != nil {
			return nil, fmt.Errorf("sandkit db: %s: %w", opNames[o], err)
		}
		return nil, e
	}
	return b, nil
}

func codeName(rc int32) string {
	switch rc {
	case abi.ErrTooLarge:
		return "SQL or arguments too large"
	case abi.ErrBadInput:
		return "bad arguments"
	case abi.ErrState:
		return "no request in progress"
	case abi.ErrUnexpected:
		return "host failure"
	}
	return "code " + strconv.Itoa(int(rc))
}

// appendArg encodes one argument. It knows the types database/sql passes
// a driver (int64, float64, bool, []byte, string, time.Time, nil) and the
// other basic Go types, and calls driver.Valuer; it uses no reflection.
func appendArg(dst []byte, a any) ([]byte, error) {
	if v, ok := a.(driver.Valuer); ok {
		dv, err := v.Value()
		if err != nil {
			return dst, err
		}
		a = dv
	}
	var v abi.Value
	switch a := a.(type) {
	case nil:
		v.Tag = abi.TagNull
	case int64:
		v = abi.Value{Tag: abi.TagInt, Int: a}
	case int:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case int32:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case int16:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case int8:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case uint32:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case uint16:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case uint8:
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case uint:
		if uint64(a) > 1<<63-1 {
			return dst, fmt.Errorf("sandkit db: uint %d overflows int64", a)
		}
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case uint64:
		if a > 1<<63-1 {
			return dst, fmt.Errorf("sandkit db: uint64 %d overflows int64", a)
		}
		v = abi.Value{Tag: abi.TagInt, Int: int64(a)}
	case float64:
		v = abi.Value{Tag: abi.TagFloat, Float: a}
	case float32:
		v = abi.Value{Tag: abi.TagFloat, Float: float64(a)}
	case bool:
		v.Tag = abi.TagBool
		if a {
			v.Int = 1
		}
	case string:
		v = abi.Value{Tag: abi.TagText, Str: a}
	case []byte:
		if a == nil {
			v.Tag = abi.TagNull
		} else {
			v = abi.Value{Tag: abi.TagBlob, Str: string(a)}
		}
	case time.Time:
		v = abi.Value{Tag: abi.TagTime, Int: a.UnixNano()}
	default:
		return dst, fmt.Errorf("sandkit db: unsupported argument type %T", a)
	}
	return abi.AppendValue(dst, v), nil
}

// encodeArgs encodes a statement's arguments: a u32 count, as
// [abi.AppendArgs] writes it, then the values.
func encodeArgs(args []any) ([]byte, error) {
	if len(args) == 0 {
		return noArgs, nil
	}
	b := binary.LittleEndian.AppendUint32(make([]byte, 0, 4+16*len(args)), uint32(len(args)))
	var err error
	for _, a := range args {
		if b, err = appendArg(b, a); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// noArgs is the encoding of an empty argument list.
var noArgs = []byte{0, 0, 0, 0}
