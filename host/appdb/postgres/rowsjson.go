// Rows as JSON straight from the wire: db_query_json's result made from
// each column's bytes as pgx reads them, without turning every value into
// a database/sql driver value first (an allocation per string, time and
// large integer, and a call through an interface per value). What it
// writes is what the generic path writes (appdb's encoding of the values
// that pgx's database/sql driver, stdlib, makes): the same result formats
// are asked of the server, every value is decoded by the same pgx scan
// plan into the same Go type as stdlib's, and the types not handled here
// go through stdlib's conversion and appdb.AppendJSONValue.
// TestQueryJSONAsGeneric compares the two over every kind of column.

package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/internal/jsonstr"
)

// resultFormats are the result formats stdlib asks for (binary for these
// types, text for every other), so that both paths decode the same bytes.
var resultFormats = pgx.QueryResultFormatsByOID{
	pgtype.BoolOID:        pgx.BinaryFormatCode,
	pgtype.ByteaOID:       pgx.BinaryFormatCode,
	pgtype.CIDOID:         pgx.BinaryFormatCode,
	pgtype.DateOID:        pgx.BinaryFormatCode,
	pgtype.Float4OID:      pgx.BinaryFormatCode,
	pgtype.Float8OID:      pgx.BinaryFormatCode,
	pgtype.Int2OID:        pgx.BinaryFormatCode,
	pgtype.Int4OID:        pgx.BinaryFormatCode,
	pgtype.Int8OID:        pgx.BinaryFormatCode,
	pgtype.OIDOID:         pgx.BinaryFormatCode,
	pgtype.TimestampOID:   pgx.BinaryFormatCode,
	pgtype.TimestamptzOID: pgx.BinaryFormatCode,
	pgtype.XIDOID:         pgx.BinaryFormatCode,
}

// QueryJSON runs a guest's query and appends its rows as db_query_json's
// result (appdb.JSONQuerier). With it, a 20-row db.QueryJSON request took
// about 2.5 µs less of the host's CPU (docs/benchmarks.md, "Database: 20
// rows as JSON").
func (c *conn) QueryJSON(ctx context.Context, dst []byte, q string, args []driver.NamedValue) ([]byte, *abi.DBError, error) {
	q, err := c.screen(q, len(args))
	if err != nil {
		return dst, nil, err
	}
	var derr *abi.DBError
	err = c.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		// As stdlib's QueryContext: a connection that is closed, or a
		// failure before anything reached the server, is a bad connection.
		if pc.IsClosed() {
			return driver.ErrBadConn
		}
		a := make([]any, 1+len(args))
		a[0] = resultFormats
		for i, v := range args {
			a[1+i] = v.Value
		}
		rows, err := pc.Query(ctx, q, a...)
		if err != nil {
			if pgconn.SafeToRetry(err) {
				return driver.ErrBadConn
			}
			return err
		}
		defer rows.Close()
		var rerr error
		dst, derr, rerr = appendRowsJSON(dst, pc.TypeMap(), rows)
		return rerr
	})
	return dst, derr, err
}

// appendRowsJSON appends the abi.ResultJSON byte and rows as a JSON array
// of objects, as appdb's encoding of stdlib's driver values does.
func appendRowsJSON(dst []byte, m *pgtype.Map, rows pgx.Rows) ([]byte, *abi.DBError, error) {
	fds := rows.FieldDescriptions()
	keys := make([][]byte, len(fds))
	cols := make([]columnJSON, len(fds))
	for i, fd := range fds {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		keys[i] = append(jsonstr.Append([]byte{sep}, fd.Name), ':')
		cols[i] = newColumnJSON(m, fd)
	}
	dst = append(dst, abi.ResultJSON, '[')
	for n := 0; rows.Next(); n++ {
		if n > 0 {
			dst = append(dst, ',')
		}
		if len(fds) == 0 {
			dst = append(dst, '{')
		}
		for i, src := range rows.RawValues() {
			dst = append(dst, keys[i]...)
			if src == nil {
				dst = append(dst, "null"...)
				continue
			}
			var err error
			if dst, err = cols[i](dst, src); err != nil {
				return dst, nil, fmt.Errorf("convert field %d failed: %w", i, err)
			}
		}
		dst = append(dst, '}')
		if len(dst) > abi.MaxDBResult {
			return dst, appdb.ErrTooBig(), nil
		}
	}
	if err := rows.Err(); err != nil {
		return dst, nil, err
	}
	return append(dst, ']'), nil, nil
}

// columnJSON appends the JSON of one column's non-NULL value src.
type columnJSON func(dst, src []byte) ([]byte, error)

