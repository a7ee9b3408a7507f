// Package db gives a sandkit Go handler its app's database: a
// database/sql driver over the host's db imports (spec/abi.md §9), so that
// plain database/sql and bun (with sqlitedialect or pgdialect) work as they do natively,
// and a fast path that skips database/sql for hot routes.
//
// Each app has its own SQLite database; the host opens it, runs every
// statement under the app's statement timeout and the request's deadline,
// and refuses what would reach beyond it (ATTACH, PRAGMAs that change
// settings, load_extension). A request uses one connection from its first
// statement to its end; a transaction it leaves open is rolled back.
//
// The host's operator may keep every app's data in PostgreSQL instead
// (spec/config.md, "The database"); [Engine] says which, from package
// initialisation on, so an app that runs on both picks its SQL dialect
// once.
//
// With database/sql (or bun over it):
//
//	sqldb := db.Open() // one *sql.DB for the module; keep it in a package variable
//	bundb := bun.NewDB(sqldb, sqlitedialect.New())
//	err := bundb.NewSelect().Model(&todos).Order("id").Scan(ctx)
//
// and on both engines, bun's dialect picked from [Engine]:
//
//	var bundb = bun.NewDB(db.Open(), dialect())
//
//	func dialect() schema.Dialect {
//		if db.Engine() == db.Postgres {
//			return pgdialect.New()
//		}
//		return sqlitedialect.New()
//	}
//
// The fast path returns every row at once and scans with a type switch,
// not reflection:
//
//	rows, err := db.Query("SELECT id, title, done FROM todos WHERE done = ?", false)
//	for rows.Next() {
//		var t Todo
//		rows.Scan(&t.ID, &t.Title, &t.Done)
//	}
//
// Transactions: db.Begin/Commit/Rollback (or [InTx]) on the fast path,
// sql.DB.BeginTx or bun's RunInTx otherwise. A request has one transaction
// at a time, shared by every connection of the module's *sql.DB; nest with
// SAVEPOINT. Errors from the database are *[Error] values carrying SQLite's
// result code and an SQLSTATE: [IsUnique] tells a duplicate key.
//
// The database is reachable only while a request is served: a call from a
// package init function fails ("no request in progress"); create tables
// with migrations (APP/migrations, applied by sandkit serve), not at init.
//
// Outside wasm (go test) the package builds against a stand-in that a test
// fills with [SetNativeHost]: dbtest.New, of sandkit.dev/sandkit/host/dbtest,
// gives it a real SQLite database with the app's migrations applied.
package db
