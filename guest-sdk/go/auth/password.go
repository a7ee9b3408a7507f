// Passwords: hashed and verified by the host (spec/abi.md §5, "Passwords"),
// natively and at parameters the host chooses, as self-describing PHC
// strings so the parameters can change and old hashes still verify.

package auth

import (
	"errors"
	"strings"

	"sandkit.dev/sandkit/abi"
)

// MaxPasswordBytes bounds a password; longer ones are refused by
// [HashPassword] and never match in [CheckPassword] (hashing megabytes
// would let one request burn the CPU).
const MaxPasswordBytes = abi.MaxPassword

// ErrPasswordTooLong is returned for a password over [MaxPasswordBytes].
var ErrPasswordTooLong = errors.New("sandkit auth: password longer than 1024 bytes")

var (
	errBadHash  = errors.New("sandkit auth: not an argon2id or bcrypt password hash")
	errHashCost = errors.New("sandkit auth: the password hash's parameters are over the host's bounds (argon2id: 64 MiB, 4 lanes, memory × passes 192 MiB; bcrypt: cost 12)")
)

// HashPassword returns the argon2id hash of password as a PHC string,
// made by the host at its parameters (today 19 MiB, 2 passes, 1 lane):
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   (base64, no padding)
//
// Store it as it is; [CheckPassword] reads the parameters from it. The
// hash runs natively in the host, not in the guest's memory; it counts as
// the app's CPU time.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	h, n := hostPasswordHash(password)
	if n < 0 {
		return "", hostError("password_hash", n)
	}
	return h, nil
}

// CheckPassword reports whether password matches hash, an argon2id PHC
// string (up to 64 MiB, 4 lanes, and memory × passes 192 MiB) or a bcrypt
// hash ($2a$, $2b$, $2y$; cost up to 12), so hashes imported from
// another framework keep working. The host verifies it natively. A
// malformed hash, or one whose parameters are over those bounds, is an
// error; a wrong password is false, nil.
func CheckPassword(hash, password string) (bool, error) {
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	switch n := hostPasswordVerify(hash, password); {
	case n == 1:
		return true, nil
	case n == 0:
		return false, nil
	case n == abi.ErrBadInput:
		return false, errBadHash
	case n == abi.ErrTooLarge:
		return false, errHashCost
	default:
		return false, hostError("password_verify", n)
	}
}

// NeedsRehash reports whether hash was made with other parameters than
// [HashPassword] uses now (or with bcrypt): after a successful login, hash
// the password again and store the new hash.
func NeedsRehash(hash string) bool {
	prefix, n := hostPasswordParams()
	return n >= 0 && !strings.HasPrefix(hash, prefix)
}

// hostError is the error of a password import that returned code n.
func hostError(name string, n int32) error {
	switch n {
	case abi.ErrState:
		return errors.New("sandkit auth: " + name + " outside a request")
	case abi.ErrTooLarge:
		return ErrPasswordTooLong
	default:
		return errors.New("sandkit auth: " + name + " failed in the host (the request's deadline passed, or the host could not hash)")
	}
}
