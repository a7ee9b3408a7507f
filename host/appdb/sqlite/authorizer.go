// Authorizer: SQLite's authorizer callback, which decides while a statement
// is compiled whether each operation in it is allowed (spec/abi.md §9.6):
// nothing past the app's own database, no settings, no TEMP objects, no
// transaction control in SQL; changes to the app's own schema (ALTER TABLE
// in all its forms, with what SQLite runs for it) are allowed.

package sqlite

import (
	"strings"

	"modernc.org/sqlite"

	"sandkit.dev/sandkit/host/appdb"
)

// Policies a connection runs under.
const (
	policyGuest   int32 = iota // a guest's statement: no transaction control
	policyMigrate              // a migration: PRAGMA foreign_keys allowed
	policyHost                 // the host's own statement: everything
)

// allowedPragmas may be used by a guest: they read the schema or the
// database's size and change nothing. A true value means the pragma takes
// a table or index name as its argument; the others may only be read
// (PRAGMA user_version, not PRAGMA user_version = 3).
var allowedPragmas = map[string]bool{
	"table_info": true, "table_xinfo": true, "index_list": true, "index_info": true,
	"index_xinfo": true, "foreign_key_list": true, "foreign_key_check": true,
	"table_list": false, "user_version": false, "data_version": false,
	"page_count": false, "freelist_count": false,
}

// deniedFunctions may not be called by a guest.
var deniedFunctions = map[string]bool{
	"load_extension": true, "fts3_tokenizer": true,
}

// deniedTables are the virtual tables built into SQLite that show the
// database file below the rows: sqlite_dbpage its raw pages (rows deleted
// but not yet overwritten included), dbstat where each page is and how
// full. They are refused however a statement reaches them (by name, in a
// subquery or a view).
var deniedTables = map[string]bool{"dbstat": true, "sqlite_dbpage": true}

// allowedModules are the virtual table modules a guest may create.
var allowedModules = map[string]bool{"fts5": true, "fts4": true, "fts3": true, "rtree": true}

// migratePragmas may also be used by a migration, with no value or a
// boolean one: foreign_keys for SQLite's table-rebuild recipe (the
// migration runner turns foreign keys off around the transaction of a
// migration that asks for it, and checks them before it commits:
// appdb.TurnsForeignKeysOff), defer_foreign_keys (until the transaction
// ends). Each changes only the migration's own connection.
var migratePragmas = map[string]bool{"foreign_keys": true, "defer_foreign_keys": true}

// booleanValues are the values SQLite reads as a boolean setting.
var booleanValues = map[string]bool{
	"": true, "on": true, "off": true, "1": true, "0": true, "true": true, "false": true, "yes": true, "no": true,
}

// alterChecks are the pragmas SQLite itself runs inside ALTER TABLE ADD
// COLUMN, to check the table's rows against the new column's CHECK and NOT
// NULL constraints (they only read).
var alterChecks = map[string]bool{"quick_check": true, "integrity_check": true}

// databaseOf is the database an action names. SQLite passes it as the
// third argument, except for ALTER TABLE (the first: database, table and,
// for DROP COLUMN, the column) and for actions that name none (ATTACH's
// first argument is a file name, DETACH's the database to detach).
func databaseOf(action sqlite.AuthorizerActionCode, a1, a3 string) string {
	switch action {
	case sqlite.AuthAlterTable:
		return a1
	case sqlite.AuthAttach, sqlite.AuthDetach, sqlite.AuthFunction, sqlite.AuthTransaction,
		sqlite.AuthSavepoint, sqlite.AuthRecursive, sqlite.AuthSelect:
		return ""
	}
	return a3
}

