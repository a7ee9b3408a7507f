// Linux: mmap reservations, mprotect growth, memfd images.

package linearmem

import (
	"unsafe"

	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// Image is memory to start from: Size bytes of the file FD (a memfd the
// caller keeps open, sealed against writes), mapped privately.
type Image struct {
	FD   int
	Size uint64
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
