// Linear memory for QuickJS instances on Linux: the maximum is reserved as
// address space up front (growth never copies; a memory bomb costs only
// what it touched), and a restored instance maps its snapshot copy-on-write
// from a memfd, so it shares every page it does not write.

package pages

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"

	"sandkit.dev/sandkit/internal/linearmem"
)

func reserveAllocator() experimental.MemoryAllocator { return linearmem.New(nil) }

// memImage is a snapshot of linear memory in a sealed memfd, with a
// read-only view of it.
type memImage struct {
	fd   int
	size uint64
	view []byte
}

func newMemImage(mem []byte) (*memImage, error) {
	// Only pages with data are written: the rest stay holes in the memfd,
	// read as zeros and cost no memory (a warmed React app: ~3.7 of 16.8 MB).
	return buildMemImage(uint64(len(mem)), func(w []byte) error {
		for off := 0; off < len(mem); off += pageSize {
			end := min(off+pageSize, len(mem))
			if !allZero(mem[off:end]) {
				copy(w[off:end], mem[off:end])
			}
		}
		return nil
	})
}

// buildMemImage makes an image of size bytes, zeros but for what fill
// writes into w (which it must not keep); fill's error is returned.
func buildMemImage(size uint64, fill func(w []byte) error) (*memImage, error) {
	fd, err := unix.MemfdCreate("sandkit-quickjs-snapshot", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	img := &memImage{fd: fd, size: size}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		img.free()
		return nil, fmt.Errorf("ftruncate memfd: %w", err)
	}
	w, err := unix.Mmap(fd, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		img.free()
		return nil, fmt.Errorf("mmap memfd: %w", err)
	}
	err = fill(w)
	_ = unix.Munmap(w)
	if err != nil {
		img.free()
		return nil, err
	}
	// No one may change the image under the instances mapping it.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL); err != nil {
		img.free()
		return nil, fmt.Errorf("sealing memfd: %w", err)
	}
	if img.view, err = unix.Mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_PRIVATE); err != nil {
		img.free()
		return nil, fmt.Errorf("mmap memfd: %w", err)
	}
	return img, nil
}

// allocator returns the allocator that maps the image copy-on-write.
func (img *memImage) allocator() experimental.MemoryAllocator {
	return linearmem.New(&linearmem.Image{FD: img.fd, Size: img.size})
}

// mapped says whether instances from allocator() already hold the image.
func (img *memImage) mapped() bool { return true }

// revert discards every page of mem (a memory from allocator(), as large
// as the image) that was written since it was mapped: the kernel drops the
// private copies, and the next access maps the image's page again. It is
// the fallback of revertWritten: correct whatever the kernel lets us read,
// but the next render takes a page fault for every page it touches (+4%
// on the React benchmark page, against +0–2% for revertWritten).
func (img *memImage) revert(mem []byte) error {
	if uint64(len(mem)) != img.size {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.size)
	}
	if err := unix.Madvise(mem, unix.MADV_DONTNEED); err != nil {
		return fmt.Errorf("madvise(MADV_DONTNEED): %w", err)
	}
	return nil
}

func (img *memImage) free() {
	if img.view != nil {
		_ = unix.Munmap(img.view)
		img.view = nil
	}
	if img.fd >= 0 {
		_ = unix.Close(img.fd)
		img.fd = -1
	}
}

// pagemap reads the kernel's page table entries of this process
// (/proc/self/pagemap: 8 bytes per 4 KiB page of address space).
var pagemap struct {
	once sync.Once
	f    *os.File
	err  error
}

// Bits of a pagemap entry (Documentation/admin-guide/mm/pagemap.rst).
const (
	pmPresent = 1 << 63
	pmSwapped = 1 << 62
	pmFile    = 1 << 61 // a page-cache page (here: the image's), not a private copy
)

// openPagemap opens /proc/self/pagemap and checks, once, that it shows a
// page written in a private mapping of a memfd as a private copy: a system
// whose pagemap says less (an emulated /proc) would make revertWritten
// skip written pages, so there it is not used.
func openPagemap() {
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		pagemap.err = err
		return
	}
	if err := probePagemap(f); err != nil {
		f.Close()
		pagemap.err = fmt.Errorf("%s cannot be trusted: %w", f.Name(), err)
		return
	}
	pagemap.f = f
}

func probePagemap(f *os.File) error {
	fd, err := unix.MemfdCreate("sandkit-pagemap-probe", unix.MFD_CLOEXEC)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Ftruncate(fd, 2*pageSize); err != nil {
		return err
	}
	m, err := unix.Mmap(fd, 0, 2*pageSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE)
	if err != nil {
		return err
	}
	defer unix.Munmap(m)
	m[pageSize] = 1 // the second page becomes a private copy; the first is never touched
	var entries [16]byte
	if _, err := f.ReadAt(entries[:], int64(uintptr(unsafe.Pointer(&m[0]))/pageSize*8)); err != nil {
		return err
	}
	untouched, written := binary.LittleEndian.Uint64(entries[:8]), binary.LittleEndian.Uint64(entries[8:])
	if written&pmPresent == 0 || written&pmFile != 0 || untouched&pmPresent != 0 {
		return fmt.Errorf("entries %#x (untouched) and %#x (written) of a private memfd mapping", untouched, written)
	}
	return nil
}

// revertWritten copies the image back over exactly the pages of mem that
// hold a private copy (every page written since the memory was mapped, or
// swapped out after it was): any other page is either the image's own
// page-cache page (the memfd is sealed, so it holds the image) or not
// mapped, and then reads as the image. Unlike revert, the pages stay
// mapped, so the next render takes no page faults for them; the price is
// one read of 8 bytes per page of the kernel's page table and a copy of the
// pages renders have written so far.
func (img *memImage) revertWritten(mem []byte) error {
	if uint64(len(mem)) != img.size || len(mem)%pageSize != 0 {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.size)
	}
	pagemap.once.Do(openPagemap)
	if pagemap.err != nil {
		return pagemap.err
	}
	n := len(mem) / pageSize
	entries := make([]byte, 8*n)
	off := int64(uintptr(unsafe.Pointer(&mem[0])) / pageSize * 8)
	if _, err := pagemap.f.ReadAt(entries, off); err != nil {
		return fmt.Errorf("reading %s: %w", pagemap.f.Name(), err)
	}
	for i := 0; i < n; {
		if e := binary.LittleEndian.Uint64(entries[8*i:]); e&pmFile != 0 || e&(pmPresent|pmSwapped) == 0 {
			i++
			continue
		}
		j := i + 1
		for ; j < n; j++ {
			if e := binary.LittleEndian.Uint64(entries[8*j:]); e&pmFile != 0 || e&(pmPresent|pmSwapped) == 0 {
				break
			}
		}
		copy(mem[i*pageSize:j*pageSize], img.view[i*pageSize:j*pageSize])
		i = j
	}
	return nil
}
