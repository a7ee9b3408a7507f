// TestDB: the database imports served natively, over a real SQLite
// database under the same policy, for testing Go handlers outside wasm.

package host

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"

	"sandkit.dev/sandkit/abi"
)

// TestDB serves the Go guest SDK's database imports in a native process,
// so that handler code runs under go test against a real SQLite database
// with the policy, limits and encodings of the host. It has the methods of
// the SDK's db.NativeHost interface:
//
//	tdb, err := host.NewTestDB(ctx, "..")   // the app folder: its sandkit.toml and migrations
//	defer tdb.Close()
//	db.SetNativeHost(tdb)
//	resp := todos.Post(req)                // the handler under test
//	tdb.EndRequest()                       // as the host does after each request
//
// The database is a fresh file in a temporary folder with the app's
// migrations applied; the app's own data/ is never touched. A TestDB
// serves one "request" at a time: it is not safe for concurrent use.
type TestDB struct {
	adb *appDB
	dir string
	c   *call
	ctx context.Context
}

// NewTestDB opens a fresh database for the app in appDir (its sandkit.toml
// limits apply) and applies the app's migrations to it.
func NewTestDB(ctx context.Context, appDir string) (*TestDB, error) {
	cfg, err := LoadConfig(appDir)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "sandkit-testdb-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(tmp, filepath.FromSlash(AppDBPath))
	m, err := openMigrator(ctx, appDir, cfg, path, "")
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	adb := newAppDB(cfg.Name, tmp, cfg.Limits, discardLogger())
	return &TestDB{adb: adb, dir: tmp, c: newCall(), ctx: ctx}, nil
}

// Query serves db_query.
func (t *TestDB) Query(query string, args []byte) []byte {
	return t.result(dbStatement(t.ctx, t.c, t.adb, stmtQuery, []byte(query), args))
}

// QueryJSON serves db_query_json.
func (t *TestDB) QueryJSON(query string, args []byte) []byte {
	return t.result(dbStatement(t.ctx, t.c, t.adb, stmtJSON, []byte(query), args))
}

// Exec serves db_exec.
func (t *TestDB) Exec(query string, args []byte) []byte {
	return t.result(dbStatement(t.ctx, t.c, t.adb, stmtExec, []byte(query), args))
}

// Begin serves db_begin.
func (t *TestDB) Begin(flags int32) []byte { return t.result(dbBegin(t.ctx, t.c, t.adb, flags)) }

// Commit serves db_commit.
func (t *TestDB) Commit() []byte { return t.result(dbEnd(t.ctx, t.c, t.adb, "COMMIT")) }

// Rollback serves db_rollback.
func (t *TestDB) Rollback() []byte { return t.result(dbEnd(t.ctx, t.c, t.adb, "ROLLBACK")) }

// result is the slot's bytes after an import returned rc. A negative rc
// (a broken call) has no slot bytes in the native interface: it is
// reported as a misuse error.
func (t *TestDB) result(rc int32) []byte {
	if rc < 0 {
		return errorResult(rc)
	}
	return append([]byte(nil), t.c.slot[:rc]...)
}

// EndRequest ends the current request as the host does: a transaction
// left open is rolled back and the connection is given back.
func (t *TestDB) EndRequest() {
	t.c.release()
	t.c = newCall()
}

// Close ends the request, closes the database and removes its folder.
func (t *TestDB) Close() error {
	t.c.release()
	err := t.adb.close()
	os.RemoveAll(t.dir)
	return err
}

// errorResult stands for a negative return code, which the native
// interface cannot carry.
func errorResult(rc int32) []byte {
	msg := "the call broke the ABI"
	switch rc {
	case abi.ErrTooLarge:
		msg = "SQL or arguments over their limits (spec/abi.md §9.2)"
	case abi.ErrBadInput:
		msg = "malformed arguments or flags (spec/abi.md §9.3)"
	case abi.ErrState:
		msg = "no request in progress"
	}
	return abi.AppendDBError(nil, &abi.DBError{Code: abi.CodeMisuse, Message: "sandkit db: import returned " + strconv.Itoa(int(rc)) + ": " + msg})
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
