// Database: each app's own SQLite file, opened on first use, its safety
// policy (an authorizer on every connection and a size quota), and the one
// connection a request holds while it uses the database (spec/abi.md §9).

package host

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
)

// AppDBPath is where an app's SQLite database lives, relative to its folder.
const AppDBPath = "data/app.db"

// dbPageSize is SQLite's default page size; the quota is counted in pages.
const dbPageSize = 4096

// appDB is one app's database. It is opened on the first request that uses
// it, so an app that never touches its database gets no file.
type appDB struct {
	app         string
	path        string
	maxBytes    int64
	stmtTimeout time.Duration
	log         *slog.Logger
	// pgURL, when set, is the host's admin URL (SANDKIT_DATABASE_URL): the
	// app's data is then in its own schema of that PostgreSQL database,
	// reached as its own role (dbpgroles.go), instead of the SQLite file
	// at path.
	pgURL string
	// schema is PostgresSchema(app), worked out once: the screening of
	// every guest statement needs it.
	schema string

	// writer is held by the request that writes: SQLite lets one writer
	// at a time in, and waiting here (FIFO-ish, woken at once) beats
	// SQLite's busy handler, which polls with sleeps.
	writer chan struct{}

	mu     sync.Mutex
	db     *bun.DB // nil until opened
	closed bool
}

func newAppDB(app, dir string, l Limits, log *slog.Logger) *appDB {
	return &appDB{
		app:         app,
		schema:      PostgresSchema(app),
		path:        filepath.Join(dir, filepath.FromSlash(AppDBPath)),
		maxBytes:    l.DBMaxBytes,
		stmtTimeout: l.StatementTimeout.std(),
		log:         log,
		writer:      make(chan struct{}, 1),
	}
}

// open opens the database on first use; a failure is returned and the
// next call tries again.
func (a *appDB) open() (*bun.DB, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.db != nil:
		return a.db, nil
	case a.closed:
		return nil, fmt.Errorf("app %q: database closed", a.app)
	}
	if a.pgURL != "" {
		db, err := openPostgres(context.Background(), pgAdminFromEnv(a.pgURL), a.schema, a.stmtTimeout, a.log)
		if err != nil {
			return nil, fmt.Errorf("app %q: PostgreSQL schema %s: %w", a.app, a.schema, err)
		}
		a.db = db
		a.log.Info("database opened", "postgres_schema", a.schema)
		return db, nil
	}
	db, _, err := openSQLite(a.path, a.maxBytes, a.stmtTimeout, policyGuest)
	if err != nil {
		return nil, fmt.Errorf("app %q: database %s: %w", a.app, AppDBPath, err)
	}
	a.db = db
	a.log.Info("database opened", "path", a.path, "max_bytes", a.maxBytes)
	return db, nil
}

// close closes the database if it was opened; it is never opened after.
func (a *appDB) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	if a.db == nil {
		return nil
	}
	return a.db.Close()
}

// openSQLite opens path (creating its folder) in WAL mode with foreign keys
// on, a page quota and policy mode on every connection.
func openSQLite(path string, maxBytes int64, stmtTimeout time.Duration, mode int32) (*bun.DB, *connector, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, nil, fmt.Errorf("the app's folder path may not contain '?' or '#'")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "1")
	q.Set("_defensive", "1")
	q.Set("_busy_timeout", fmt.Sprint(stmtTimeout.Milliseconds()))
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", max(maxBytes/dbPageSize, 1)))
	q.Add("_pragma", "trusted_schema(0)")
	// The WAL is outside max_page_count: truncate it after checkpoints so
	// a burst of writes does not leave a large file behind.
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", min(maxBytes, 64<<20)))
	conn := &connector{dsn: path + "?" + q.Encode(), mode: mode, open: map[*connState]struct{}{}}
	sqldb := sql.OpenDB(conn)
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8) // keep warm connections and their prepared statements
	db := bun.NewDB(sqldb, sqlitedialect.New())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

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
	open map[*connState]struct{} // states of the open connections
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
	c.mu.Lock()
	c.open[st] = struct{}{}
	c.mu.Unlock()
	return &policyConn{Conn: dc, st: st, c: c}, nil
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

