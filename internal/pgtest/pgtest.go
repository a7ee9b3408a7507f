// Package pgtest holds helpers for tests that run against a real
// PostgreSQL server.
package pgtest

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"sandkit.dev/sandkit/host/appdb/postgres"
)

// DropSchema drops the schema of the app named app, and everything in it,
// from the database at url.
func DropSchema(ctx context.Context, url, app string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{postgres.Schema(app)}.Sanitize()+" CASCADE")
	return err
}
