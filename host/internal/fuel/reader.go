// Bounds-checked reading and LEB128 writing of wasm binary bytes.
//
// Everything here reads untrusted input: every read checks the bytes that
// remain, and no read allocates from a count the input declares.

package fuel

import (
	"errors"
	"fmt"
)

var errEOF = errors.New("unexpected end of input")

// reader walks a byte slice. base is the offset of b[0] in the whole module,
// so error messages can point at the byte a person would look at in a hex
// dump.
type reader struct {
	b    []byte
	pos  int
	base int
}

func newReader(b []byte, base int) *reader { return &reader{b: b, base: base} }

// off is the module offset of the next unread byte.
func (r *reader) off() int { return r.base + r.pos }

func (r *reader) remaining() int { return len(r.b) - r.pos }

func (r *reader) done() bool { return r.pos >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.errorf("%w", errEOF)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// bytes returns the next n bytes, a sub-slice of the input.
func (r *reader) bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(r.remaining()) {
		return nil, r.errorf("%w: need %d bytes, have %d", errEOF, n, r.remaining())
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// u32 reads an unsigned LEB128 of at most 5 bytes and also returns how many
// bytes it took, so a rewrite can keep the original (possibly padded) width.
func (r *reader) u32() (v uint32, width int, err error) {
	start := r.pos
	var shift uint
	for {
		if r.pos >= len(r.b) {
			return 0, 0, r.errorf("%w in LEB128", errEOF)
		}
		c := r.b[r.pos]
		r.pos++
		if shift == 28 && c&0x70 != 0 {
			return 0, 0, r.errorf("u32 LEB128 overflows 32 bits")
		}
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, r.pos - start, nil
		}
		shift += 7
		if shift > 28 {
			return 0, 0, r.errorf("u32 LEB128 longer than 5 bytes")
		}
	}
}

// count reads a vector length and checks that at least minSize bytes per
// element remain, so a hostile count cannot drive a long loop or an
// allocation.
func (r *reader) count(minSize int) (uint32, int, error) {
	n, w, err := r.u32()
	if err != nil {
		return 0, 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(r.remaining()) {
		return 0, 0, r.errorf("count %d exceeds the %d bytes that remain", n, r.remaining())
	}
	return n, w, nil
}

// skipLEB skips a signed or unsigned LEB128 of at most maxBytes bytes and
// returns its value's sign-extended low 64 bits (enough for s33 block types).
func (r *reader) skipLEB(maxBytes int) (int64, error) {
	var v int64
	var shift uint
	for i := 0; i < maxBytes; i++ {
		if r.pos >= len(r.b) {
			return 0, r.errorf("%w in LEB128", errEOF)
		}
		c := r.b[r.pos]
		r.pos++
		v |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
	return 0, r.errorf("LEB128 longer than %d bytes", maxBytes)
}

// name reads a length-prefixed byte string.
func (r *reader) name() ([]byte, error) {
	n, _, err := r.u32()
	if err != nil {
		return nil, err
	}
	return r.bytes(n)
}

func (r *reader) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %#x: %w", r.off(), fmt.Errorf(format, args...))
}

// appendU32 appends v as unsigned LEB128, padded with continuation bytes to
// width when width is larger than the minimal encoding (Go's linker pads
// section and body sizes to 5 bytes; keeping widths makes an unchanged
// module re-encode byte for byte).
func appendU32(dst []byte, v uint32, width int) []byte {
	if width > 5 {
		width = 5
	}
	for i := 1; ; i++ {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 || i < width {
			dst = append(dst, c|0x80)
			continue
		}
		return append(dst, c)
	}
}

// appendS32 appends v as signed LEB128, minimal width.
func appendS32(dst []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(dst, c)
		}
		dst = append(dst, c|0x80)
	}
}
