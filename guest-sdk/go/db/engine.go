// Engine: which database engine keeps the app's data, so that an app can
// pick its SQL dialect (bun's, or its own spelling) when it starts.

package db

import "sandkit.dev/sandkit/abi"

// The names [Engine] returns.
const (
	SQLite   = abi.EngineSQLite   // the app's SQLite file, data/app.db
	Postgres = abi.EnginePostgres // the app's schema of the host's PostgreSQL database
)

// Engine names the engine that keeps the app's data: [SQLite] or
// [Postgres]. The host sets it for every instance as the environment
// variable SANDKIT_DATABASE_ENGINE (spec/abi.md §9), so it may be called
// from package initialisation on, before any request, and a package
// variable can hold what depends on it (bun's dialect: see the package
// documentation). The engine is the host operator's choice
// (SANDKIT_DATABASE_URL), not the app's, and does not change while an
// instance lives. Engine returns "" from a host that does not say (one
// older than this SDK; its engine is SQLite). In a native build it is what
// the [NativeHost] says if it has an Engine method (dbtest's DB says
// [SQLite]), else the process's SANDKIT_DATABASE_ENGINE.
func Engine() string { return engine() }
