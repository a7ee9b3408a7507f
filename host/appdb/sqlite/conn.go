// Session connection: one pooled SQLite connection while a request holds
// it: its cached prepared statements, the app's writer lock, the
// transaction functions and SQLite's errors as a guest sees them.

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
)

// conn is a connection held by a session.
type conn struct {
	h    *handle
	conn *sql.Conn
	st   *connState

	readOnly    bool // the open transaction is read-only
	holdsWriter bool // the session holds h.writer
	stmtWriter  bool // ... for the statement running now, not for a transaction
}

// Conn takes a connection from the pool with its run-time limits set.
func (h *handle) Conn(ctx context.Context) (appdb.Conn, error) {
	c, err := h.db.DB.Conn(ctx)
	if err != nil {
		return nil, &abi.DBError{Code: abi.CodeInterrupt, SQLState: "57014", Message: fmt.Sprintf("no database connection before the request's deadline: %v", err)}
	}
	st, err := stateOf(c)
	if err == nil && !st.limited {
		err = limitConn(c)
		st.limited = err == nil
	}
	if err != nil {
		c.Close()
		return nil, &abi.DBError{Code: abi.CodeError, SQLState: "58000", Message: err.Error()}
	}
	st.mode.Store(policyGuest)
	return &conn{h: h, conn: c, st: st}, nil
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

func (c *conn) StmtContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.h.e.stmtTimeout)
}

// Query runs q on a cached prepared statement, holding the app's writer
// while it runs if it writes. It reads the driver's rows directly (under
// sql.Conn.Raw): database/sql's Scan would convert and copy every value
// once more.
func (c *conn) Query(ctx context.Context, q string, args []driver.NamedValue, read func(driver.Rows) error) error {
	return c.conn.Raw(func(dc any) error {
		stmt, done, err := c.prepared(ctx, dc, q)
		if err != nil {
			return err
		}
		defer done()
		if err := c.lockWriter(ctx, stmt.writes); err != nil {
			return err
		}
		defer c.unlockWriter(stmt.writes)
		rows, err := stmt.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
		switch {
		case err != nil:
			return err
		case rows == nil: // the driver's answer to a text without a statement
			return appdb.ErrNoStatement()
		}
		defer rows.Close()
		return read(rows)
	})
}

// Exec runs q on a cached prepared statement.
func (c *conn) Exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	err := c.conn.Raw(func(dc any) error {
		stmt, done, err := c.prepared(ctx, dc, q)
		if err != nil {
			return err
		}
		defer done()
		// db_exec may run a script whose later statements SQLite compiles
		// only as it runs them: count it as a write whatever its first
		// statement is.
		if err := c.lockWriter(ctx, true); err != nil {
			return err
		}
		defer c.unlockWriter(true)
		res, err = stmt.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
		if err == nil && res == nil { // the driver's answer to a text without a statement
			err = appdb.ErrNoStatement()
		}
		return err
	})
	return res, err
}

// prepared returns q prepared on the driver connection dc: from the
// connection's cache, or freshly prepared (and cached unless its
// authorization depends on the transaction state). done must be called
// once the statement's results are read.
func (c *conn) prepared(ctx context.Context, dc any, q string) (stmt cachedStmt, done func(), err error) {
	st := c.st
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
func errWriterBusy() *abi.DBError {
	return &abi.DBError{Code: abi.CodeBusy, SQLState: "55P03", Message: "another request held the app's database for writing past limits.statement_timeout"}
}

// lockWriter takes the app's writer for a statement that writes, unless
// the session already holds it (in its transaction).
func (c *conn) lockWriter(ctx context.Context, writes bool) error {
	if !writes || c.holdsWriter {
		return nil
	}
	select {
	case c.h.writer <- struct{}{}:
		c.holdsWriter = true
		c.stmtWriter = true
		return nil
	case <-ctx.Done():
		return errWriterBusy()
	}
}

// unlockWriter releases the writer taken by lockWriter for one statement.
func (c *conn) unlockWriter(writes bool) {
	if writes && c.stmtWriter {
		c.stmtWriter = false
		c.releaseWriter()
	}
}

func (c *conn) releaseWriter() {
	if c.holdsWriter {
		c.holdsWriter = false
		<-c.h.writer
	}
}

// hostExec runs a statement of the host's own (transaction control) on the
// connection, past the guest policy.
func (c *conn) hostExec(ctx context.Context, q string) error {
	c.st.mode.Store(policyHost)
	defer c.st.mode.Store(policyGuest)
	_, err := c.conn.ExecContext(ctx, q)
	return err
}

// Begin takes the app's writer for a transaction that may write (BEGIN
// IMMEDIATE takes SQLite's write lock now: a deferred upgrade can fail
// with SQLITE_BUSY at once); a read-only one is BEGIN DEFERRED with
// query_only on.
func (c *conn) Begin(ctx context.Context, readOnly bool) error {
	stmt := "BEGIN IMMEDIATE"
	if readOnly {
		stmt = "BEGIN DEFERRED"
	} else {
		if err := c.lockWriter(ctx, true); err != nil {
			return err
		}
		c.stmtWriter = false // held until the transaction ends
	}
	if err := c.hostExec(ctx, stmt); err != nil {
		c.releaseWriter()
		return err
	}
	c.st.inTx.Store(true)
	if readOnly {
		c.readOnly = true
		if err := c.hostExec(ctx, "PRAGMA query_only = 1"); err != nil {
			c.Rollback(context.Background())
			return err
		}
	}
	return nil
}

// Commit commits; a failed commit leaves nothing half done: it is rolled
// back.
func (c *conn) Commit(ctx context.Context) error {
	err := c.hostExec(ctx, "COMMIT")
	if err != nil {
		c.Rollback(context.Background())
		return err
	}
	c.finishTx()
	return nil
}

// Rollback rolls back the open transaction.
func (c *conn) Rollback(ctx context.Context) error {
	err := c.hostExec(ctx, "ROLLBACK")
	if err != nil {
		c.st.broken.Store(true)
	}
	c.finishTx()
	return err
}

// finishTx clears the transaction state after COMMIT or ROLLBACK. If
// query_only cannot be turned off, the connection is discarded: the next
// request on it could not write.
func (c *conn) finishTx() {
	c.st.inTx.Store(false)
	c.releaseWriter()
	if c.readOnly {
		c.readOnly = false
		if err := c.hostExec(context.Background(), "PRAGMA query_only = 0"); err != nil {
			c.st.broken.Store(true)
		}
	}
}

// Close gives the connection back to the pool.
func (c *conn) Close() {
	c.releaseWriter()
	c.st.mode.Store(policyGuest)
	c.st.takeRefusal()
	c.conn.Close()
}

// Error reads a SQLite error as the guest's: SQLite's code, the SQLSTATE
// PostgreSQL reports for the same condition, and a message that says what
// to do.
func (c *conn) Error(err error) *abi.DBError {
	refusal := c.st.takeRefusal()
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
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
		e.Message = fmt.Sprintf("the app's database is full: limits.db_max_bytes is %d bytes", c.h.e.maxBytes)
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
