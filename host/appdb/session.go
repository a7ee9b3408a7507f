// Session: the database connection of one request, taken at its first
// database call and given back when it ends, with the transaction functions
// and the errors a guest gets (spec/abi.md §9).

package appdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"sandkit.dev/sandkit/abi"
)

// Session is one request's use of its app's database. It is not safe for
// concurrent use: a request makes one call at a time.
type Session struct {
	db   *DB
	conn Conn
	inTx bool // the request opened a transaction with Begin
}

// Query runs q with args and appends its rows to dst, in the abi rows
// encoding or, if asJSON, as [abi.ResultJSON] and a JSON array; or appends
// the error.
func (s *Session) Query(ctx context.Context, dst []byte, q string, args []abi.Value, asJSON bool) []byte {
	start := len(dst)
	sctx, cancel := s.conn.StmtContext(ctx)
	defer cancel()
	appendRows := appendRowsBinary
	if asJSON {
		appendRows = appendRowsJSON
	}
	var derr *abi.DBError
	var err error
	if jq, ok := s.conn.(JSONQuerier); ok && asJSON {
		dst, derr, err = jq.QueryJSON(sctx, dst, q, driverArgs(args))
	} else {
		err = s.conn.Query(sctx, q, driverArgs(args), func(rows driver.Rows) error {
			var rerr error
			dst, derr, rerr = appendRows(dst, rows)
			return rerr
		})
	}
	if err != nil && derr == nil {
		derr = s.dbError(ctx, sctx, err)
	}
	if derr != nil {
		return abi.AppendDBError(dst[:start], derr)
	}
	return dst
}

// Exec runs q with args and appends its exec result (rows affected, last
// insert id) or its error to dst.
func (s *Session) Exec(ctx context.Context, dst []byte, q string, args []abi.Value) []byte {
	sctx, cancel := s.conn.StmtContext(ctx)
	defer cancel()
	res, err := s.conn.Exec(sctx, q, driverArgs(args))
	if err != nil {
		return abi.AppendDBError(dst, s.dbError(ctx, sctx, err))
	}
	ra, _ := res.RowsAffected()
	id, _ := res.LastInsertId()
	return abi.AppendExecResult(dst, ra, id)
}

// Begin opens a transaction, read-only if readOnly.
func (s *Session) Begin(ctx context.Context, readOnly bool) *abi.DBError {
	if s.inTx {
		return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25001", Message: "a transaction is already open on this request (nest with SAVEPOINT)"}
	}
	sctx, cancel := s.conn.StmtContext(ctx)
	defer cancel()
	if err := s.conn.Begin(sctx, readOnly); err != nil {
		return s.dbError(ctx, sctx, err)
	}
	s.inTx = true
	return nil
}

// End commits (if commit) or rolls back the open transaction.
func (s *Session) End(ctx context.Context, commit bool) *abi.DBError {
	if !s.inTx {
		stmt := "ROLLBACK"
		if commit {
			stmt = "COMMIT"
		}
		return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25000", Message: stmt + " without a transaction"}
	}
	sctx, cancel := s.conn.StmtContext(ctx)
	defer cancel()
	var err error
	if commit {
		err = s.conn.Commit(sctx)
	} else {
		err = s.conn.Rollback(sctx)
	}
	s.inTx = false
	if err != nil {
		return s.dbError(ctx, sctx, err)
	}
	return nil
}

// Close ends the session when its request ends: a transaction left open is
// rolled back and the connection goes back to the pool, or is discarded if
// it cannot be made clean.
func (s *Session) Close() {
	if s.inTx {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.conn.Rollback(ctx); err != nil {
			s.db.log.Warn("rollback at the end of a request failed; connection discarded", "err", err)
		}
		cancel()
		s.inTx = false
	}
	s.conn.Close()
}

// dbError turns a failure of a statement into the error the guest gets:
// the engine's code, an SQLSTATE, and a message that says what to do.
func (s *Session) dbError(reqCtx, stmtCtx context.Context, err error) *abi.DBError {
	e := s.conn.Error(err)
	var derr *abi.DBError
	switch {
	case errors.As(err, &derr):
		return derr
	case stmtCtx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		msg := s.timeoutMessage()
		if reqCtx.Err() != nil {
			msg = "statement stopped at the request's deadline (limits.request_timeout)"
		}
		return &abi.DBError{Code: abi.CodeInterrupt, SQLState: "57014", Message: msg}
	case e == nil:
		return &abi.DBError{Code: abi.CodeError, SQLState: "HY000", Message: err.Error()}
	case e.Code&0xff == abi.CodeInterrupt:
		e.Message = s.timeoutMessage()
	}
	return e
}

func (s *Session) timeoutMessage() string {
	return fmt.Sprintf("statement stopped at limits.statement_timeout (%v)", s.db.stmtTimeout)
}

// driverArgs converts decoded arguments to the drivers' values, bound to
// ? placeholders in order.
func driverArgs(vals []abi.Value) []driver.NamedValue {
	if len(vals) == 0 {
		return nil
	}
	args := make([]driver.NamedValue, len(vals))
	for i, v := range vals {
		args[i].Ordinal = i + 1
		switch v.Tag {
		case abi.TagNull:
		case abi.TagBool:
			args[i].Value = v.Int != 0 // SQLite binds it as 1 or 0
		case abi.TagInt:
			args[i].Value = v.Int
		case abi.TagFloat:
			args[i].Value = v.Float
		case abi.TagText:
			args[i].Value = v.Str
		case abi.TagBlob:
			args[i].Value = []byte(v.Str)
		case abi.TagTime:
			args[i].Value = time.Unix(0, v.Int).UTC()
		}
	}
	return args
}
