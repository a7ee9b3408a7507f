//go:build !wasip1

// A native stand-in for the database imports, so that the package (and
// handlers that use it) builds and runs under go test outside wasm.

package db

import (
	"os"

	"sandkit.dev/sandkit/abi"
)

// NativeHost serves the database imports when the package runs natively
// (outside the sandkit host, in tests). Each method gets what the import
// would get and returns the bytes the host would leave in the result slot:
// an encoded rows, exec or error result (spec/abi.md §9), or nil for a
// success with nothing to report. sandkit.dev/sandkit/host/dbtest's DB
// implements it over a real SQLite database with the app's migrations and
// the host's policy; a test may also return canned results.
type NativeHost interface {
	Query(query string, args []byte) []byte
	Exec(query string, args []byte) []byte
	Begin(flags int32) []byte
	Commit() []byte
	Rollback() []byte
}

// NativeJSONHost is a NativeHost that also serves db_query_json (QueryJSON
// returns an [abi.ResultJSON] or error result); dbtest.DB is one. Without
// it, QueryJSON fails in a native build.
type NativeJSONHost interface {
	NativeHost
	QueryJSON(query string, args []byte) []byte
}

var (
	native NativeHost
	slot   []byte
)

// SetNativeHost makes h serve the database imports of a native build; nil
// restores the default, under which every call fails with an error that
// says the database exists only inside the host. It is not safe to call
// while database calls are in flight.
func SetNativeHost(h NativeHost) { native, slot = h, nil }

func hostCall(op op, query string, args []byte, flags int32) int32 {
	if native == nil {
		slot = abi.AppendDBError(slot[:0], &abi.DBError{Code: abi.CodeMisuse, Message: "sandkit db: no database outside the sandkit host (tests: db.SetNativeHost)"})
		return int32(len(slot))
	}
	switch op {
	case opQuery:
		slot = native.Query(query, args)
	case opQueryJSON:
		if j, ok := native.(NativeJSONHost); ok {
			slot = j.QueryJSON(query, args)
		} else {
			slot = abi.AppendDBError(slot[:0], &abi.DBError{Code: abi.CodeMisuse, Message: "sandkit db: this native host does not serve db_query_json"})
		}
	case opExec:
		slot = native.Exec(query, args)
	case opBegin:
		slot = native.Begin(flags)
	case opCommit:
		slot = native.Commit()
	case opRollback:
		slot = native.Rollback()
	}
	return int32(len(slot))
}

func hostResultRead(p []byte) int32 { return int32(copy(p, slot)) }

// engine is what the native host says, else the process's environment.
func engine() string {
	if e, ok := native.(interface{ Engine() string }); ok {
		return e.Engine()
	}
	v, _ := os.LookupEnv(abi.EnvDatabaseEngine)
	return v
}
