// PostgreSQL engine: when the host's operator sets SANDKIT_DATABASE_URL, an
// app keeps its data in its own schema of that database, reached as its own
// role (roles.go), instead of data/app.db. The same imports serve it
// (spec/abi.md §9); what differs is here: the app's connections, their reset
// (conn.go), placeholders and the screening of guest SQL (screen.go:
// friendly errors, not the boundary: the role's permissions are), and error
// codes (errors.go).

package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
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

// pgSchemaPrefix starts the name of every app's schema and role, so that
// the screening can refuse any identifier that could name another app's.
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

// Engine keeps an app's data in its own schema of a PostgreSQL database,
// reached as its own role.
type Engine struct {
	admin       pgAdmin
	schema      string
	stmtTimeout time.Duration
	log         *slog.Logger
}

// New returns the engine of the app named app in the database at
// adminURL, the host's admin URL (SANDKIT_DATABASE_URL: a role with
// CREATEROLE), which provisions the app's own role and schema when the
// engine opens; the app's password is derived under SANDKIT_DATABASE_SECRET
// (roles.go). Statements are bounded by l's statement_timeout; log gets
// what provisioning could not do.
func New(adminURL, app string, l settings.Limits, log *slog.Logger) *Engine {
	return &Engine{admin: adminFromEnv(adminURL), schema: Schema(app), stmtTimeout: l.StatementTimeout.Std(), log: log}
}

// Name is "postgres".
func (e *Engine) Name() string { return "postgres" }

// Open provisions the app's role and schema (created if missing, repaired
// if an earlier version left them otherwise) and opens the app's pool as
// that role. Under appdb.PolicyMigrate the migrations are screened before
// they run.
func (e *Engine) Open(ctx context.Context, p appdb.Policy) (appdb.Handle, error) {
	db, err := openPostgres(ctx, e.admin, e.schema, e.stmtTimeout, e.log)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL schema %s: %w", e.schema, err)
	}
	return &handle{e: e, db: db}, nil
}

// handle is the open database.
type handle struct {
	e       *Engine
	db      *bun.DB
	screens screenCache
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

// openPostgres provisions the app's role and schema through the admin URL
// (roles.go) and opens the app's pool, logged in as that role, with
// search_path pinned to the schema and the statement timeout and time zone
// set on every connection (each is reset when a request gives it back:
// conn.go).
func openPostgres(ctx context.Context, admin pgAdmin, schema string, stmtTimeout time.Duration, log *slog.Logger) (*bun.DB, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	notRevoked, err := provision(ctx, admin, schema)
	if err != nil {
		return nil, err
	}
	for _, s := range notRevoked {
		log.Warn("PostgreSQL: PUBLIC keeps a default right the admin cannot revoke", "stmt", s)
	}
	cfg, err := admin.appConfig(schema)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["search_path"] = quoteIdent(schema)
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(stmtTimeout.Milliseconds(), 10)
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "sandkit"
	// The placeholder rewriting lexes strings as PostgreSQL does with this
	// on (the default); pin it so that a server configured otherwise cannot
	// make the two disagree about where a string ends.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	// No row may make the host hold more than a result's bound: pgx would
	// otherwise read a message of up to 1 GiB (SELECT repeat('x', 1e9)).
	cfg.MaxProtocolMessageBodyLen = abi.MaxDBResult + 1<<20
	// A guest that LISTENs must not make the host buffer what others send.
	cfg.OnNotification = func(*pgconn.PgConn, *pgconn.Notification) {}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(pgConnections)
	sqldb.SetMaxIdleConns(pgConnections)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, pgdialect.New())
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting as role %s: %w", schema, err)
	}
	return db, nil
}
