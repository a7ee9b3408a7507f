// WASI: the wasi_snapshot_preview1 functions guests get — wazero's, but for
// the three that change the descriptor table, which keep it as
// instantiation made it.

package host

import (
	"context"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// WASI errno values (wasi_snapshot_preview1's errno type).
const (
	errnoBadf   = 8
	errnoNotsup = 58
)

// instantiateWASI instantiates WASI on rt. A guest has no files and no
// sockets: its descriptors are stdin, stdout and stderr and nothing can
// open another (no preopened directory, no listener). fd_close,
// fd_renumber and fd_fdstat_set_flags are the only calls that would change
// that table; here they answer notsup for those three and badf for any
// other number, so the table is state no call changes, and an instance's
// memory and globals are all a reset must restore (isolation.go).
func instantiateWASI(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	refuse := func(fd uint32) uint32 {
		if fd <= 2 {
			return errnoNotsup
		}
		return errnoBadf
	}
	b.NewFunctionBuilder().WithFunc(func(_ context.Context, _ api.Module, fd uint32) uint32 {
		return refuse(fd)
	}).WithParameterNames("fd").Export("fd_close")
	b.NewFunctionBuilder().WithFunc(func(_ context.Context, _ api.Module, fd, to uint32) uint32 {
		return refuse(fd)
	}).WithParameterNames("fd", "to").Export("fd_renumber")
	b.NewFunctionBuilder().WithFunc(func(_ context.Context, _ api.Module, fd, flags uint32) uint32 {
		return refuse(fd)
	}).WithParameterNames("fd", "flags").Export("fd_fdstat_set_flags")
	_, err := b.Instantiate(ctx)
	return err
}
