// Package pgtest holds helpers for tests that run against a real
// PostgreSQL server.
package pgtest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver URL pings with

	"sandkit.dev/sandkit/host/appdb/postgres"
)

// DefaultURL is the database scripts/install-deps.sh creates.
const DefaultURL = "postgres://sandkit:sandkit@127.0.0.1:5432/sandkit_test?sslmode=disable"

// URL is the admin URL of the database the PostgreSQL tests use:
// SANDKIT_TEST_POSTGRES, or DefaultURL. An unreachable server fails the
// test (it is skipped under -short).
func URL(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	u := os.Getenv("SANDKIT_TEST_POSTGRES")
	if u == "" {
		u = DefaultURL
	}
	db, err := sql.Open("pgx", u)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	if err != nil {
		shown := u
		if p, perr := url.Parse(u); perr == nil {
			shown = p.Redacted()
		}
		t.Fatalf("PostgreSQL at %s is unreachable: %v\nhint: run scripts/install-deps.sh (it starts PostgreSQL and creates role sandkit and database sandkit_test), or set SANDKIT_TEST_POSTGRES", shown, err)
	}
	return u
}

// DropSchema drops the app named app from the database at url, the host's
// admin URL: its schema, everything in it, and its role.
func DropSchema(ctx context.Context, url, app string) error {
	return postgres.Drop(ctx, url, app)
}
