// Database host functions: db_query, db_exec, db_begin, db_commit and
// db_rollback (spec/abi.md §9), run on the one connection a request holds.

package host

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"modernc.org/sqlite"

	"sandkit.dev/sandkit/abi"
)

// dbFuncs are the database imports of one app's sandbox.
type dbFuncs struct{ db *appDB }

// register adds the database imports to the host module being built.
func (h dbFuncs) register(b wazero.HostModuleBuilder) {
	fn := func(name string, f api.GoModuleFunc, params []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(f, params, []api.ValueType{i32}).Export(name)
	}
	fn(abi.ImportDBQuery, h.query, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBExec, h.exec, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBQueryJSON, h.queryJSON, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBBegin, h.begin, []api.ValueType{i32})
	fn(abi.ImportDBCommit, h.commit, nil)
	fn(abi.ImportDBRollback, h.rollback, nil)
}

func (h dbFuncs) query(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBQuery)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBQuery)
	ret(stack, dbStatement(ctx, callFrom(ctx), h.db, stmtQuery, text, argb))
}

func (h dbFuncs) queryJSON(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBQueryJSON)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBQueryJSON)
	ret(stack, dbStatement(ctx, callFrom(ctx), h.db, stmtJSON, text, argb))
}

func (h dbFuncs) exec(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBExec)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBExec)
	ret(stack, dbStatement(ctx, callFrom(ctx), h.db, stmtExec, text, argb))
}

func (h dbFuncs) begin(ctx context.Context, mod api.Module, stack []uint64) {
	ret(stack, dbBegin(ctx, callFrom(ctx), h.db, int32(uint32(stack[0]))))
}

func (h dbFuncs) commit(ctx context.Context, mod api.Module, stack []uint64) {
	ret(stack, dbEnd(ctx, callFrom(ctx), h.db, "COMMIT"))
}

func (h dbFuncs) rollback(ctx context.Context, mod api.Module, stack []uint64) {
	ret(stack, dbEnd(ctx, callFrom(ctx), h.db, "ROLLBACK"))
}

// stmtKind says which import a statement came through.
type stmtKind int

const (
	stmtQuery stmtKind = iota // db_query: a rows result
	stmtExec                  // db_exec: an exec result
	stmtJSON                  // db_query_json: the rows as JSON
)

