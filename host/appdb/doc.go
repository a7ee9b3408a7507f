// Package appdb is an app's database as its guests use it (spec/abi.md §9),
// knowing nothing of guests, calls or wasm: SQL text and decoded arguments
// go in; rows in the ABI's encoding, rows as JSON, exec results or
// *abi.DBError values come out.
//
// Where the data lives is an [Engine]: package sqlite keeps it in the app's
// own file, package postgres in the app's own schema of a PostgreSQL
// database. A [DB] opens its engine on the first [Session], which is one
// request's connection from its first statement to its end:
//
//	db := appdb.New("blog", sqlite.New("blog/data/app.db", limits), limits.StatementTimeout.Std(), log)
//	s, derr := db.Session(ctx)                   // at the request's first database call
//	out := s.Query(ctx, buf[:0], "SELECT * FROM posts WHERE id = ?", args, false)
//	s.Close()                                    // when the request ends: rolls back what is open
//
// Each statement is bounded by the statement timeout within the request's
// deadline; the engine's policy refuses what would reach past the app's own
// data. [OpenMigrator] applies the app's migrations/ under the same policy,
// each in a transaction of the host's, with PRAGMA foreign_keys allowed on
// SQLite: a migration that turns foreign keys off (SQLite's table-rebuild
// recipe, [TurnsForeignKeysOff]) runs with them off and is checked before
// it commits.
package appdb
