// The database/sql driver over the db imports, for plain database/sql and
// for bun.

package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync"

	"sandkit.dev/sandkit/abi"
)

// DriverName is the name the driver is registered under with
// database/sql: sql.Open(db.DriverName, "").
const DriverName = "sandkit"

func init() { sql.Register(DriverName, Driver{}) }

var (
	openOnce sync.Once
	shared   *sql.DB
)

// Open returns the app's database as a *sql.DB. It is one value for the
// whole module, safe to keep in a package variable; the data source name
// is ignored because an app has exactly one database.
func Open() *sql.DB {
	openOnce.Do(func() { shared = sql.OpenDB(connector{}) })
	return shared
}

// Driver is the database/sql driver. Every connection it opens talks to
// the one connection the host holds for the current request, so a
// transaction begun on one is seen by all: a request has one transaction
// at a time.
type Driver struct{}

// Open returns a connection; name is ignored.
func (Driver) Open(string) (driver.Conn, error) { return &conn{}, nil }

type connector struct{}

func (connector) Connect(context.Context) (driver.Conn, error) { return &conn{}, nil }
func (connector) Driver() driver.Driver                        { return Driver{} }

// conn is a database/sql connection.
type conn struct{}

var (
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) { return &stmt{query: query}, nil }

func (c *conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	return &stmt{query: query}, nil
}

func (c *conn) Close() error { return nil }

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *conn) BeginTx(_ context.Context, opts driver.TxOptions) (driver.Tx, error) {
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault, sql.LevelSerializable:
	default:
		return nil, errors.New("sandkit db: only the serializable isolation level is supported")
	}
	flags := int32(0)
	if opts.ReadOnly {
		flags = abi.TxReadOnly
	}
	if _, err := call(opBegin, "", nil, flags); err != nil {
		return nil, err
	}
	return tx{}, nil
}

// CheckNamedValue accepts every argument type appendArg knows, as is.
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	if nv.Name != "" {
		return errors.New("sandkit db: named arguments are not supported; use ? placeholders")
	}
	if _, err := appendArg(nil, nv.Value); err != nil {
		return driver.ErrSkip // let database/sql convert it (e.g. a named int type)
	}
	return nil
}

func (c *conn) ExecContext(_ context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ab, err := encodeNamed(args)
	if err != nil {
		return nil, err
	}
	b, err := call(opExec, query, ab, 0)
	if err != nil {
		return nil, err
	}
	ra, id, err := abi.DecodeExecResult(b)
	if err != nil {
		return nil, err
	}
	return result{ra, id}, nil
}

func (c *conn) QueryContext(_ context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ab, err := encodeNamed(args)
	if err != nil {
		return nil, err
	}
	b, err := call(opQuery, query, ab, 0)
	if err != nil {
		return nil, err
	}
	r := &rows{}
	if err := r.r.Reset(b); err != nil {
		return nil, err
	}
	r.row = make([]abi.Value, len(r.r.Columns()))
	return r, nil
}

func encodeNamed(args []driver.NamedValue) ([]byte, error) {
	vs := make([]any, len(args))
	for i, a := range args {
		vs[i] = a.Value
	}
	return encodeArgs(vs)
}

type tx struct{}

func (tx) Commit() error   { _, err := call(opCommit, "", nil, 0); return err }
func (tx) Rollback() error { _, err := call(opRollback, "", nil, 0); return err }

type result struct{ rowsAffected, lastInsertID int64 }

func (r result) LastInsertId() (int64, error) { return r.lastInsertID, nil }
func (r result) RowsAffected() (int64, error) { return r.rowsAffected, nil }

// stmt is a prepared statement: the host compiles statements per call, so
// preparing only keeps the text.
type stmt struct{ query string }

func (s *stmt) Close() error  { return nil }
func (s *stmt) NumInput() int { return -1 }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return (&conn{}).ExecContext(context.Background(), s.query, named(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return (&conn{}).QueryContext(context.Background(), s.query, named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return (&conn{}).ExecContext(ctx, s.query, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return (&conn{}).QueryContext(ctx, s.query, args)
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// rows are a query's rows for database/sql, decoded one at a time.
type rows struct {
	r   abi.RowsReader
	row []abi.Value
}

var _ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)

func (r *rows) Columns() []string {
	cols := r.r.Columns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.r.Columns()[i].DeclType }

func (r *rows) Close() error { return nil }

func (r *rows) Next(dest []driver.Value) error {
	if !r.r.Next(r.row) {
		if err := r.r.Err(); err != nil {
			return err
		}
		return io.EOF
	}
	for i, v := range r.row {
		dest[i] = driverValue(v)
	}
	return nil
}
