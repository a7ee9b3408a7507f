// Package pgtest holds helpers for tests that run against a real
// PostgreSQL server.
package pgtest

import (
	"context"

	"sandkit.dev/sandkit/host/appdb/postgres"
)

// DropSchema drops the app named app from the database at url, the host's
// admin URL: its schema, everything in it, and its role.
func DropSchema(ctx context.Context, url, app string) error {
	return postgres.Drop(ctx, url, app)
}
