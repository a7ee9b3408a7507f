// Package password hashes passwords with argon2id and verifies argon2id and
// bcrypt hashes, natively, within bounds a hostile hash cannot exceed. The
// host's password imports (spec/abi.md §5, "Passwords") run it, and so does
// the Go guest SDK's auth package when it runs natively (go test), so both
// make and accept the same hashes.
//
// New hashes are PHC strings with the parameters of [Default]:
//
//	h, err := password.New([]byte("correct horse"))  // $argon2id$v=19$m=19456,t=2,p=1$…$…
//	parsed, err := password.Parse(h)                  // refuses malformed or costly hashes
//	ok := parsed.Verify([]byte("correct horse"))      // true
//
// Parse reads the parameters of a stored hash and refuses those above
// [MaxMemoryKiB], [MaxLanes], [MaxWork] and [MaxBcryptCost] with
// [ErrOverLimit], before any work is done, so that a hash read from a
// database cannot make its verification allocate gigabytes or run for
// minutes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"sandkit.dev/sandkit/abi"
)

// Params are argon2id's parameters: memory in KiB, passes over it, and
// lanes (goroutines).
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Lanes     uint8
}

// Default are the parameters of new hashes: OWASP's argon2id setting of 19
// MiB and 2 passes on 1 lane. spec/RATIONALE.md ("Password hashing in the
// host") has the measurements behind the choice.
var Default = Params{MemoryKiB: 19 * 1024, Time: 2, Lanes: 1}

// Bounds on what is hashed and on the parameters read from a stored hash.
const (
	MaxBytes      = abi.MaxPassword     // bytes of a password
	MaxHashBytes  = abi.MaxPasswordHash // bytes of an encoded hash
	MaxMemoryKiB  = 64 * 1024           // argon2id memory: 64 MiB
	MaxLanes      = 4                   // argon2id lanes
	MaxWork       = 3 * 64 * 1024       // argon2id memory × passes (KiB): RFC 9106's 64 MiB × 3
	MaxBcryptCost = 12                  // bcrypt's cost (2^12 rounds)

	saltBytes = 16
	keyBytes  = 32
)

var (
	// ErrMalformed is returned by Parse for a string that is neither an
	// argon2id PHC string nor a bcrypt hash.
	ErrMalformed = errors.New("not an argon2id or bcrypt password hash")
	// ErrOverLimit is returned by Parse for a well-formed hash whose
	// parameters are above the bounds of this package.
	ErrOverLimit = fmt.Errorf("password hash parameters over the bounds (argon2id: %d KiB, %d lanes, memory × passes %d KiB; bcrypt: cost %d)", MaxMemoryKiB, MaxLanes, MaxWork, MaxBcryptCost)
	// ErrTooLong is returned by New for a password over MaxBytes.
	ErrTooLong = fmt.Errorf("password longer than %d bytes", MaxBytes)
)

// Prefix is the start of every hash New makes, up to the salt: a stored
// hash that does not begin with it was made with other parameters or
// another function, and can be replaced after a successful login.
func Prefix() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$", argon2.Version, Default.MemoryKiB, Default.Time, Default.Lanes)
}

// New hashes password with argon2id at Default, with a random salt of 16
// bytes (crypto/rand) and a key of 32, and returns the PHC string:
// Prefix() + base64(salt) + "$" + base64(key), unpadded standard base64.
func New(password []byte) (string, error) {
	if len(password) > MaxBytes {
		return "", ErrTooLong
	}
	salt := make([]byte, saltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey(password, salt, Default.Time, Default.MemoryKiB, Default.Lanes, keyBytes)
	b64 := base64.RawStdEncoding
	return Prefix() + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key), nil
}

// Hash is a parsed stored hash, within the bounds.
type Hash struct {
	bcrypt []byte // the bcrypt hash; nil for argon2id
	p      Params
	salt   []byte
	key    []byte
}

// Parse reads a stored hash: an argon2id PHC string
// (`$argon2id$v=19$m=M,t=T,p=P$SALT$KEY`, salt 8–64 bytes, key 16–64 bytes,
// unpadded standard base64) or a bcrypt hash (`$2a$`, `$2b$`, `$2y$`). It
// returns ErrMalformed for anything else and ErrOverLimit for parameters
// over the bounds.
func Parse(encoded string) (*Hash, error) {
	if len(encoded) > MaxHashBytes {
		return nil, ErrMalformed
	}
	if strings.HasPrefix(encoded, "$2a$") || strings.HasPrefix(encoded, "$2b$") || strings.HasPrefix(encoded, "$2y$") {
		cost, err := bcrypt.Cost([]byte(encoded))
		switch {
		case err != nil || len(encoded) != 60:
			return nil, ErrMalformed
		case cost > MaxBcryptCost:
			return nil, ErrOverLimit
		}
		return &Hash{bcrypt: []byte(encoded)}, nil
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, ErrMalformed
	}
	var p Params
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return nil, ErrMalformed
	}
	m, errm := decimal(params[0], "m=")
	t, errt := decimal(params[1], "t=")
	l, errl := decimal(params[2], "p=")
	if errm != nil || errt != nil || errl != nil || t < 1 || l < 1 || m < 8*l {
		return nil, ErrMalformed
	}
	if m > MaxMemoryKiB || l > MaxLanes || m*t > MaxWork {
		return nil, ErrOverLimit
	}
	p = Params{MemoryKiB: uint32(m), Time: uint32(t), Lanes: uint8(l)}
	b64 := base64.RawStdEncoding
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return nil, ErrMalformed
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return nil, ErrMalformed
	}
	return &Hash{p: p, salt: salt, key: key}, nil
}

// decimal reads prefix followed by 1–10 decimal digits.
func decimal(s, prefix string) (uint64, error) {
	d, ok := strings.CutPrefix(s, prefix)
	if !ok || len(d) == 0 || len(d) > 10 || (len(d) > 1 && d[0] == '0') {
		return 0, ErrMalformed
	}
	return strconv.ParseUint(d, 10, 64)
}

// Lanes is the number of goroutines Verify runs at once: argon2id's lanes,
// 1 for bcrypt.
func (h *Hash) Lanes() int {
	if h.bcrypt != nil {
		return 1
	}
	return int(h.p.Lanes)
}

// Verify reports whether password is the one hashed, comparing in
// constant time. A password over MaxBytes never matches.
func (h *Hash) Verify(password []byte) bool {
	if len(password) > MaxBytes {
		return false
	}
	if h.bcrypt != nil {
		return bcrypt.CompareHashAndPassword(h.bcrypt, password) == nil
	}
	got := argon2.IDKey(password, h.salt, h.p.Time, h.p.MemoryKiB, h.p.Lanes, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}