// dbStatement is db_query, db_exec or db_query_json once the guest's bytes
// are read: it checks and decodes them, runs the statement on the
// request's session, leaves the result in c.slot and returns the import's
// return value.
func dbStatement(ctx context.Context, c *call, adb *appDB, kind stmtKind, text, argb []byte) int32 {
	switch {
	case c == nil || adb == nil:
		return abi.ErrState
	case len(text) > abi.MaxSQL || len(argb) > abi.MaxDBArgs:
		return abi.ErrTooLarge
	}
	vals, err := abi.DecodeArgs(argb, nil)
	if err != nil {
		return abi.ErrBadInput
	}
	// The driver's own argument type, built once: the engines' drivers
	// take []driver.NamedValue.
	args := make([]driver.NamedValue, len(vals))
	pg := adb.pgURL != ""
	for i, v := range vals {
		args[i].Ordinal = i + 1
		switch v.Tag {
		case abi.TagNull:
		case abi.TagBool:
			if pg {
				args[i].Value = v.Int != 0 // PostgreSQL has a boolean type
			} else {
				args[i].Value = v.Int
			}
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
	q := string(text)
	s, derr := c.dbSession(ctx, adb)
	switch {
	case derr != nil:
	case kind != stmtExec:
		c.slot = s.query(ctx, c.slot[:0], q, args, kind == stmtJSON)
		return int32(len(c.slot))
	default:
		sctx, cancel := s.stmtContext(ctx)
		res, err := s.exec(sctx, q, args)
		if err != nil {
			derr = s.dbError(ctx, sctx, err)
		} else {
			ra, _ := res.RowsAffected()
			id, _ := res.LastInsertId()
			c.slot = abi.AppendExecResult(c.slot[:0], ra, id)
		}
		cancel()
	}
	if derr != nil {
		c.slot = abi.AppendDBError(c.slot[:0], derr)
	}
	return int32(len(c.slot))
}

// dbBegin is db_begin.
func dbBegin(ctx context.Context, c *call, adb *appDB, flags int32) int32 {
	if flags&^abi.TxReadOnly != 0 {
		return abi.ErrBadInput
	}
	return dbTx(ctx, c, adb, func(s *dbSession) *abi.DBError { return s.begin(ctx, flags&abi.TxReadOnly != 0) })
}

// dbEnd is db_commit (stmt COMMIT) or db_rollback (ROLLBACK).
func dbEnd(ctx context.Context, c *call, adb *appDB, stmt string) int32 {
	return dbTx(ctx, c, adb, func(s *dbSession) *abi.DBError { return s.end(ctx, stmt) })
}

// dbTx runs one transaction function: 0 on success, else the length of
// the error in the slot.
func dbTx(ctx context.Context, c *call, adb *appDB, f func(*dbSession) *abi.DBError) int32 {
	if c == nil || adb == nil {
		return abi.ErrState
	}
	s, derr := c.dbSession(ctx, adb)
	if derr == nil {
		derr = f(s)
	}
	if derr == nil {
		c.slot = c.slot[:0]
		return 0
	}
	c.slot = abi.AppendDBError(c.slot[:0], derr)
	return int32(len(c.slot))
}

// dbSession is the database connection of one request: taken from the
// app's pool at the request's first database call, returned when the
// request ends, with any transaction it left open rolled back.
type dbSession struct {
	adb      *appDB
	conn     *sql.Conn
	st       *connState
	readOnly bool // the open transaction is read-only
	pg       bool // the app's database is PostgreSQL (dbpg.go)

	holdsWriter bool // the request holds adb.writer
	stmtWriter  bool // ... for the statement running now, not for a transaction
}

// dbSession returns the request's session, opening the database and taking
// a connection on first use.
func (c *call) dbSession(ctx context.Context, adb *appDB) (*dbSession, *abi.DBError) {
	if c.dbs != nil {
		return c.dbs, nil
	}
	db, err := adb.open()
	if err != nil {
		adb.log.Error("database unavailable", "err", err)
		return nil, &abi.DBError{Code: abi.CodeError, SQLState: "58030", Message: "the app's database could not be opened"}
	}
	conn, err := db.DB.Conn(ctx)
	if err != nil {
		if adb.pgURL != "" && ctx.Err() == nil {
			adb.log.Error("database unavailable", "err", err)
			return nil, &abi.DBError{Code: abi.CodeError, SQLState: "08006", Message: fmt.Sprintf("app %q: no connection to the app's database", adb.app)}
		}
		return nil, &abi.DBError{Code: abi.CodeInterrupt, SQLState: "57014", Message: fmt.Sprintf("app %q: no database connection before the request's deadline: %v", adb.app, err)}
	}
	if adb.pgURL != "" {
		c.dbs = &dbSession{adb: adb, conn: conn, st: &connState{}, pg: true}
		return c.dbs, nil
	}
	st, err := stateOf(conn)
	if err == nil && !st.limited {
		err = limitConn(conn)
		st.limited = err == nil
	}
	if err != nil {
		conn.Close()
		return nil, &abi.DBError{Code: abi.CodeError, SQLState: "58000", Message: err.Error()}
	}
	st.mode.Store(policyGuest)
	c.dbs = &dbSession{adb: adb, conn: conn, st: st}
	return c.dbs, nil
}

// Bounds set on every connection with sqlite3_limit, so that no statement
// makes SQLite (and the copies the driver makes in Go) hold more than
// columns x maxValueBytes at once.
const maxValueBytes = 16 << 20

// limitConn sets SQLite's run-time limits on a connection: the largest
// string or blob (a guest's zeroblob(1e9) or group_concat would otherwise
// allocate a gigabyte in the host), the SQL length, and no attached
// databases at all.
func limitConn(c *sql.Conn) error {
	for _, l := range []struct{ id, v int }{
		{0, maxValueBytes}, // SQLITE_LIMIT_LENGTH
		{1, abi.MaxSQL},    // SQLITE_LIMIT_SQL_LENGTH
		{7, 0},             // SQLITE_LIMIT_ATTACHED
	} {
		if _, err := sqlite.Limit(c, l.id, l.v); err != nil {
			return err
		}
	}
	return nil
}

// stmtContext bounds one statement by the statement timeout within the
// request's deadline (already in ctx).
func (s *dbSession) stmtContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.pg {
		return pgStmtContext(ctx, s.adb.stmtTimeout+pgTimeoutGrace)
	}
	return context.WithTimeout(ctx, s.adb.stmtTimeout)
}

// query runs q and appends its rows, or its error, to dst. It reads the
// driver's rows directly (under sql.Conn.Raw): database/sql's Scan would
// convert and copy every value once more.
func (s *dbSession) query(ctx context.Context, dst []byte, q string, args []driver.NamedValue, asJSON bool) []byte {
	start := len(dst)
	sctx, cancel := s.stmtContext(ctx)
	defer cancel()
	var derr *abi.DBError
	appendRows := appendRowsErr
	if asJSON {
		appendRows = appendRowsJSON
	}
	err := s.conn.Raw(func(dc any) error {
		if s.pg {
			rows, err := s.queryPG(sctx, dc, q, args)
			if err != nil {
				return err
			}
			defer rows.Close()
			var rerr error
			dst, derr, rerr = appendRows(dst, rows)
			return rerr
		}
		stmt, done, err := s.prepared(sctx, dc, q)
		if err != nil {
			return err
		}
		defer done()
		if err := s.lockWriter(sctx, stmt.writes); err != nil {
			return err
		}
		defer s.unlockWriter(stmt.writes)
		rows, err := stmt.Stmt.(driver.StmtQueryContext).QueryContext(sctx, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		var rerr error
		dst, derr, rerr = appendRows(dst, rows)
		return rerr
	})
	if err != nil && derr == nil {
		derr = s.dbError(ctx, sctx, err)
	}
	if derr != nil {
		return abi.AppendDBError(dst[:start], derr)
	}
	return dst
}

// appendRowsErr appends every row of rows as a rows result; derr is set if
// the result grew past its bound, err if reading failed.
func appendRowsErr(dst []byte, rows driver.Rows) (_ []byte, derr *abi.DBError, err error) {
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
			return dst, &abi.DBError{Code: abi.CodeTooBig, SQLState: "54000",
				Message: fmt.Sprintf("query result over %d bytes: select fewer rows (LIMIT) or columns", abi.MaxDBResult)}, nil
		}
	}
	abi.PatchRowCount(dst, at, n)
	return dst, nil, nil
}

