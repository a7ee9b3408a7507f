// Package sqlite is the app database engine (appdb.Engine) that keeps an
// app's data in its own SQLite file, data/app.db in the app's folder.
//
// Every connection runs under a policy enforced by SQLite's authorizer while
// each statement is compiled: only the app's own database (no ATTACH, no
// dbstat or sqlite_dbpage), no PRAGMA that changes a setting, no TEMP
// objects, no transaction control in SQL (the transaction functions do it).
// The file is bounded by limits.db_max_bytes (max_page_count), values by
// sqlite3_limit, and one writer at a time is let in, the others wait in
// line up to their statement timeout.
//
//	eng := sqlite.New(filepath.Join(appDir, sqlite.AppDBPath), cfg.Limits)
//	db := appdb.New(cfg.Name, eng, cfg.Limits.StatementTimeout.Std(), log)
package sqlite
