// Session connection: one pooled PostgreSQL connection while a request
// holds it: guest statements screened and run through pgx's statement
// cache, the transaction functions, and the reset as it goes back.

package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/internal/testhooks"
)

// conn is a connection held by a session.
type conn struct {
	h    *handle
	conn *sql.Conn
	inTx bool // the session opened a transaction
	bad  bool // a rollback failed: the connection is discarded at Close
	// used: a statement ran that may leave state on the session
	// (leavesNoState), so Close resets it.
	used bool
}

// Conn takes a connection from the app's pool.
func (h *handle) Conn(ctx context.Context) (appdb.Conn, error) {
	c, err := h.db.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{h: h, conn: c}, nil
}

// pgTimeoutGrace is how much longer than the server's statement_timeout
// the host waits before it cancels a statement itself.
const pgTimeoutGrace = 500 * time.Millisecond

// StmtContext bounds a statement on PostgreSQL: the server's
// statement_timeout stops it and keeps the connection; this context is the
// backstop, at the timeout and a grace or the request's deadline,
// whichever is first. It is a plain deadline detached from the request's
// context: deriving from that (a context type of the host's own) costs a
// goroutine per statement to watch it, which measured 138 against 99-105
// µs per 20-row guest request in process. What is lost is cancellation of
// the request before its deadline (a client gone): the statement then runs
// to its timeout.
func (c *conn) StmtContext(ctx context.Context) (context.Context, context.CancelFunc) {
	at := time.Now().Add(c.h.e.stmtTimeout + pgTimeoutGrace)
	if dl, ok := ctx.Deadline(); ok && dl.Before(at) {
		at = dl
	}
	return context.WithDeadline(context.WithoutCancel(ctx), at)
}

// screen checks q under the policy and rewrites its placeholders; a
// refusal is returned as the guest's error.
func (c *conn) screen(q string, nargs int) (string, error) {
	if testhooks.PostgresScreenOff.Load() {
		c.used = true
		if _, out, why := lexPostgres(q, nargs > 0); why == "" {
			return out, nil
		}
		return q, nil
	}
	out, why, stateless := c.h.screens.screen(q, c.h.e.schema, nargs, c.inTx)
	if why != "" {
		return "", &abi.DBError{Code: abi.CodeAuth, SQLState: "42501", Message: why}
	}
	c.used = c.used || !stateless
	return out, nil
}

// Query runs a guest's query through pgx's per-connection statement cache
// (prepared once per connection and SQL text, as natively: measured 102 µs
// per 20-row request against 210 µs when statements without arguments were
// sent unprepared).
func (c *conn) Query(ctx context.Context, q string, args []driver.NamedValue, read func(driver.Rows) error) error {
	q, err := c.screen(q, len(args))
	if err != nil {
		return err
	}
	return c.conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(ctx, q, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		return read(rows)
	})
}

// Exec runs a guest's db_exec: without arguments, a script of statements
// (the simple protocol); with, one statement. PostgreSQL has no rowid:
// the result's last insert id is 0 (use RETURNING).
func (c *conn) Exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	q, err := c.screen(q, len(args))
	if err != nil {
		return nil, err
	}
	var res driver.Result
	err = c.conn.Raw(func(dc any) error {
		r, err := dc.(driver.ExecerContext).ExecContext(ctx, q, args)
		res = pgResult{r}
		return err
	})
	return res, err
}

// pgResult reports no last insert id instead of an error.
type pgResult struct{ driver.Result }

func (r pgResult) LastInsertId() (int64, error) { return 0, nil }

func (c *conn) Begin(ctx context.Context, readOnly bool) error {
	stmt := "BEGIN"
	if readOnly {
		stmt = "BEGIN READ ONLY"
	}
	if _, err := c.conn.ExecContext(ctx, stmt); err != nil {
		return err
	}
	c.inTx = true
	return nil
}

// Commit commits the request's transaction. PostgreSQL answers COMMIT of
// a transaction that an error aborted with ROLLBACK, not an error; the
// guest is told its transaction was rolled back.
func (c *conn) Commit(ctx context.Context) error {
	c.inTx = false
	return c.conn.Raw(func(dc any) error {
		tag, err := dc.(*stdlib.Conn).Conn().PgConn().Exec(ctx, "COMMIT").ReadAll()
		if err != nil {
			return err
		}
		if len(tag) == 1 && tag[0].CommandTag.String() == "ROLLBACK" {
			return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25P02",
				Message: "the transaction was rolled back, not committed: a statement in it had failed"}
		}
		return nil
	})
}

// Rollback rolls back; if that fails the connection is discarded.
func (c *conn) Rollback(ctx context.Context) error {
	c.inTx = false
	_, err := c.conn.ExecContext(ctx, "ROLLBACK")
	if err != nil {
		c.bad = true
		c.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// Error reads a PostgreSQL error as the guest's.
func (c *conn) Error(err error) *abi.DBError { return pgError(err) }

// Close resets the connection and gives it back to the pool: the reset
// runs now, as the request gives the connection back, not when the pool
// next hands it out, so that an advisory lock or a LISTEN ends with the
// request that made it. A connection whose reset fails is discarded.
func (c *conn) Close() {
	if !c.bad {
		err := c.conn.Raw(func(dc any) error { return resetSession(dc.(*stdlib.Conn).Conn(), c.used) })
		if err != nil {
			c.h.e.log.Warn("resetting the connection at the end of a request failed; connection discarded", "err", err)
		}
	}
	c.conn.Close()
}

// resetSQL undoes what a request can leave on its connection: open
// cursors, settings (search_path, role, timeouts back to the values the
// connection started with), LISTEN, advisory locks, temporary objects and
// the sequence cache; the last statement lists the statements the guest
// PREPAREd in SQL, which are deallocated one by one. It is DISCARD ALL
// except DEALLOCATE ALL, which would drop pgx's cached statements too (they
// make a 20-row request 102 µs instead of 210 µs: see RATIONALE).
const resetSQL = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; " +
	"SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES; " +
	"SELECT name FROM pg_prepared_statements WHERE from_sql"

// resets counts the sessions reset, for tests.
var resets atomic.Int64

// resetSession resets c so that nothing a request did outlives it. A
// connection still in a transaction, or whose reset fails, is to be
// discarded (driver.ErrBadConn). A request whose statements all left the
// session as they found it (used false: queries and updates, see
// leavesNoState) needs no reset, which saves a round trip and the
// server's work for every such request: the 20-row JSON route on
// PostgreSQL went from 0.39x to 0.70-0.72x of native over HTTP, 96.7 to
// 43.8 µs in process (docs/benchmarks.md, "Database: 20 rows as JSON").
func resetSession(c *pgx.Conn, used bool) error {
	pc := c.PgConn()
	if pc.TxStatus() != 'I' {
		return driver.ErrBadConn
	}
	if !used {
		return nil
	}
	resets.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := pc.Exec(ctx, resetSQL).ReadAll()
	if err != nil {
		return driver.ErrBadConn
	}
	for _, row := range res[len(res)-1].Rows {
		if _, err := pc.Exec(ctx, "DEALLOCATE "+quoteIdent(string(row[0]))).ReadAll(); err != nil {
			return driver.ErrBadConn
		}
	}
	return nil
}