// prepared returns q prepared on the driver connection dc: from the
// connection's cache, or freshly prepared (and cached unless its
// authorization depends on the transaction state). done must be called
// once the statement's results are read.
func (s *dbSession) prepared(ctx context.Context, dc any, q string) (stmt cachedStmt, done func(), err error) {
	st := s.st
	if stmt, ok := st.stmts[q]; ok {
		return stmt, func() {}, nil
	}
	st.volatile.Store(false)
	st.writes.Store(false)
	stmt.Stmt, err = dc.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return stmt, nil, err
	}
	stmt.writes = st.writes.Load()
	if st.volatile.Load() {
		return stmt, func() { stmt.Close() }, nil
	}
	if len(st.stmts) >= maxCachedStmts {
		for old, o := range st.stmts { // evict one at random (map order)
			o.Close()
			delete(st.stmts, old)
			break
		}
	}
	if st.stmts == nil {
		st.stmts = make(map[string]cachedStmt)
	}
	st.stmts[q] = stmt
	return stmt, func() {}, nil
}

// errWriterBusy is a write that waited for the app's writer past its
// statement's deadline.
var errWriterBusy = errors.New("another request held the app's database for writing past limits.statement_timeout")

// lockWriter takes the app's writer for a statement that writes, unless
// the request already holds it (in its transaction).
func (s *dbSession) lockWriter(ctx context.Context, writes bool) error {
	if !writes || s.holdsWriter {
		return nil
	}
	select {
	case s.adb.writer <- struct{}{}:
		s.holdsWriter = true
		s.stmtWriter = true
		return nil
	case <-ctx.Done():
		return errWriterBusy
	}
}

