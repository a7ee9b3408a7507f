// Rows: db_query's result, the rows of a query in the abi rows encoding
// (spec/abi.md §9.4), read straight from the driver's rows.

package appdb

import (
	"database/sql/driver"
	"fmt"
	"io"
	"time"

	"sandkit.dev/sandkit/abi"
)

// ErrTooBig is the guest's error for a result that grew past its bound
// (abi.MaxDBResult), for the engines' own result makers too.
func ErrTooBig() *abi.DBError {
	return &abi.DBError{Code: abi.CodeTooBig, SQLState: "54000",
		Message: fmt.Sprintf("query result over %d bytes: select fewer rows (LIMIT) or columns", abi.MaxDBResult)}
}

// appendRowsBinary appends every row of rows as a rows result; derr is set
// if the result grew past its bound, err if reading failed.
func appendRowsBinary(dst []byte, rows driver.Rows) (_ []byte, derr *abi.DBError, err error) {
	names := rows.Columns()
	cols := make([]abi.Column, len(names))
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		cols[i].Name = n
		if typed != nil {
			cols[i].DeclType = typed.ColumnTypeDatabaseTypeName(i)
		}
	}
	dst = abi.AppendRowsHeader(dst, cols, 0)
	at := len(dst)
	vals := make([]driver.Value, len(cols))
	var n uint32
	for {
		err := rows.Next(vals)
		if err == io.EOF {
			break
		}
		if err != nil {
			return dst, nil, err
		}
		for _, v := range vals {
			if len(dst) > abi.MaxDBResult {
				break
			}
			dst = appendDriverValue(dst, v)
		}
		n++
		if len(dst) > abi.MaxDBResult {
			return dst, ErrTooBig(), nil
		}
	}
	abi.PatchRowCount(dst, at, n)
	return dst, nil, nil
}

// appendDriverValue encodes one value as the driver read it.
func appendDriverValue(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagNull})
	case int64:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagInt, Int: v})
	case float64:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagFloat, Float: v})
	case string:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagText, Str: v})
	case []byte:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagBlob, Str: string(v)})
	case bool:
		b := int64(0)
		if v {
			b = 1
		}
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagBool, Int: b})
	case time.Time:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagTime, Int: v.UnixNano()})
	default:
		return abi.AppendValue(dst, abi.Value{Tag: abi.TagText, Str: fmt.Sprint(v)})
	}
}
