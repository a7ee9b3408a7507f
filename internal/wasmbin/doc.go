// Package wasmbin reads and writes the WebAssembly binary format at the
// level both of sandkit's module rewriters need: the fuel instrumentation
// (host/internal/fuel) and the QuickJS load-time rewrite (pages). It is the
// one copy of LEB128 decoding, bounds-checked byte reading and section
// splitting in the repository.
//
// Everything here reads untrusted input: every read checks the bytes that
// remain, and no read allocates from a count the input declares.
//
//	secs, err := wasmbin.Sections(module)
//	for _, s := range secs {
//		r := wasmbin.NewReader(s.Payload, s.Off)
//		n, _, err := r.Count(1) // a vector of at least one byte per entry
//		...
//	}
//
// Errors carry the module offset of the byte that was being read, so a
// person can find it in a hex dump.
package wasmbin
