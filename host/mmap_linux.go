// Linear memory reserved up front with mmap, so growing it never copies and
// freeing it returns the pages to the system at once.

package host

import (
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/sys/unix"
)

// memoryAllocator returns the allocator instances are created with; nil
// means wazero's default.
func memoryAllocator() experimental.MemoryAllocator { return mmapAllocator{} }

// mmapAllocator reserves each memory's maximum size as PROT_NONE address
// space and makes pages readable and writable as the guest grows into them.
type mmapAllocator struct{}

func (mmapAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	if max == 0 {
		max = 65536 // wazero asks for 0 only for empty memories; keep one page reservable
	}
	buf, err := unix.Mmap(-1, 0, int(max), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return &failedMemory{}
	}
	return &mmapMemory{buf: buf}
}

type mmapMemory struct {
	buf       []byte // the whole reservation
	committed uint64 // bytes made readable and writable
}

func (m *mmapMemory) Reallocate(size uint64) []byte {
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

func (m *mmapMemory) Free() {
	if m.buf != nil {
		_ = unix.Munmap(m.buf)
		m.buf = nil
	}
}

// failedMemory is what a failed reservation returns: it can never grow, so
// instantiation fails cleanly instead of panicking.
type failedMemory struct{}

func (*failedMemory) Reallocate(size uint64) []byte {
	if size == 0 {
		return []byte{}
	}
	return nil
}
func (*failedMemory) Free() {}
