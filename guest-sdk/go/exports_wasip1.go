//go:build wasip1

// Reactor exports: the sandkit_* functions of spec/abi.md §2.

package sandkit

import (
	"unsafe"

	"sandkit.dev/sandkit/abi"
)

//go:wasmexport sandkit_abi_version
func exportABIVersion() int32 { return abi.Version }

//go:wasmexport sandkit_alloc
func exportAlloc(size int32) uint32 {
	if size < 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(allocArena(int(size))))))
}

//go:wasmexport sandkit_handle
func exportHandle(headLen int32) int32 { return handle(headLen) }
