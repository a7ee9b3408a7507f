// Package dbtest serves the database imports natively, over a real SQLite
// database under the host's policy, so that Go handlers can be tested with
// go test outside wasm.
//
// A DB has the methods of the Go guest SDK's db.NativeHost interface:
//
//	tdb, err := dbtest.New(ctx, "..")  // the app folder: its sandkit.toml and migrations
//	defer tdb.Close()
//	db.SetNativeHost(tdb)
//	resp := todos.Post(req)            // the handler under test
//	tdb.EndRequest()                   // as the host does after each request
//
// The database is a fresh file in a temporary folder with the app's
// migrations applied; the app's own data/ is never touched. Statements run
// with the policy, limits and encodings of the host (spec/abi.md §9).
package dbtest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/sqlite"
	"sandkit.dev/sandkit/host/settings"
)

// DB serves one "request" at a time: it is not safe for concurrent use.
type DB struct {
	db  *appdb.DB
	dir string
	s   *appdb.Session // the request's session, once it used one
	ctx context.Context
}

// New opens a fresh database for the app in appDir (its sandkit.toml
// limits apply) and applies the app's migrations to it.
func New(ctx context.Context, appDir string) (*DB, error) {
	cfg, err := settings.LoadConfig(appDir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "sandkit-testdb-")
	if err != nil {
		return nil, err
	}
	eng := sqlite.New(filepath.Join(tmp, filepath.FromSlash(sqlite.AppDBPath)), cfg.Limits)
	m, err := appdb.OpenMigrator(ctx, cfg.Name, appDir, eng)
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &DB{db: appdb.New(cfg.Name, eng, cfg.Limits.StatementTimeout.Std(), log), dir: tmp, ctx: ctx}, nil
}

// Engine is the engine db.Engine reports in the test: "sqlite".
func (t *DB) Engine() string { return abi.EngineSQLite }

// Query serves db_query.
func (t *DB) Query(query string, args []byte) []byte {
	return t.statement(query, args, func(s *appdb.Session, vals []abi.Value) []byte {
		return s.Query(t.ctx, nil, query, vals, false)
	})
}

// QueryJSON serves db_query_json.
func (t *DB) QueryJSON(query string, args []byte) []byte {
	return t.statement(query, args, func(s *appdb.Session, vals []abi.Value) []byte {
		return s.Query(t.ctx, nil, query, vals, true)
	})
}

// Exec serves db_exec.
func (t *DB) Exec(query string, args []byte) []byte {
	return t.statement(query, args, func(s *appdb.Session, vals []abi.Value) []byte {
		return s.Exec(t.ctx, nil, query, vals)
	})
}

// Begin serves db_begin.
func (t *DB) Begin(flags int32) []byte {
	if flags&^abi.TxReadOnly != 0 {
		return errorResult(abi.ErrBadInput)
	}
	return t.tx(func(s *appdb.Session) *abi.DBError { return s.Begin(t.ctx, flags&abi.TxReadOnly != 0) })
}

// Commit serves db_commit.
func (t *DB) Commit() []byte {
	return t.tx(func(s *appdb.Session) *abi.DBError { return s.End(t.ctx, true) })
}

// Rollback serves db_rollback.
func (t *DB) Rollback() []byte {
	return t.tx(func(s *appdb.Session) *abi.DBError { return s.End(t.ctx, false) })
}

// statement checks and decodes a statement's arguments as the host does
// and runs it on the request's session.
func (t *DB) statement(query string, args []byte, run func(*appdb.Session, []abi.Value) []byte) []byte {
	if len(query) > abi.MaxSQL || len(args) > abi.MaxDBArgs {
		return errorResult(abi.ErrTooLarge)
	}
	vals, err := abi.DecodeArgs(args, nil)
	if err != nil {
		return errorResult(abi.ErrBadInput)
	}
	s, derr := t.session()
	if derr != nil {
		return abi.AppendDBError(nil, derr)
	}
	return run(s, vals)
}

// tx runs a transaction function: nil on success, else the error result.
func (t *DB) tx(f func(*appdb.Session) *abi.DBError) []byte {
	s, derr := t.session()
	if derr == nil {
		derr = f(s)
	}
	if derr == nil {
		return nil
	}
	return abi.AppendDBError(nil, derr)
}

func (t *DB) session() (*appdb.Session, *abi.DBError) {
	if t.s == nil {
		s, derr := t.db.Session(t.ctx)
		if derr != nil {
			return nil, derr
		}
		t.s = s
	}
	return t.s, nil
}

// EndRequest ends the current request as the host does: a transaction
// left open is rolled back and the connection is given back.
func (t *DB) EndRequest() {
	if t.s != nil {
		t.s.Close()
		t.s = nil
	}
}

// Close ends the request, closes the database and removes its folder.
func (t *DB) Close() error {
	t.EndRequest()
	err := t.db.Close()
	os.RemoveAll(t.dir)
	return err
}

// errorResult stands for a negative return code of the import, which the
// native interface cannot carry.
func errorResult(rc int32) []byte {
	msg := "the call broke the ABI"
	switch rc {
	case abi.ErrTooLarge:
		msg = "SQL or arguments over their limits (spec/abi.md §9.2)"
	case abi.ErrBadInput:
		msg = "malformed arguments or flags (spec/abi.md §9.3)"
	}
	return abi.AppendDBError(nil, &abi.DBError{Code: abi.CodeMisuse, Message: "sandkit db: import returned " + strconv.Itoa(int(rc)) + ": " + msg})
}
