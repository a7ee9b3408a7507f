// Rows as JSON: db_query_json's result, an array of objects keyed by column
// name, made on the host so that a handler can answer it as it is.

package appdb

import (
	"database/sql/driver"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/jsonstr"
)

// appendRowsJSON appends the [abi.ResultJSON] byte and every row of rows as
// a JSON array of objects (spec/abi.md §9): integers and floats as numbers
// (a non-finite float as null), text as strings, blobs as base64 strings,
// times as RFC 3339 strings in UTC, NULL as null, and 0/1 in a column
// declared BOOLEAN (or BOOL) as false/true.
func appendRowsJSON(dst []byte, rows driver.Rows) (_ []byte, derr *abi.DBError, err error) {
	names := rows.Columns()
	keys := make([][]byte, len(names))
	boolean := make([]bool, len(names))
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		keys[i] = append(jsonstr.Append([]byte{sep}, n), ':')
		if typed != nil {
			t := strings.ToUpper(typed.ColumnTypeDatabaseTypeName(i))
			boolean[i] = t == "BOOLEAN" || t == "BOOL"
		}
	}
	dst = append(dst, abi.ResultJSON, '[')
	vals := make([]driver.Value, len(names))
	for n := 0; ; n++ {
		err := rows.Next(vals)
		if err == io.EOF {
			break
		}
		if err != nil {
			return dst, nil, err
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		if len(names) == 0 {
			dst = append(dst, '{')
		}
		for i, v := range vals {
			dst = append(dst, keys[i]...)
			dst = appendJSONValue(dst, v, boolean[i])
		}
		dst = append(dst, '}')
		if len(dst) > abi.MaxDBResult {
			return dst, ErrTooBig(), nil
		}
	}
	return append(dst, ']'), nil, nil
}

// AppendJSONValue appends one column value, as a driver reads it, as
// db_query_json writes it (see appendRowsJSON), for an engine's
// [JSONQuerier].
func AppendJSONValue(dst []byte, v driver.Value) []byte { return appendJSONValue(dst, v, false) }

// appendJSONValue appends one column value as JSON.
func appendJSONValue(dst []byte, v driver.Value, boolean bool) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case int64:
		if boolean && (v == 0 || v == 1) {
			return strconv.AppendBool(dst, v == 1)
		}
		return strconv.AppendInt(dst, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(dst, v)
	case string:
		return appendJSONString(dst, v)
	case []byte:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v)
		return append(dst, '"')
	case time.Time:
		dst = append(dst, '"')
		dst = v.UTC().AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	return appendJSONString(dst, fmt.Sprint(v))
}

// appendJSONString appends s as a JSON string: invalid UTF-8 becomes
// U+FFFD, and <, >, &, U+2028 and U+2029 are escaped so the JSON is safe
// inside HTML (jsonstr, the encoder the Go guest SDK shares).
func appendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }
