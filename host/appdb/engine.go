// Engine: what differs between the kinds of database an app can keep its
// data in (SQLite, PostgreSQL), as one interface with an implementation per
// engine in its own package (sqlite, postgres).

package appdb

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/uptrace/bun"

	"sandkit.dev/sandkit/abi"
)

// Engine is one app's database on one kind of database server or file. It
// is configured when it is made (the app's file or URL, its limits) and
// opens nothing until Open.
type Engine interface {
	// Name names the engine in migration file variants
	// (NNNN_name.ENGINE.up.sql): "sqlite" or "postgres".
	Name() string
	// Open opens the app's database with every statement run under p.
	Open(ctx context.Context, p Policy) (Handle, error)
}

// Policy says whose statements a database runs.
type Policy int32

const (
	// PolicyGuest is a guest's statements: no transaction control in SQL.
	PolicyGuest Policy = iota
	// PolicyMigrate is a migration's statements: BEGIN and COMMIT allowed.
	PolicyMigrate
)

// Handle is an open database of an engine.
type Handle interface {
	// Bun is the database, for bun's migrate package.
	Bun() *bun.DB
	// Conn takes a connection from the pool for one request's session. An
	// error is the guest's (*abi.DBError) if it says what to do, else the
	// database is unavailable.
	Conn(ctx context.Context) (Conn, error)
	// CheckMigration says why the engine refuses the SQL of a migration
	// before it runs, or "" (an engine that checks statements as they run
	// says "").
	CheckMigration(sql string) string
	// Refusal returns and clears why the engine's policy last refused a
	// statement on any of its connections, or "".
	Refusal() string
	// Close closes the database and its connections.
	Close() error
}

// Conn is one pooled connection while a session holds it. A session calls
// it from one goroutine at a time.
type Conn interface {
	// StmtContext bounds one statement by the statement timeout within
	// the request's deadline (already in ctx).
	StmtContext(ctx context.Context) (context.Context, context.CancelFunc)
	// Query runs a guest's query and hands its rows to read.
	Query(ctx context.Context, q string, args []driver.NamedValue, read func(driver.Rows) error) error
	// Exec runs a guest's statement, or its script of statements.
	Exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error)
	// Begin, Commit and Rollback are the transaction functions. A
	// Commit that fails leaves no transaction open; a Rollback that fails
	// marks the connection to be discarded when it is closed.
	Begin(ctx context.Context, readOnly bool) error
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	// Error is the engine's reading of err as the guest's error, or nil if
	// err is none of the engine's. It also clears the connection's last
	// refusal.
	Error(err error) *abi.DBError
	// Close gives the connection back to the pool, or discards it if it
	// could not be made clean.
	Close()
}

// JSONQuerier is a Conn that makes db_query_json's result itself, from
// the rows as they come from the server instead of as driver values: the
// result (the [abi.ResultJSON] byte and the JSON array) must be byte for
// byte what Query and the host's encoding of driver values make of the
// same rows, and a result past abi.MaxDBResult is refused with
// [ErrTooBig]. It returns the guest's error or the engine's.
type JSONQuerier interface {
	QueryJSON(ctx context.Context, dst []byte, q string, args []driver.NamedValue) ([]byte, *abi.DBError, error)
}

// RefusedTemp is why both engines refuse TEMP objects.
const RefusedTemp = "TEMP tables, indexes, triggers and views are not allowed: they would outlive the request on a pooled connection, outside the app's quota"

// ErrNoStatement is the guest's error for SQL text with no statement in it
// (empty, blank or only comments).
func ErrNoStatement() *abi.DBError {
	return &abi.DBError{Code: abi.CodeMisuse, SQLState: "42601", Message: "no SQL statement in the text (it is empty, blank or only comments)"}
}

// RefusedMigrationTx is why both engines refuse transaction control (op:
// BEGIN, COMMIT, ROLLBACK…) in a migration's SQL: the host runs each
// migration in its own transaction, and a COMMIT in the middle would
// leave half a migration applied if a later statement failed.
func RefusedMigrationTx(op string) string {
	return strings.ToUpper(op) + " is not allowed in a migration: each migration runs in its own transaction, begun and committed by sandkit (remove BEGIN and COMMIT; SAVEPOINT may be used)"
}
