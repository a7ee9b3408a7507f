// Fuzzing the imports check with any bytes as a module.

package registry

import (
	"testing"
)

func FuzzCheckImports(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x0e\x01\x03env\x06system\x00\x00"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x1a\x01\x07sandkit\x0bresult_read\x00\x00"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x0c\x01\x03env\x03mem\x02\x00\x01"))
	f.Fuzz(func(t *testing.T, wasm []byte) {
		checkImports(wasm) // must return, whatever the bytes
	})
}
