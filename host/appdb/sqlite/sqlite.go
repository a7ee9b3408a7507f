// SQLite engine: an app's data in its own SQLite file, opened in WAL mode
// with a page quota and the policy (authorizer.go) on every connection.

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
)

// AppDBPath is where an app's SQLite database lives, relative to its folder.
const AppDBPath = "data/app.db"

// pageSize is SQLite's default page size; the quota is counted in pages.
const pageSize = 4096

// Engine keeps an app's data in one SQLite file.
type Engine struct {
	path        string
	maxBytes    int64
	stmtTimeout time.Duration
}

// New returns the engine of the database file at path (created with its
// folder on first open), bounded by l's db_max_bytes and
// statement_timeout.
func New(path string, l settings.Limits) *Engine {
	return &Engine{path: path, maxBytes: l.DBMaxBytes, stmtTimeout: l.StatementTimeout.Std()}
}

// Name is "sqlite".
func (e *Engine) Name() string { return "sqlite" }

// Open opens the file in WAL mode with foreign keys on, a page quota and
// the policy p on every connection.
func (e *Engine) Open(ctx context.Context, p appdb.Policy) (appdb.Handle, error) {
	db, conn, err := e.open(ctx, policyOf(p))
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", AppDBPath, err)
	}
	return &handle{e: e, db: db, conn: conn, writer: make(chan struct{}, 1)}, nil
}

func (e *Engine) open(ctx context.Context, mode int32) (*bun.DB, *connector, error) {
	if strings.ContainsAny(e.path, "?#") {
		return nil, nil, fmt.Errorf("the app's folder path may not contain '?' or '#'")
	}
	if err := os.MkdirAll(filepath.Dir(e.path), 0o755); err != nil {
		return nil, nil, err
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "1")
	q.Set("_defensive", "1")
	q.Set("_busy_timeout", fmt.Sprint(e.stmtTimeout.Milliseconds()))
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", max(e.maxBytes/pageSize, 1)))
	q.Add("_pragma", "trusted_schema(0)")
	// The WAL is outside max_page_count: truncate it after checkpoints so
	// a burst of writes does not leave a large file behind.
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", min(e.maxBytes, 64<<20)))
	conn := &connector{dsn: e.path + "?" + q.Encode(), mode: mode, open: map[*connState]*policyConn{}}
	sqldb := sql.OpenDB(conn)
	sqldb.SetMaxOpenConns(8)
	sqldb.SetMaxIdleConns(8) // keep warm connections and their prepared statements
	db := bun.NewDB(sqldb, sqlitedialect.New())
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// handle is the open file.
type handle struct {
	e    *Engine
	db   *bun.DB
	conn *connector

	// writer is held by the session that writes: SQLite lets one writer
	// at a time in, and waiting here (FIFO-ish, woken at once) beats
	// SQLite's busy handler, which polls with sleeps.
	writer chan struct{}
}

func (h *handle) Bun() *bun.DB { return h.db }

func (h *handle) Close() error { return h.db.Close() }

// CheckMigration passes every migration: the authorizer checks each
// statement as it runs.
func (h *handle) CheckMigration(string) string { return "" }

func (h *handle) Refusal() string { return h.conn.takeRefusal() }
