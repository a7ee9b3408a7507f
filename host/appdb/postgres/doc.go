// Package postgres is the app database engine (appdb.Engine) that keeps an
// app's data in its own schema of a PostgreSQL database, for an app whose
// sandkit.toml sets [database] url.
//
// Each app's connections have search_path pinned to its schema ([Schema]
// names it), statement_timeout and the time zone set; guest statements are
// screened (screen.go) before they run, and PostgreSQL's errors carry the
// SQLite result code guests branch on beside their own SQLSTATE.
//
//	eng := postgres.New(cfg.Database.URL, cfg.Name, cfg.Limits)
//	db := appdb.New(cfg.Name, eng, cfg.Limits.StatementTimeout.Std(), log)
package postgres
