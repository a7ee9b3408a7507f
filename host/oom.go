// Out of memory: telling a guest that trapped for want of memory from other
// traps, so that its log record and its 500 name the limit to raise.

package host

import (
	"bytes"
	"strconv"
)

// isOutOfMemoryLine reports whether a line of guest output is the Go
// runtime's report that it could not grow its heap ("runtime: out of
// memory: cannot allocate …", then "fatal error: out of memory"), which
// ends in a trap. The Go runtime writes it when memory.grow fails, which
// can be well below the limit when one allocation is large.
func isOutOfMemoryLine(line []byte) bool {
	return bytes.HasPrefix(line, []byte("fatal error: out of memory")) ||
		bytes.HasPrefix(line, []byte("runtime: out of memory"))
}

// outOfMemoryMessage says that the guest ran out of memory under a limit
// of pages 64 KiB pages, and which setting raises it.
func outOfMemoryMessage(pages uint32) string {
	size := strconv.FormatUint(uint64(pages)*64, 10) + " KiB"
	if pages%16 == 0 {
		size = strconv.FormatUint(uint64(pages)/16, 10) + " MiB"
	}
	return "the guest ran out of memory: limits.memory_pages = " + strconv.FormatUint(uint64(pages), 10) +
		" (" + size + "); raise it in sandkit.toml's [limits] if the app needs more"
}
