//go:build wasip1

// Host imports: the db_* functions of spec/abi.md §9 and result_read.

package db

import (
	"syscall"
	"unsafe"

	"sandkit.dev/sandkit/abi"
)

//go:wasmimport sandkit db_query
//go:noescape
func importDBQuery(sqlPtr unsafe.Pointer, sqlLen int32, argsPtr unsafe.Pointer, argsLen int32) int32

//go:wasmimport sandkit db_exec
//go:noescape
func importDBExec(sqlPtr unsafe.Pointer, sqlLen int32, argsPtr unsafe.Pointer, argsLen int32) int32

//go:wasmimport sandkit db_query_json
//go:noescape
func importDBQueryJSON(sqlPtr unsafe.Pointer, sqlLen int32, argsPtr unsafe.Pointer, argsLen int32) int32

//go:wasmimport sandkit db_begin
func importDBBegin(flags int32) int32

//go:wasmimport sandkit db_commit
func importDBCommit() int32

//go:wasmimport sandkit db_rollback
func importDBRollback() int32

//go:wasmimport sandkit result_read
//go:noescape
func importResultRead(ptr unsafe.Pointer, n int32) int32

// hostCall runs one database import and returns its result: a length
// (the result waits in the slot) or a negative code.
func hostCall(op op, query string, args []byte, flags int32) int32 {
	switch op {
	case opQuery:
		return importDBQuery(unsafe.Pointer(unsafe.StringData(query)), int32(len(query)), unsafe.Pointer(unsafe.SliceData(args)), int32(len(args)))
	case opQueryJSON:
		return importDBQueryJSON(unsafe.Pointer(unsafe.StringData(query)), int32(len(query)), unsafe.Pointer(unsafe.SliceData(args)), int32(len(args)))
	case opExec:
		return importDBExec(unsafe.Pointer(unsafe.StringData(query)), int32(len(query)), unsafe.Pointer(unsafe.SliceData(args)), int32(len(args)))
	case opBegin:
		return importDBBegin(flags)
	case opCommit:
		return importDBCommit()
	case opRollback:
		return importDBRollback()
	}
	return abi.ErrBadInput
}

func hostResultRead(p []byte) int32 {
	return importResultRead(unsafe.Pointer(unsafe.SliceData(p)), int32(len(p)))
}

// engine reads the variable the host puts in every instance's environment.
func engine() string {
	v, _ := syscall.Getenv(abi.EnvDatabaseEngine)
	return v
}
