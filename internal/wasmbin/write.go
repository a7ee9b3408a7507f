// LEB128 writing, and section framing for a rewriter's output.

package wasmbin

// AppendU32 appends v as unsigned LEB128, padded with continuation bytes to
// width when width is larger than the minimal encoding (Go's linker pads
// section and body sizes to 5 bytes; keeping widths makes an unchanged
// module re-encode byte for byte). Width 0 is the minimal encoding.
func AppendU32(dst []byte, v uint32, width int) []byte {
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

// AppendS32 appends v as signed LEB128, minimal width.
func AppendS32(dst []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(dst, c)
		}
		dst = append(dst, c|0x80)
	}
}

// AppendSection appends a section: its id, its payload's size (with the
// given width, see AppendU32) and the payload.
func AppendSection(dst []byte, id byte, width int, payload []byte) []byte {
	dst = append(dst, id)
	dst = AppendU32(dst, uint32(len(payload)), width)
	return append(dst, payload...)
}
