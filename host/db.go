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

	mu     sync.Mutex
	db     *bun.DB // nil until opened
	closed bool
}

func newAppDB(app, dir string, l Limits, log *slog.Logger) *appDB {
	return &appDB{
		app:         app,
		path:        filepath.Join(dir, filepath.FromSlash(AppDBPath)),
		maxBytes:    l.DBMaxBytes,
		stmtTimeout: l.StatementTimeout.std(),
		log:         log,
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
	db, err := openSQLite(a.path, a.maxBytes, a.stmtTimeout, policyGuest)
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
	forgetConns(a.db)
	return a.db.Close()
}

// openSQLite opens path (creating its folder) in WAL mode with foreign keys
// on, a page quota and policy mode on every connection.
func openSQLite(path string, maxBytes int64, stmtTimeout time.Duration, mode int32) (*bun.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("the app's folder path may not contain '?' or '#'")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
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
	conn := &connector{dsn: path + "?" + q.Encode(), mode: mode}
	sqldb := sql.OpenDB(conn)
	conn.db = sqldb
	// As many idle as open: database/sql then closes a connection only when
	// it is broken, and the policy state of each stays bounded (conns).
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8)
	db := bun.NewDB(sqldb, sqlitedialect.New())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// driverWithPolicy opens SQLite connections and installs the guest policy
// on each before database/sql hands it out. It is this package's own
// driver value, so the policy reaches no other user of modernc.org/sqlite
// in the process.
var driverWithPolicy = func() *sqlite.Driver {
	d := &sqlite.Driver{}
	d.RegisterConnectionHook(func(c sqlite.ExecQuerierContext, _ string) error {
		reg, ok := c.(sqlite.AuthorizerRegisterer)
		if !ok {
			return fmt.Errorf("sqlite driver offers no authorizer")
		}
		st := &connState{}
		if err := reg.RegisterAuthorizer(st.authorize); err != nil {
			return err
		}
		conns.Store(c, st)
		return nil
	})
	return d
}()

// connector opens connections with driverWithPolicy, in policy mode.
type connector struct {
	dsn  string
	mode int32
	db   *sql.DB // the pool it fills
}

func (c *connector) Connect(context.Context) (driver.Conn, error) {
	dc, err := driverWithPolicy.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if st, ok := conns.Load(dc); ok {
		st.(*connState).mode.Store(c.mode)
		st.(*connState).opener.Store(c)
	}
	return dc, nil
}

func (c *connector) Driver() driver.Driver { return driverWithPolicy }

// conns maps each open driver connection to its policy state.
var conns sync.Map // driver.Conn -> *connState

// forgetConns drops the state of every connection of db's pool.
func forgetConns(db *bun.DB) {
	conns.Range(func(k, v any) bool {
		if o := v.(*connState).opener.Load(); o != nil && o.db == db.DB {
			conns.Delete(k)
		}
		return true
	})
}

// takeRefusal returns and clears the last refusal on any connection of
// db's pool.
func takeRefusal(db *bun.DB) string {
	var why string
	conns.Range(func(_, v any) bool {
		if st := v.(*connState); st.opener.Load() != nil && st.opener.Load().db == db.DB {
			if w := st.takeRefusal(); w != "" {
				why = w
			}
		}
		return true
	})
	return why
}

// stateOf returns the policy state of the driver connection behind c.
func stateOf(c *sql.Conn) (*connState, error) {
	var st *connState
	err := c.Raw(func(dc any) error {
		v, ok := conns.Load(dc)
		if !ok {
			return fmt.Errorf("connection without a policy")
		}
		st = v.(*connState)
		return nil
	})
	return st, err
}

// connState is what the authorizer of one connection knows: whether the
// host itself is running a statement, whether the host opened a
// transaction, and why it last refused something.
type connState struct {
	opener  atomic.Pointer[connector] // whose pool the connection is in
	mode    atomic.Int32              // policyGuest, policyMigrate or policyHost
	inTx    atomic.Bool               // the host began a transaction on this connection
	refused atomic.Pointer[string]
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
	case sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		if !allowedModules[strings.ToLower(a2)] {
			return deny("virtual table module " + a2 + " is not allowed (fts5, fts4, fts3 and rtree are)")
		}
	case sqlite.AuthTransaction:
		if mode != policyMigrate {
			return deny(a1 + " is not allowed in SQL: use the transaction functions (db_begin, db_commit, db_rollback; database/sql's BeginTx)")
		}
	case sqlite.AuthSavepoint:
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
