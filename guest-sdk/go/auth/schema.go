// The tables the package keeps in the app's database, created on first
// use (spec/abi.md §10.2 documents them for guests in other languages).

package auth

import (
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Schema is the SQL that creates the package's tables if they do not
// exist; it runs on SQLite and PostgreSQL alike. The package runs it once
// per instance before its first statement, so an app needs no migration;
// an app may run it in a migration of its own instead (the statements are
// then no-ops). Times are Unix seconds.
const Schema = `CREATE TABLE IF NOT EXISTS auth_sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_sessions_expires ON auth_sessions (expires_at);
CREATE TABLE IF NOT EXISTS auth_attempts (
  attempt_key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_attempts_key ON auth_attempts (attempt_key, at);`

// schemaReady is set once Schema ran in this instance. A native build
// (go test with sandkittest) runs Schema every time instead, since each
// test may give the package a fresh database.
var schemaReady bool

// ensureSchema runs Schema once per instance. Two instances that run it
// at once on PostgreSQL may race in its catalog (a unique violation on a
// type name); the loser runs it again and finds the tables there.
func ensureSchema() error {
	if schemaReady && !nativeBuild {
		return nil
	}
	_, err := db.Exec(Schema)
	if err != nil && db.IsUnique(err) {
		_, err = db.Exec(Schema)
	}
	if err != nil {
		return err
	}
	schemaReady = true
	return nil
}
