// Database host functions: db_query, db_exec, db_query_json, db_begin,
// db_commit and db_rollback (spec/abi.md §9): they read the guest's bytes,
// decode its arguments and run them on the request's appdb.Session.

package host

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
)

// dbFuncs are the database imports. They run on the database of the app
// whose request is in the call (call.db); outside a request there is none.
type dbFuncs struct{}

// dbOf returns the call's app database, nil without a call.
func dbOf(c *call) *appdb.DB {
	if c == nil {
		return nil
	}
	return c.db
}

// register adds the database imports to the host module being built.
func (h dbFuncs) register(b wazero.HostModuleBuilder) {
	fn := func(name string, f api.GoModuleFunc, params []api.ValueType) {
		b.NewFunctionBuilder().WithGoModuleFunction(f, params, []api.ValueType{i32}).Export(name)
	}
	fn(abi.ImportDBQuery, h.query, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBExec, h.exec, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBQueryJSON, h.queryJSON, []api.ValueType{i32, i32, i32, i32})
	fn(abi.ImportDBBegin, h.begin, []api.ValueType{i32})
	fn(abi.ImportDBCommit, h.commit, nil)
	fn(abi.ImportDBRollback, h.rollback, nil)
}

func (h dbFuncs) query(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBQuery)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBQuery)
	c := callFrom(ctx)
	ret(stack, dbStatement(ctx, c, dbOf(c), stmtQuery, text, argb))
}

func (h dbFuncs) queryJSON(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBQueryJSON)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBQueryJSON)
	c := callFrom(ctx)
	ret(stack, dbStatement(ctx, c, dbOf(c), stmtJSON, text, argb))
}

func (h dbFuncs) exec(ctx context.Context, mod api.Module, stack []uint64) {
	text := guestBytes(mod, stack[0], stack[1], abi.ImportDBExec)
	argb := guestBytes(mod, stack[2], stack[3], abi.ImportDBExec)
	c := callFrom(ctx)
	ret(stack, dbStatement(ctx, c, dbOf(c), stmtExec, text, argb))
}

func (h dbFuncs) begin(ctx context.Context, mod api.Module, stack []uint64) {
	c := callFrom(ctx)
	ret(stack, dbBegin(ctx, c, dbOf(c), int32(uint32(stack[0]))))
}

func (h dbFuncs) commit(ctx context.Context, mod api.Module, stack []uint64) {
	c := callFrom(ctx)
	ret(stack, dbEnd(ctx, c, dbOf(c), true))
}

func (h dbFuncs) rollback(ctx context.Context, mod api.Module, stack []uint64) {
	c := callFrom(ctx)
	ret(stack, dbEnd(ctx, c, dbOf(c), false))
}

// stmtKind says which import a statement came through.
type stmtKind int

const (
	stmtQuery stmtKind = iota // db_query: a rows result
	stmtExec                  // db_exec: an exec result
	stmtJSON                  // db_query_json: the rows as JSON
)

// dbStatement is db_query, db_exec or db_query_json once the guest's bytes
// are read: it checks and decodes them, runs the statement on the
// request's session, leaves the result in c.slot and returns the import's
// return value.
func dbStatement(ctx context.Context, c *call, adb *appdb.DB, kind stmtKind, text, argb []byte) int32 {
	switch {
	case c == nil || adb == nil:
		return abi.ErrState
	case len(text) > abi.MaxSQL || len(argb) > abi.MaxDBArgs:
		return abi.ErrTooLarge
	}
	args, err := abi.DecodeArgs(argb, nil)
	if err != nil {
		return abi.ErrBadInput
	}
	held := c.run.Suspend() // the statement waits on the database
	defer c.run.Resume(ctx, held)
	s, derr := c.dbSession(ctx, adb)
	switch {
	case derr != nil:
		c.slot = abi.AppendDBError(c.slot[:0], derr)
	case kind == stmtExec:
		c.slot = s.Exec(ctx, c.slot[:0], string(text), args)
	default:
		c.slot = s.Query(ctx, c.slot[:0], string(text), args, kind == stmtJSON)
	}
	return int32(len(c.slot))
}

// dbBegin is db_begin.
func dbBegin(ctx context.Context, c *call, adb *appdb.DB, flags int32) int32 {
	if flags&^abi.TxReadOnly != 0 {
		return abi.ErrBadInput
	}
	return dbTx(ctx, c, adb, func(s *appdb.Session) *abi.DBError { return s.Begin(ctx, flags&abi.TxReadOnly != 0) })
}

// dbEnd is db_commit (commit) or db_rollback.
func dbEnd(ctx context.Context, c *call, adb *appdb.DB, commit bool) int32 {
	return dbTx(ctx, c, adb, func(s *appdb.Session) *abi.DBError { return s.End(ctx, commit) })
}

// dbTx runs one transaction function: 0 on success, else the length of
// the error in the slot.
func dbTx(ctx context.Context, c *call, adb *appdb.DB, f func(*appdb.Session) *abi.DBError) int32 {
	if c == nil || adb == nil {
		return abi.ErrState
	}
	held := c.run.Suspend() // waits on the database
	defer c.run.Resume(ctx, held)
	s, derr := c.dbSession(ctx, adb)
	if derr == nil {
		derr = f(s)
	}
	if derr == nil {
		c.slot = c.slot[:0]
		return 0
	}
	c.slot = abi.AppendDBError(c.slot[:0], derr)
	return int32(len(c.slot))
}

// dbSession returns the request's session, opening the database and taking
// a connection on first use.
func (c *call) dbSession(ctx context.Context, adb *appdb.DB) (*appdb.Session, *abi.DBError) {
	if c.dbs == nil {
		s, derr := adb.Session(ctx)
		if derr != nil {
			return nil, derr
		}
		c.dbs = s
	}
	return c.dbs, nil
}