// unlockWriter releases the writer taken by lockWriter for one statement.
func (s *dbSession) unlockWriter(writes bool) {
	if writes && s.stmtWriter {
		s.stmtWriter = false
		s.releaseWriter()
	}
}

func (s *dbSession) releaseWriter() {
	if s.holdsWriter {
		s.holdsWriter = false
		<-s.adb.writer
	}
}

// exec runs q as db_exec does, on a cached prepared statement.
func (s *dbSession) exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	err := s.conn.Raw(func(dc any) error {
		if s.pg {
			var err error
			res, err = s.execPG(ctx, dc, q, args)
			return err
		}
		stmt, done, err := s.prepared(ctx, dc, q)
		if err != nil {
			return err
		}
		defer done()
		// db_exec may run a script whose later statements SQLite compiles
		// only as it runs them: count it as a write whatever its first
		// statement is.
		if err := s.lockWriter(ctx, true); err != nil {
			return err
		}
		defer s.unlockWriter(true)
		res, err = stmt.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
		return err
	})
	return res, err
}

// appendDriverValue encodes one value as database/sql scanned it.
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

// hostExec runs a statement of the host's own (transaction control) on the
// session's connection, past the guest policy.
func (s *dbSession) hostExec(ctx context.Context, q string) error {
	s.st.mode.Store(policyHost)
	defer s.st.mode.Store(policyGuest)
	_, err := s.conn.ExecContext(ctx, q)
	return err
}

func (s *dbSession) begin(ctx context.Context, readOnly bool) *abi.DBError {
	if s.st.inTx.Load() {
		return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25001", Message: "a transaction is already open on this request (nest with SAVEPOINT)"}
	}
	stmt := "BEGIN IMMEDIATE" // take the write lock now: a deferred upgrade can fail with SQLITE_BUSY at once
	if readOnly {
		stmt = "BEGIN DEFERRED"
	}
	sctx, cancel := s.stmtContext(ctx)
	defer cancel()
	if s.pg {
		stmt = "BEGIN"
		if readOnly {
			stmt = "BEGIN READ ONLY"
		}
		if err := s.hostExec(sctx, stmt); err != nil {
			return s.dbError(ctx, sctx, err)
		}
		s.st.inTx.Store(true)
		return nil
	}
	if !readOnly {
		if err := s.lockWriter(sctx, true); err != nil {
			return s.dbError(ctx, sctx, err)
		}
		s.stmtWriter = false // held until the transaction ends
	}
	if err := s.hostExec(sctx, stmt); err != nil {
		s.releaseWriter()
		return s.dbError(ctx, sctx, err)
	}
	if readOnly {
		if err := s.hostExec(sctx, "PRAGMA query_only = 1"); err != nil {
			s.hostExec(context.Background(), "ROLLBACK")
			s.releaseWriter()
			return s.dbError(ctx, sctx, err)
		}
	}
	s.readOnly = readOnly
	s.st.inTx.Store(true)
	return nil
}

// end commits or rolls back the open transaction.
func (s *dbSession) end(ctx context.Context, stmt string) *abi.DBError {
	if !s.st.inTx.Load() {
		return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25000", Message: stmt + " without a transaction"}
	}
	sctx, cancel := s.stmtContext(ctx)
	defer cancel()
	if s.pg && stmt == "COMMIT" {
		err := s.commitPG(sctx)
		s.finishTx()
		if err != nil {
			if derr, ok := err.(*abi.DBError); ok {
				return derr
			}
			return s.dbError(ctx, sctx, err)
		}
		return nil
	}
	err := s.hostExec(sctx, stmt)
	if err != nil && stmt == "COMMIT" {
		// A failed commit leaves nothing half done: roll back.
		s.hostExec(context.Background(), "ROLLBACK")
	}
	s.finishTx()
	if err != nil {
		return s.dbError(ctx, sctx, err)
	}
	return nil
}

// finishTx clears the transaction state after COMMIT or ROLLBACK.
func (s *dbSession) finishTx() {
	s.st.inTx.Store(false)
	s.releaseWriter()
	if s.readOnly && !s.pg {
		s.hostExec(context.Background(), "PRAGMA query_only = 0")
		s.readOnly = false
	}
}