// newColumnJSON is the encoder of the column fd: the value decoded into
// the Go type stdlib decodes it into, then written as appdb writes that
// type, without the detour through a driver.Value.
func newColumnJSON(m *pgtype.Map, fd pgconn.FieldDescription) columnJSON {
	oid, format := fd.DataTypeOID, fd.Format
	switch oid {
	case pgtype.BoolOID:
		return scanJSON(m, oid, format, strconv.AppendBool)
	case pgtype.Int2OID:
		return scanJSON(m, oid, format, func(dst []byte, d int16) []byte { return strconv.AppendInt(dst, int64(d), 10) })
	case pgtype.Int4OID:
		return scanJSON(m, oid, format, func(dst []byte, d int32) []byte { return strconv.AppendInt(dst, int64(d), 10) })
	case pgtype.Int8OID:
		return scanJSON(m, oid, format, func(dst []byte, d int64) []byte { return strconv.AppendInt(dst, d, 10) })
	case pgtype.Float4OID:
		return scanJSON(m, oid, format, func(dst []byte, d float32) []byte { return appendFloat(dst, float64(d)) })
	case pgtype.Float8OID:
		return scanJSON(m, oid, format, appendFloat)
	case pgtype.TimestamptzOID:
		return scanJSON(m, oid, format, func(dst []byte, d pgtype.Timestamptz) []byte {
			return appendTime(dst, d.Time, d.InfinityModifier)
		})
	case pgtype.TimestampOID:
		return scanJSON(m, oid, format, func(dst []byte, d pgtype.Timestamp) []byte {
			return appendTime(dst, d.Time, d.InfinityModifier)
		})
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID:
		if format == pgx.TextFormatCode {
			// stdlib's string is these bytes (string(src)): written
			// from them without the copy. jsonstr.Append keeps no
			// reference to its argument.
			return func(dst, src []byte) ([]byte, error) {
				return jsonstr.Append(dst, unsafe.String(unsafe.SliceData(src), len(src))), nil
			}
		}
	}
	v := stdlibValue(m, oid, format)
	return func(dst, src []byte) ([]byte, error) {
		d, err := v(src)
		if err != nil {
			return dst, err
		}
		return appdb.AppendJSONValue(dst, d), nil
	}
}

// scanJSON is the encoder of a column pgx scans into a T: the value
// decoded by pgx's plan for (oid, format), then written by appendTo.
func scanJSON[T any](m *pgtype.Map, oid uint32, format int16, appendTo func([]byte, T) []byte) columnJSON {
	var d T
	plan := m.PlanScan(oid, format, &d)
	return func(dst, src []byte) ([]byte, error) {
		if err := plan.Scan(src, &d); err != nil {
			return dst, err
		}
		return appendTo(dst, d), nil
	}
}

// scanValuer decodes a column into a T and gives T's driver.Value, as
// stdlib does for the types it scans into pgtype values.
func scanValuer[T driver.Valuer](m *pgtype.Map, oid uint32, format int16) func(src []byte) (driver.Value, error) {
	var d T
	plan := m.PlanScan(oid, format, &d)
	return func(src []byte) (driver.Value, error) {
		if err := plan.Scan(src, &d); err != nil {
			return nil, err
		}
		return d.Value()
	}
}

// appendFloat writes a float as appdb does: NaN and ±Inf as null.
func appendFloat(dst []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// appendTime writes a timestamp as appdb writes the driver value
// stdlib's Value gives: ±infinity as the string "infinity" or
// "-infinity", else the time in UTC, RFC 3339 with nanoseconds.
func appendTime(dst []byte, t time.Time, inf pgtype.InfinityModifier) []byte {
	if inf != pgtype.Finite {
		return jsonstr.Append(dst, inf.String())
	}
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// stdlibValue is stdlib's conversion of the columns of type oid to a
// driver.Value (its Rows.Next), for the types newColumnJSON leaves to it.
func stdlibValue(m *pgtype.Map, oid uint32, format int16) func(src []byte) (driver.Value, error) {
	switch oid {
	case pgtype.ByteaOID, pgtype.JSONOID, pgtype.JSONBOID, pgtype.XMLOID:
		var d []byte
		plan := m.PlanScan(oid, format, &d)
		return func(src []byte) (driver.Value, error) {
			err := plan.Scan(src, &d)
			return d, err
		}
	case pgtype.CIDOID, pgtype.OIDOID, pgtype.XIDOID:
		return scanValuer[pgtype.Uint32](m, oid, format)
	case pgtype.DateOID:
		return scanValuer[pgtype.Date](m, oid, format)
	}
	var d string
	plan := m.PlanScan(oid, format, &d)
	return func(src []byte) (driver.Value, error) {
		err := plan.Scan(src, &d)
		return d, err
	}
}