// authorize is SQLite's authorizer callback: it decides, while a statement
// is compiled, whether each operation in it is allowed. The arguments are
// SQLite's: what each holds depends on the action (databaseOf).
func (st *connState) authorize(action sqlite.AuthorizerActionCode, a1, a2, a3, _ string) sqlite.AuthorizerReturnCode {
	mode := st.mode.Load()
	if mode == policyHost {
		return sqlite.AuthorizerOK
	}
	deny := func(why string) sqlite.AuthorizerReturnCode {
		st.refused.Store(&why)
		return sqlite.AuthorizerDeny
	}
	dbName := databaseOf(action, a1, a3)
	if action == sqlite.AuthAlterTable {
		// What SQLite compiles next for this statement is its own work for
		// the ALTER: rewriting the schema's SQL (in main's and temp's
		// schema tables) and checking the altered table's rows against a
		// new column's constraints. It is forgotten before the connection
		// compiles the next SQL text (policyConn); a script's later
		// statements could use it, but what it allows is read-only (that
		// check of that table) or refused by SQLite itself in an app's
		// statement (writing the schema table).
		st.altering.Store(&a2)
	}
	switch action {
	case sqlite.AuthInsert, sqlite.AuthUpdate, sqlite.AuthDelete, sqlite.AuthCreateIndex,
		sqlite.AuthCreateTable, sqlite.AuthCreateTrigger, sqlite.AuthCreateView, sqlite.AuthDropIndex,
		sqlite.AuthDropTable, sqlite.AuthDropTrigger, sqlite.AuthDropView, sqlite.AuthAlterTable,
		sqlite.AuthReindex, sqlite.AuthAnalyze, sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		st.writes.Store(true)
		if dbName == "temp" {
			// ALTER TABLE … RENAME rewrites the SQL of temp's triggers too
			// (there are none: TEMP objects are refused); SQLite refuses
			// such an update in any statement of the app's own.
			if action == sqlite.AuthUpdate && st.altering.Load() != nil && strings.EqualFold(a1, "sqlite_temp_master") {
				return sqlite.AuthorizerOK
			}
			return deny(appdb.RefusedTemp)
		}
	}
	switch action {
	case sqlite.AuthRead, sqlite.AuthInsert, sqlite.AuthUpdate, sqlite.AuthDelete:
		if deniedTables[strings.ToLower(a1)] {
			return deny(a1 + " is not allowed: it shows the database file's pages, not the app's rows")
		}
	}
	if dbName != "" && dbName != "main" && dbName != "temp" {
		return deny("only the app's own database (main) can be used, not " + dbName)
	}
	switch action {
	case sqlite.AuthAttach, sqlite.AuthDetach:
		if a1 == "" {
			return deny("VACUUM is not allowed: the host maintains the database file")
		}
		return deny("ATTACH, DETACH and VACUUM INTO are not allowed: an app has exactly one database")
	case sqlite.AuthPragma:
		name := strings.ToLower(a1)
		if takesName, ok := allowedPragmas[name]; ok && (a2 == "" || takesName) {
			return sqlite.AuthorizerOK
		}
		if t := st.altering.Load(); t != nil && alterChecks[name] && dbName == "main" && strings.EqualFold(a2, *t) {
			return sqlite.AuthorizerOK
		}
		if mode == policyMigrate && migratePragmas[name] && booleanValues[strings.ToLower(a2)] {
			return sqlite.AuthorizerOK
		}
		if mode == policyMigrate {
			return deny("PRAGMA " + a1 + " is not allowed in a migration (schema-reading pragmas such as table_info are, and foreign_keys = OFF/ON)")
		}
		return deny("PRAGMA " + a1 + " is not allowed (only schema-reading pragmas such as table_info are)")
	case sqlite.AuthFunction:
		if deniedFunctions[strings.ToLower(a2)] {
			return deny(a2 + "() is not allowed")
		}
	case sqlite.AuthCreateTempTable, sqlite.AuthCreateTempIndex, sqlite.AuthCreateTempTrigger, sqlite.AuthCreateTempView:
		return deny(appdb.RefusedTemp)
	case sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		if !allowedModules[strings.ToLower(a2)] {
			return deny("virtual table module " + a2 + " is not allowed (fts5, fts4, fts3 and rtree are)")
		}
	case sqlite.AuthTransaction:
		st.volatile.Store(true)
		if mode == policyMigrate {
			return deny(appdb.RefusedMigrationTx(a1))
		}
		return deny(a1 + " is not allowed in SQL: use the transaction functions (db_begin, db_commit, db_rollback; database/sql's BeginTx)")
	case sqlite.AuthSavepoint:
		st.volatile.Store(true)
		if mode != policyMigrate && !st.inTx.Load() {
			return deny("SAVEPOINT is allowed only inside a transaction begun with db_begin")
		}
	}
	return sqlite.AuthorizerOK
}

// takeRefusal returns and clears the reason of the last refusal.
func (st *connState) takeRefusal() string {
	if p := st.refused.Swap(nil); p != nil {
		return *p
	}
	return ""
}

// policyOf is the connection mode of a database opened under p.
func policyOf(p appdb.Policy) int32 {
	if p == appdb.PolicyMigrate {
		return policyMigrate
	}
	return policyGuest
}