// close ends the session when its request ends: a transaction left open
// is rolled back and the connection goes back to the pool (or is
// discarded if it cannot be made clean).
func (s *dbSession) close() {
	discarded := false
	if s.st.inTx.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := s.hostExec(ctx, "ROLLBACK")
		cancel()
		s.finishTx()
		if err != nil {
			s.adb.log.Warn("rollback at the end of a request failed; connection discarded", "err", err)
			s.conn.Raw(func(any) error { return driver.ErrBadConn })
			discarded = true
		}
	}
	if s.pg && !discarded {
		s.resetPG()
	}
	s.releaseWriter()
	s.st.mode.Store(policyGuest)
	s.st.takeRefusal()
	s.conn.Close()
}

// dbError turns a failure of a statement into the error the guest gets:
// SQLite's code, an SQLSTATE, and a message that says what to do.
func (s *dbSession) dbError(reqCtx, stmtCtx context.Context, err error) *abi.DBError {
	refusal := s.st.takeRefusal()
	if errors.Is(err, errWriterBusy) {
		return &abi.DBError{Code: abi.CodeBusy, SQLState: "55P03", Message: err.Error()}
	}
	if stmtCtx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		msg := fmt.Sprintf("statement stopped at limits.statement_timeout (%v)", s.adb.stmtTimeout)
		if reqCtx.Err() != nil {
			msg = "statement stopped at the request's deadline (limits.request_timeout)"
		}
		return &abi.DBError{Code: abi.CodeInterrupt, SQLState: "57014", Message: msg}
	}
	if s.pg {
		var derr *abi.DBError
		if errors.As(err, &derr) {
			return derr
		}
		if derr := pgError(err); derr != nil {
			if derr.Code == abi.CodeInterrupt {
				derr.Message = fmt.Sprintf("statement stopped at limits.statement_timeout (%v)", s.adb.stmtTimeout)
			}
			return derr
		}
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return &abi.DBError{Code: abi.CodeError, SQLState: "HY000", Message: err.Error()}
	}
	e := &abi.DBError{Code: int32(se.Code()), Message: sqliteMessage(se)}
	switch {
	case e.Code&0xff == abi.CodeAuth || (refusal != "" && strings.Contains(e.Message, "not authorized")):
		e.Code = abi.CodeAuth
		e.Message = "not allowed"
		if refusal != "" {
			e.Message = refusal
		}
	case e.Code&0xff == abi.CodeFull:
		e.Message = fmt.Sprintf("the app's database is full: limits.db_max_bytes is %d bytes", s.adb.maxBytes)
	case e.Code&0xff == abi.CodeInterrupt:
		e.Message = fmt.Sprintf("statement stopped at limits.statement_timeout (%v)", s.adb.stmtTimeout)
	}
	e.SQLState = sqlState(e.Code)
	return e
}

// sqliteMessage is SQLite's own message without the driver's decoration:
// "UNIQUE constraint failed: todos.title".
func sqliteMessage(se *sqlite.Error) string {
	msg := se.Error()
	if i := strings.LastIndex(msg, " ("); i > 0 && strings.HasSuffix(msg, ")") {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": "); i > 0 {
		// "constraint failed: UNIQUE constraint failed: t.x" -> the detail
		if rest := msg[i+2:]; strings.Contains(rest, " ") {
			msg = rest
		}
	}
	return msg
}

// sqlState maps SQLite result codes to the SQLSTATE PostgreSQL reports for
// the same condition, so guests can branch on either.
func sqlState(code int32) string {
	switch code {
	case abi.CodeUnique, abi.CodePrimaryKey:
		return "23505"
	case abi.CodeForeignKey:
		return "23503"
	case abi.CodeNotNull:
		return "23502"
	case abi.CodeCheck:
		return "23514"
	}
	switch code & 0xff {
	case abi.CodeConstraint:
		return "23000"
	case abi.CodeInterrupt:
		return "57014"
	case abi.CodeAuth:
		return "42501"
	case abi.CodeFull:
		return "53100"
	case abi.CodeTooBig:
		return "54000"
	case abi.CodeBusy, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return "55P03"
	case abi.CodeError:
		return "42000"
	}
	return "HY000"
}
