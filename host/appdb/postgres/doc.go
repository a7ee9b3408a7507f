// Package postgres is the app database engine (appdb.Engine) that keeps an
// app's data in its own schema of a PostgreSQL database, reached as its own
// role, when the host's operator sets SANDKIT_DATABASE_URL (an admin URL:
// a role with CREATEROLE).
//
// Opening the engine provisions the app's role and schema through the
// admin URL (roles.go): the role logs in with a password derived from the
// host's secret, owns the schema and nothing else, and PostgreSQL's own
// permissions keep apps apart. Each app's connections have search_path
// pinned to its schema ([Schema] names it), statement_timeout and the time
// zone set, and are reset as each request gives them back (conn.go). Guest
// statements are screened (screen.go: friendly errors and placeholders,
// not the boundary) before they run, and PostgreSQL's errors carry the
// SQLite result code guests branch on beside their own SQLSTATE. [Drop]
// removes an app's schema and role.
//
//	eng := postgres.New(cfg.Database.URL, cfg.Name, cfg.Limits, log)
//	db := appdb.New(cfg.Name, eng, cfg.Limits.StatementTimeout.Std(), log)
package postgres
