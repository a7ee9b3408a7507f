// Linux: mmap reservations, mprotect growth, memfd images.

package linearmem

import (
	"fmt"
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
func NewImage(size uint64, fill func(w []byte)) (*Image, error) {
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
		fill(w)
		_ = unix.Munmap(w)
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
