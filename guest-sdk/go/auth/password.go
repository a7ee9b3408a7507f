// Passwords: hashed with argon2id at parameters that fit a guest's memory,
// stored as self-describing PHC strings so the parameters can change and
// old hashes still verify.

package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// The argon2id parameters of new hashes: OWASP's second recommendation
// (19 MiB, 2 passes, 1 lane), which fits the default 64 MiB guest where
// 64 MiB does not; spec/RATIONALE.md ("Password hashing in the guest")
// has the measurements.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// MaxPasswordBytes bounds a password; longer ones are refused by
// [HashPassword] and never match in [CheckPassword] (hashing megabytes
// would let one request burn the CPU).
const MaxPasswordBytes = 1024

// ErrPasswordTooLong is returned for a password over [MaxPasswordBytes].
var ErrPasswordTooLong = errors.New("sandkit auth: password longer than 1024 bytes")

// HashPassword returns the argon2id hash of password as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   (base64, no padding)
//
// Store it as it is; [CheckPassword] reads the parameters from it.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches hash, an argon2id PHC
// string (any parameters up to 64 MiB) or a bcrypt hash ($2a$, $2b$,
// $2y$), so hashes imported from another framework keep working. A
// malformed hash is an error; a wrong password is false, nil.
func CheckPassword(hash, password string) (bool, error) {
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	if strings.HasPrefix(hash, "$2") {
		err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return false, nil
		}
		return err == nil, err
	}
	p, salt, key, err := parseArgon2id(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than
// [HashPassword] uses now (or with bcrypt): after a successful login, hash
// the password again and store the new hash.
func NeedsRehash(hash string) bool {
	p, _, _, err := parseArgon2id(hash)
	return err != nil || p != (argonParams{argonMemoryKiB, argonTime, argonThreads})
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

var errBadHash = errors.New("sandkit auth: not an argon2id or bcrypt password hash")

func parseArgon2id(hash string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	// Bounds, so a hash from the database cannot make a login use more
	// than a guest has: 64 MiB, 16 passes, 4 lanes.
	if p.memory < 8 || p.memory > 64*1024 || p.time < 1 || p.time > 16 || p.threads < 1 || p.threads > 4 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
