// Images of a memory: only the pages that hold data are written, so an
// image costs what its memory uses.

package linearmem

import "encoding/binary"

// ImageOf makes an image holding a copy of mem. Only its non-zero 4 KiB
// pages are written: the others stay holes in the memfd (Linux), read as
// zeros and cost no memory.
func ImageOf(mem []byte) (*Image, error) {
	return NewImage(uint64(len(mem)), func(w []byte) error {
		const page = 4096
		for off := 0; off < len(mem); off += page {
			end := min(off+page, len(mem))
			if !AllZero(mem[off:end]) {
				copy(w[off:end], mem[off:end])
			}
		}
		return nil
	})
}

// AllZero says whether b holds only zero bytes (a page an image can leave
// a hole).
func AllZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
