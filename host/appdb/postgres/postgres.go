// PostgreSQL engine: an app whose sandkit.toml sets [database] url keeps
// its data in its own schema of that database instead of data/app.db. The
// same imports serve it (spec/abi.md §9); what differs is here: the schema
// and search_path of the app's connections, the screening of guest SQL that
// stands in for SQLite's authorizer (screen.go), placeholders, and error
// codes (errors.go).

package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/settings"
)

// pgSchemaPrefix starts the name of every app's schema, so that the
// screening can refuse any identifier that could name another app's.
const pgSchemaPrefix = "sandkit_"

// Schema is the schema that holds the data of the app named name:
// "sandkit_" and the name lower-cased, with every character other than
// a-z, 0-9 and _ replaced by _; if that changed the name, a hash of the
// original follows, so "my-app" and "my_app" do not share a schema.
func Schema(name string) string {
	var b strings.Builder
	b.WriteString(pgSchemaPrefix)
	changed := false
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			changed = true
		default:
			b.WriteByte('_')
			changed = true
		}
	}
	s := b.String()
	if len(s) > 50 {
		s, changed = s[:50], true
	}
	if changed {
		h := fnv.New32a()
		h.Write([]byte(name))
		s += fmt.Sprintf("_%08x", h.Sum32())
	}
	return s
}

// Engine keeps an app's data in its own schema of a PostgreSQL database.
type Engine struct {
	url         string
	schema      string
	stmtTimeout time.Duration
}

// New returns the engine of the app named app in the database at url,
// with statements bounded by l's statement_timeout.
func New(url, app string, l settings.Limits) *Engine {
	return &Engine{url: url, schema: Schema(app), stmtTimeout: l.StatementTimeout.Std()}
}

// Name is "postgres".
func (e *Engine) Name() string { return "postgres" }

// Open opens the database with the app's schema (created if missing).
// Under appdb.PolicyMigrate the migrations are screened before they run.
func (e *Engine) Open(ctx context.Context, p appdb.Policy) (appdb.Handle, error) {
	db, err := openPostgres(ctx, e.url, e.schema, e.stmtTimeout)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL schema %s: %w", e.schema, err)
	}
	return &handle{e: e, db: db}, nil
}

// handle is the open database.
type handle struct {
	e  *Engine
	db *bun.DB
}

func (h *handle) Bun() *bun.DB { return h.db }

func (h *handle) Close() error { return h.db.Close() }

// CheckMigration screens a migration under the guests' policy with
// transactions allowed.
func (h *handle) CheckMigration(sql string) string {
	_, why := screenPostgres(sql, h.e.schema, 0, false, appdb.PolicyMigrate)
	return why
}

// Refusal is always "": the screening refuses a statement with the
// guest's error itself.
func (h *handle) Refusal() string { return "" }

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// pgConnections bounds the connections of one app's pool on one host.
const pgConnections = 8

// openPostgres opens the database at url for the app's schema (creating
// the schema if it is missing), with search_path pinned to that schema
// and the statement timeout and time zone set on every connection.
func openPostgres(ctx context.Context, url, schema string, stmtTimeout time.Duration) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("[database] url: %w", err)
	}
	cfg.RuntimeParams["search_path"] = quoteIdent(schema)
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(stmtTimeout.Milliseconds(), 10)
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "sandkit " + schema
	// The screening lexes strings as PostgreSQL does with this on (the
	// default); pin it so that a server configured otherwise cannot make
	// the two disagree about where a string ends.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	// No row may make the host hold more than a result's bound: pgx would
	// otherwise read a message of up to 1 GiB (SELECT repeat('x', 1e9)).
	cfg.MaxProtocolMessageBodyLen = abi.MaxDBResult + 1<<20
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(pgConnections)
	sqldb.SetMaxIdleConns(pgConnections)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, pgdialect.New())
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := createSchema(ctx, db, schema); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// createSchema creates the schema if it is missing. Two hosts starting the
// same app at once can both try: the loser's unique violation is ignored.
func createSchema(ctx context.Context, db *bun.DB, schema string) error {
	_, err := db.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+quoteIdent(schema))
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating schema %s: %w", schema, err)
	}
	return nil
}
