//go:build !wasip1

// A native stand-in for the password imports, for go test outside wasm: the
// same code the host runs (internal/password), with the same parameters,
// bounds and answers, so hashes made in tests verify in the host and back.

package auth

import (
	"errors"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/password"
)

func hostPasswordHash(pw string) (string, int32) {
	if len(pw) > abi.MaxPassword {
		return "", abi.ErrTooLarge
	}
	h, err := password.New([]byte(pw))
	if err != nil {
		return "", abi.ErrUnexpected
	}
	return h, int32(len(h))
}

func hostPasswordVerify(hash, pw string) int32 {
	if len(pw) > abi.MaxPassword {
		return abi.ErrTooLarge
	}
	h, err := password.Parse(hash)
	switch {
	case errors.Is(err, password.ErrOverLimit):
		return abi.ErrTooLarge
	case err != nil:
		return abi.ErrBadInput
	case h.Verify([]byte(pw)):
		return 1
	}
	return 0
}

func hostPasswordParams() (string, int32) {
	p := password.Prefix()
	return p, int32(len(p))
}