func (p *policyConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return p.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (p *policyConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return p.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (p *policyConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return p.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (p *policyConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return p.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (p *policyConn) Ping(ctx context.Context) error { return p.Conn.(driver.Pinger).Ping(ctx) }

func (p *policyConn) ResetSession(ctx context.Context) error {
	return p.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (p *policyConn) IsValid() bool { return p.Conn.(driver.Validator).IsValid() }

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

// Policies a connection runs under.
const (
	policyGuest   int32 = iota // a guest's statement: no transaction control
	policyMigrate              // a migration: BEGIN/COMMIT allowed
	policyHost                 // the host's own statement: everything
)

// allowedPragmas may be used by a guest: they read the schema or the
// database's size and change nothing. A true value means the pragma takes
// a table or index name as its argument; the others may only be read
// (PRAGMA user_version, not PRAGMA user_version = 3).
var allowedPragmas = map[string]bool{
	"table_info": true, "table_xinfo": true, "index_list": true, "index_info": true,
	"index_xinfo": true, "foreign_key_list": true, "foreign_key_check": true,
	"table_list": false, "user_version": false, "data_version": false,
	"page_count": false, "freelist_count": false,
}

// deniedFunctions may not be called by a guest.
var deniedFunctions = map[string]bool{
	"load_extension": true, "fts3_tokenizer": true,
}

// errTemp explains why TEMP objects are refused.
const errTemp = "TEMP tables, indexes, triggers and views are not allowed: they would outlive the request on a pooled connection, outside the app's quota"

// allowedModules are the virtual table modules a guest may create.
var allowedModules = map[string]bool{"fts5": true, "fts4": true, "fts3": true, "rtree": true}

// authorize is SQLite's authorizer callback: it decides, while a statement
// is compiled, whether each operation in it is allowed.
func (st *connState) authorize(action sqlite.AuthorizerActionCode, a1, a2, dbName, _ string) sqlite.AuthorizerReturnCode {
	mode := st.mode.Load()
	if mode == policyHost {
		return sqlite.AuthorizerOK
	}
	deny := func(why string) sqlite.AuthorizerReturnCode {
		st.refused.Store(&why)
		return sqlite.AuthorizerDeny
	}
	switch action {
	case sqlite.AuthInsert, sqlite.AuthUpdate, sqlite.AuthDelete, sqlite.AuthCreateIndex,
		sqlite.AuthCreateTable, sqlite.AuthCreateTrigger, sqlite.AuthCreateView, sqlite.AuthDropIndex,
		sqlite.AuthDropTable, sqlite.AuthDropTrigger, sqlite.AuthDropView, sqlite.AuthAlterTable,
		sqlite.AuthReindex, sqlite.AuthAnalyze, sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		st.writes.Store(true)
		if dbName == "temp" {
			return deny(errTemp)
		}
	}
	if dbName != "" && dbName != "main" && dbName != "temp" {
		return deny("only the app's own database (main) can be used, not " + dbName)
	}
	switch action {
	case sqlite.AuthAttach, sqlite.AuthDetach:
		if a1 == "" {
			return deny("VACUUM is not allowed: the host maintains the database file")
		}
		return deny("ATTACH, DETACH and VACUUM INTO are not allowed: an app has exactly one database")
	case sqlite.AuthPragma:
		if takesName, ok := allowedPragmas[strings.ToLower(a1)]; ok && (a2 == "" || takesName) {
			return sqlite.AuthorizerOK
		}
		return deny("PRAGMA " + a1 + " is not allowed (only schema-reading pragmas such as table_info are)")
	case sqlite.AuthFunction:
		if deniedFunctions[strings.ToLower(a2)] {
			return deny(a2 + "() is not allowed")
		}
	case sqlite.AuthCreateTempTable, sqlite.AuthCreateTempIndex, sqlite.AuthCreateTempTrigger, sqlite.AuthCreateTempView:
		return deny(errTemp)
	case sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		if !allowedModules[strings.ToLower(a2)] {
			return deny("virtual table module " + a2 + " is not allowed (fts5, fts4, fts3 and rtree are)")
		}
	case sqlite.AuthTransaction:
		st.volatile.Store(true)
		if mode != policyMigrate {
			return deny(a1 + " is not allowed in SQL: use the transaction functions (db_begin, db_commit, db_rollback; database/sql's BeginTx)")
		}
	case sqlite.AuthSavepoint:
		st.volatile.Store(true)
		if mode != policyMigrate && !st.inTx.Load() {
			return deny("SAVEPOINT is allowed only inside a transaction begun with db_begin")
		}
	}
	return sqlite.AuthorizerOK
}

// takeRefusal returns and clears the reason of the last refusal.
func (st *connState) takeRefusal() string {
	if p := st.refused.Swap(nil); p != nil {
		return *p
	}
	return ""
}
