// Linux: mmap reservations, mprotect growth, memfd images.

package linearmem

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// Image is memory to start from: Size bytes of the file FD (a memfd the
// caller keeps open, sealed against writes), mapped privately.
type Image struct {
	FD   int
	Size uint64

	view []byte // NewImage's read-only mapping
}

// New returns an allocator that reserves each memory's maximum and, when
// img is not nil, maps img over its start.
func New(img *Image) experimental.MemoryAllocator { return allocator{img} }

type allocator struct{ img *Image }

func (a allocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max == 0 {
		max = 65536 // wazero asks for 0 only for empty memories; keep one page reservable
	}
	buf, err := unix.Mmap(-1, 0, int(max), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return &failed{}
	}
	m := &memory{buf: buf}
	if a.img != nil && a.img.Size <= max && a.img.Size > 0 {
		_, err := unix.MmapPtr(a.img.FD, 0, unsafe.Pointer(&buf[0]), uintptr(a.img.Size),
			unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_FIXED)
		if err != nil {
			_ = unix.Munmap(buf)
			return &failed{}
		}
		m.committed = a.img.Size
	}
	return m
}

type memory struct {
	buf       []byte // the whole reservation
	committed uint64 // bytes readable and writable
}

func (m *memory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.buf)) {
		return nil
	}
	if size > m.committed {
		if err := unix.Mprotect(m.buf[m.committed:size], unix.PROT_READ|unix.PROT_WRITE); err != nil {
			return nil
		}
		m.committed = size
	}
	return m.buf[:size:size]
}

func (m *memory) Free() {
	if m.buf != nil {
		_ = unix.Munmap(m.buf)
		m.buf = nil
	}
}

// failed is what a failed reservation returns: it can never grow, so
// instantiation fails cleanly instead of panicking.
type failed struct{}

func (*failed) Reallocate(size uint64) []byte {
	if size == 0 {
		return []byte{}
	}
	return nil
}
func (*failed) Free() {}

// NewImage makes an image of size bytes in a sealed memfd: zeros but for
// what fill writes into w (which it must not keep). Pages fill leaves
// untouched stay holes in the memfd and cost no memory. Close it once no
// memory maps it any more.
func NewImage(size uint64, fill func(w []byte) error) (*Image, error) {
	fd, err := unix.MemfdCreate("sandkit-snapshot", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	img := &Image{FD: fd, Size: size}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		img.Close()
		return nil, fmt.Errorf("ftruncate memfd: %w", err)
	}
	if size > 0 {
		w, err := unix.Mmap(fd, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			img.Close()
			return nil, fmt.Errorf("mmap memfd: %w", err)
		}
		err = fill(w)
		_ = unix.Munmap(w)
		if err != nil {
			img.Close()
			return nil, err
		}
	}
	// No one may change the image under the memories mapping it.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL); err != nil {
		img.Close()
		return nil, fmt.Errorf("sealing memfd: %w", err)
	}
	if size > 0 {
		if img.view, err = unix.Mmap(fd, 0, int(size), unix.PROT_READ, unix.MAP_PRIVATE); err != nil {
			img.Close()
			return nil, fmt.Errorf("mmap memfd: %w", err)
		}
	}
	return img, nil
}

// View is the image's bytes, read-only (nil for an Image not made by
// NewImage).
func (img *Image) View() []byte { return img.view }

// Close releases an image NewImage made. Memories mapping it keep their
// mapping.
func (img *Image) Close() {
	if img.view != nil {
		_ = unix.Munmap(img.view)
		img.view = nil
	}
	if img.FD >= 0 {
		_ = unix.Close(img.FD)
		img.FD = -1
	}
}

// Maps says whether New maps images: true on Linux.
const Maps = true

// Revert returns mem, a memory New(img) allocated and exactly as large as
// the image, to the image's contents. Where the kernel's page table can be
// read (/proc/self/pagemap, checked once), the image is copied back over
// exactly the pages written since they were mapped, which stay mapped, so
// the next run takes no page faults for them; elsewhere the kernel drops
// the written pages (MADV_DONTNEED) and the next access maps the image's
// page again. The memfd is sealed, so either way that is the image as made.
func (img *Image) Revert(mem []byte) error {
	if uint64(len(mem)) != img.Size {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.Size)
	}
	if len(mem) == 0 {
		return nil
	}
	if img.view != nil && img.RevertWritten(mem) == nil {
		return nil
	}
	return img.DropWritten(mem)
}

// DropWritten is Revert's fallback, alone: the kernel drops mem's private
// pages (MADV_DONTNEED), and the next access to each maps the image's page
// again, at the price of a page fault.
func (img *Image) DropWritten(mem []byte) error {
	if uint64(len(mem)) != img.Size {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.Size)
	}
	if len(mem) == 0 {
		return nil
	}
	if err := unix.Madvise(mem, unix.MADV_DONTNEED); err != nil {
		return fmt.Errorf("madvise(MADV_DONTNEED): %w", err)
	}
	return nil
}

// entriesPool holds buffers for the page table entries RevertWritten reads.
var entriesPool = sync.Pool{New: func() any { return new([]byte) }}

// pageSize is the kernel's page.
const pageSize = 4096

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
// whose pagemap says less (an emulated /proc) would make RevertWritten
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

// RevertWritten is Revert's first way, alone: it copies the image back
// over exactly the pages of mem that hold a private copy (every page
// written since the memory was mapped, or swapped out after it was): any
// other page is either the image's own page-cache page (the memfd is
// sealed, so it holds the image) or not mapped, and then reads as the
// image. Unlike DropWritten, the pages stay mapped, so the next run takes
// no page faults for them; the price is one read of 8 bytes per page of
// the kernel's page table and a copy of the pages written so far (a page
// copied back stays private). It fails where /proc/self/pagemap cannot be
// read or trusted.
func (img *Image) RevertWritten(mem []byte) error {
	if uint64(len(mem)) != img.Size || len(mem)%pageSize != 0 {
		return fmt.Errorf("memory of %d bytes, image of %d", len(mem), img.Size)
	}
	pagemap.once.Do(openPagemap)
	if pagemap.err != nil {
		return pagemap.err
	}
	n := len(mem) / pageSize
	bp := entriesPool.Get().(*[]byte)
	defer entriesPool.Put(bp)
	if cap(*bp) < 8*n {
		*bp = make([]byte, 8*n)
	}
	entries := (*bp)[:8*n]
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
