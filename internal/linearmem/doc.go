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
// An image is made with NewImage or ImageOf, and a memory mapping it is put
// back to the image's contents with Revert, which copies the image back
// over only the pages written since (read from /proc/self/pagemap), so the
// next run takes no page faults for them:
//
//	img, err := linearmem.ImageOf(snapshotBytes)
//	ctx = experimental.WithMemoryAllocator(ctx, linearmem.New(img))
//	mod, err := runtime.InstantiateModule(ctx, compiled, config)
//	... // run the instance
//	buf, _ := mod.Memory().Read(0, mod.Memory().Size())
//	err = img.Revert(buf) // as large as the image: memory that grew cannot be reverted
//
// On systems other than Linux, New returns nil: wazero's default allocator;
// an image is then a copy in the Go heap that a memory is written from
// (Maps is false).
package linearmem
