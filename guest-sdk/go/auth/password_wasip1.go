//go:build wasip1

// Host imports: the password functions of spec/abi.md §5 and result_read.

package auth

import "unsafe"

//go:wasmimport sandkit password_hash
//go:noescape
func importPasswordHash(ptr unsafe.Pointer, n int32) int32

//go:wasmimport sandkit password_verify
//go:noescape
func importPasswordVerify(hashPtr unsafe.Pointer, hashLen int32, pwPtr unsafe.Pointer, pwLen int32) int32

//go:wasmimport sandkit password_params
func importPasswordParams() int32

//go:wasmimport sandkit result_read
//go:noescape
func importResultRead(ptr unsafe.Pointer, n int32) int32

// hostPasswordHash is password_hash: the PHC string and its length, or
// "" and the import's error code.
func hostPasswordHash(pw string) (string, int32) {
	return result(importPasswordHash(unsafe.Pointer(unsafe.StringData(pw)), int32(len(pw))))
}

// hostPasswordVerify is password_verify: 1, 0 or an error code.
func hostPasswordVerify(hash, pw string) int32 {
	return importPasswordVerify(unsafe.Pointer(unsafe.StringData(hash)), int32(len(hash)),
		unsafe.Pointer(unsafe.StringData(pw)), int32(len(pw)))
}

// hostPasswordParams is password_params: the prefix of new hashes.
func hostPasswordParams() (string, int32) { return result(importPasswordParams()) }

// result copies a result of n bytes out of the result slot; a negative n
// is returned as it is.
func result(n int32) (string, int32) {
	if n <= 0 {
		return "", n
	}
	b := make([]byte, n)
	if importResultRead(unsafe.Pointer(unsafe.SliceData(b)), n) != n {
		return "", -5 // abi.ErrUnexpected
	}
	return string(b), n
}
