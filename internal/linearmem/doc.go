// Package linearmem gives wazero instances linear memory reserved up front
// with mmap: the maximum size is reserved as address space (PROT_NONE,
// MAP_NORESERVE) and pages become readable and writable as the guest grows
// into them, so growth never copies and a memory bomb costs only what it
// touched. Optionally an image (a sealed memfd holding a snapshot of an
// instance's memory) is mapped copy-on-write over the start of the
// reservation, so a restored instance shares every page it does not write.
//
// Use it through wazero's experimental allocator hook:
//
//	ctx = experimental.WithMemoryAllocator(ctx, linearmem.New(nil))
//	mod, err := runtime.InstantiateModule(ctx, compiled, config)
//
// On systems other than Linux, New returns nil: wazero's default allocator.
package linearmem
