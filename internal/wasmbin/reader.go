// Reader: bounds-checked reading of wasm binary bytes (bytes, LEB128,
// names, vector counts).

package wasmbin

import (
	"errors"
	"fmt"
)

// ErrEOF is wrapped by every error a read past the end of the input returns.
var ErrEOF = errors.New("unexpected end of input")

// Reader walks a byte slice. base is the offset of b[0] in the whole module,
// so error messages can point at the byte a person would look at in a hex
// dump.
type Reader struct {
	b    []byte
	pos  int
	base int
}

// NewReader reads b, whose first byte is at offset base in the module.
func NewReader(b []byte, base int) *Reader { return &Reader{b: b, base: base} }

// Off is the module offset of the next unread byte.
func (r *Reader) Off() int { return r.base + r.pos }

// OffAt is the module offset of position pos of the reader's slice.
func (r *Reader) OffAt(pos int) int { return r.base + pos }

// Pos is the position of the next unread byte in the reader's slice.
func (r *Reader) Pos() int { return r.pos }

// Len is the length of the reader's slice.
func (r *Reader) Len() int { return len(r.b) }

// Remaining is the number of unread bytes.
func (r *Reader) Remaining() int { return len(r.b) - r.pos }

// Done reports whether every byte has been read.
func (r *Reader) Done() bool { return r.pos >= len(r.b) }

// Since returns the bytes read from position start (a value of Pos) up to
// now: the encoding of what was just read, to copy it unchanged.
func (r *Reader) Since(start int) []byte { return r.b[start:r.pos] }

// Rest returns the unread bytes and marks them read.
func (r *Reader) Rest() []byte {
	s := r.b[r.pos:]
	r.pos = len(r.b)
	return s
}

// Peek returns the next byte without reading it; ok is false at the end.
func (r *Reader) Peek() (c byte, ok bool) {
	if r.pos >= len(r.b) {
		return 0, false
	}
	return r.b[r.pos], true
}

// Byte reads one byte.
func (r *Reader) Byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.Errorf("%w", ErrEOF)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// Bytes returns the next n bytes, a sub-slice of the input.
func (r *Reader) Bytes(n uint32) ([]byte, error) {
	if uint64(n) > uint64(r.Remaining()) {
		return nil, r.Errorf("%w: need %d bytes, have %d", ErrEOF, n, r.Remaining())
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, nil
}

// U32 reads an unsigned LEB128 of at most 5 bytes and also returns how many
// bytes it took, so a rewrite can keep the original (possibly padded) width.
func (r *Reader) U32() (v uint32, width int, err error) {
	start := r.pos
	var shift uint
	for {
		if r.pos >= len(r.b) {
			return 0, 0, r.Errorf("%w in LEB128", ErrEOF)
		}
		c := r.b[r.pos]
		r.pos++
		if shift == 28 && c&0x70 != 0 {
			return 0, 0, r.Errorf("u32 LEB128 overflows 32 bits")
		}
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, r.pos - start, nil
		}
		shift += 7
		if shift > 28 {
			return 0, 0, r.Errorf("u32 LEB128 longer than 5 bytes")
		}
	}
}

// Count reads a vector length and checks that at least minSize bytes per
// element remain, so a hostile count cannot drive a long loop or an
// allocation.
func (r *Reader) Count(minSize int) (n uint32, width int, err error) {
	n, width, err = r.U32()
	if err != nil {
		return 0, 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(r.Remaining()) {
		return 0, 0, r.Errorf("count %d exceeds the %d bytes that remain", n, r.Remaining())
	}
	return n, width, nil
}

// LEB reads a signed or unsigned LEB128 of at most maxBytes bytes and
// returns its value's sign-extended low 64 bits: enough to skip any integer
// immediate and to read s33 block types and s32 constants.
func (r *Reader) LEB(maxBytes int) (int64, error) {
	var v int64
	var shift uint
	for i := 0; i < maxBytes; i++ {
		if r.pos >= len(r.b) {
			return 0, r.Errorf("%w in LEB128", ErrEOF)
		}
		c := r.b[r.pos]
		r.pos++
		if shift < 64 {
			v |= int64(c&0x7f) << shift
		}
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
	return 0, r.Errorf("LEB128 longer than %d bytes", maxBytes)
}

// Name reads a length-prefixed byte string.
func (r *Reader) Name() ([]byte, error) {
	n, _, err := r.U32()
	if err != nil {
		return nil, err
	}
	return r.Bytes(n)
}

// Limits reads the limits of a memory or table: the flags byte, the minimum
// and, when flags&1, the maximum. Flags past the memory64/shared bits are
// refused.
func (r *Reader) Limits() (flags byte, min, max uint64, err error) {
	if flags, err = r.Byte(); err != nil {
		return 0, 0, 0, err
	}
	if flags > 7 {
		return 0, 0, 0, r.Errorf("unknown limits flags %#x", flags)
	}
	v, err := r.LEB(10)
	if err != nil {
		return 0, 0, 0, err
	}
	min = uint64(v)
	if flags&1 != 0 {
		if v, err = r.LEB(10); err != nil {
			return 0, 0, 0, err
		}
		max = uint64(v)
	}
	return flags, min, max, nil
}

// Errorf returns an error that says at which module offset it happened.
func (r *Reader) Errorf(format string, args ...any) error {
	return fmt.Errorf("offset %#x: %w", r.Off(), fmt.Errorf(format, args...))
}
