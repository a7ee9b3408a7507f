// Connections: the driver connector that installs the policy (the
// authorizer of authorizer.go) on every SQLite connection before
// database/sql hands it out, and the state each connection keeps.

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"sandkit.dev/sandkit/host/appdb"
)

// sqliteDriver is this package's own driver value, so nothing sandkit
// does to its connections reaches other users of modernc.org/sqlite in the
// process.
var sqliteDriver = &sqlite.Driver{}

// connector opens SQLite connections and installs the policy (the
// authorizer, in mode) on each before database/sql hands it out.
type connector struct {
	dsn  string
	mode int32

	mu   sync.Mutex
	open map[*connState]*policyConn // the open connections, by their state
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	dc, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	reg, ok := dc.(sqlite.AuthorizerRegisterer)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("sqlite driver offers no authorizer")
	}
	st := &connState{}
	st.mode.Store(c.mode)
	if err := reg.RegisterAuthorizer(st.authorize); err != nil {
		dc.Close()
		return nil, err
	}
	pc := &policyConn{Conn: dc, st: st, c: c}
	c.mu.Lock()
	c.open[st] = pc
	c.mu.Unlock()
	return pc, nil
}

func (c *connector) Driver() driver.Driver { return sqliteDriver }

// takeRefusal returns and clears the last refusal on any of c's connections.
func (c *connector) takeRefusal() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var why string
	for st := range c.open {
		if w := st.takeRefusal(); w != "" {
			why = w
		}
	}
	return why
}

// policyConn is a SQLite connection with its policy state. It forwards
// every optional interface of the driver's connection (database/sql falls
// back to weaker behaviour for a missing one) and closes the connection's
// cached statements before the connection.
type policyConn struct {
	driver.Conn
	st *connState
	c  *connector
}

var (
	_ driver.ConnBeginTx        = (*policyConn)(nil)
	_ driver.ConnPrepareContext = (*policyConn)(nil)
	_ driver.ExecerContext      = (*policyConn)(nil)
	_ driver.QueryerContext     = (*policyConn)(nil)
	_ driver.Pinger             = (*policyConn)(nil)
	_ driver.SessionResetter    = (*policyConn)(nil)
	_ driver.Validator          = (*policyConn)(nil)
)

// BeginTx begins a transaction of the host's (database/sql's BeginTx:
// a migration's). A migration that turns foreign keys off
// (appdb.ForeignKeysOff) gets them off before the transaction begins,
// since SQLite ignores the pragma inside one (migrate.go).
func (p *policyConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	fkOff := p.st.mode.Load() == policyMigrate && appdb.ForeignKeysOff(ctx)
	defer p.st.asHost()()
	if fkOff {
		if _, err := p.ExecContext(ctx, "PRAGMA foreign_keys = OFF", nil); err != nil {
			return nil, err
		}
	}
	tx, err := p.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		if fkOff {
			p.foreignKeysOn()
		}
		return nil, err
	}
	return &policyTx{Tx: tx, p: p, fkOff: fkOff}, nil
}

// PrepareContext, ExecContext and QueryContext begin the compiling of a
// new SQL text: what an earlier ALTER TABLE allowed ends here.
func (p *policyConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	p.st.altering.Store(nil)
	return p.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (p *policyConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	p.st.altering.Store(nil)
	return p.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (p *policyConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	p.st.altering.Store(nil)
	return p.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (p *policyConn) Ping(ctx context.Context) error { return p.Conn.(driver.Pinger).Ping(ctx) }

// ResetSession refuses a connection that could not be made clean.
func (p *policyConn) ResetSession(ctx context.Context) error {
	if p.st.broken.Load() {
		return driver.ErrBadConn
	}
	return p.Conn.(driver.SessionResetter).ResetSession(ctx)
}

// IsValid is false for a connection that could not be made clean:
// database/sql then closes it instead of putting it back in the pool.
func (p *policyConn) IsValid() bool {
	return !p.st.broken.Load() && p.Conn.(driver.Validator).IsValid()
}

// Unwrap returns the driver's connection (sqlite.Limit looks for it).
func (p *policyConn) Unwrap() driver.Conn { return p.Conn }

func (p *policyConn) Close() error {
	p.c.mu.Lock()
	delete(p.c.open, p.st)
	p.c.mu.Unlock()
	p.st.closeStmts()
	return p.Conn.Close()
}

// stateOf returns the policy state of the driver connection behind c.
func stateOf(c *sql.Conn) (*connState, error) {
	var st *connState
	err := c.Raw(func(dc any) error {
		pc, ok := dc.(*policyConn)
		if !ok {
			return fmt.Errorf("connection %T without a policy", dc)
		}
		st = pc.st
		return nil
	})
	return st, err
}

// connState is what the authorizer of one connection knows: whether the
// host itself is running a statement, whether the host opened a
// transaction, and why it last refused something.
type connState struct {
	mode    atomic.Int32 // policyGuest, policyMigrate or policyHost
	inTx    atomic.Bool  // the host began a transaction on this connection
	refused atomic.Pointer[string]
	// broken is set when a statement that makes the connection clean for
	// the next request (ROLLBACK, PRAGMA query_only = 0) failed: the
	// connection is then discarded, never reused.
	broken atomic.Bool

	// altering is the table of the ALTER TABLE SQLite compiles, until the
	// connection is given its next SQL text (authorizer.go); nil if none.
	altering atomic.Pointer[string]
	// volatile is set while a statement is compiled if it may not be
	// cached: its authorization depends on the transaction state.
	volatile atomic.Bool
	// writes is set while a statement is compiled if it would write.
	writes atomic.Bool
	// limited is set once the connection's sqlite3_limit bounds are in.
	limited bool
	// stmts are the guest statements prepared on this connection, by SQL
	// text. Only the goroutine using the connection touches them.
	stmts map[string]cachedStmt
}

// asHost switches the connection's policy off for the host's own
// statements and returns the function that switches it back.
func (st *connState) asHost() func() {
	prev := st.mode.Swap(policyHost)
	return func() { st.mode.Store(prev) }
}

// cachedStmt is a prepared guest statement and whether it writes.
type cachedStmt struct {
	driver.Stmt
	writes bool
}

// maxCachedStmts bounds the prepared statements kept per connection.
const maxCachedStmts = 128

// closeStmts finalizes the cached statements.
func (st *connState) closeStmts() {
	for q, s := range st.stmts {
		s.Close()
		delete(st.stmts, q)
	}
}
