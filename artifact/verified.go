// Verified: the files an artifact check has already hashed, so that
// opening the same version again in this process (an evicted app woken, a
// thousand apps sharing hard-linked files) checks them by identity instead
// of reading them again.

package artifact

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"sync"
)

// Verified remembers files whose SHA-256 an Open through it computed, by
// their identity on disk: device, inode, size, modification and change
// time. Any write to a file, or replacing it, changes its change time
// (which user programs cannot set back), so a file found with the same
// identity still has the bytes that were hashed. A path alone is never
// trusted: another file put at the path is hashed again. It is safe for
// concurrent use; the zero value is ready, and a nil *Verified remembers
// nothing.
type Verified struct {
	mu    sync.Mutex
	files map[fileID]string // hex SHA-256
}

// maxVerified bounds what a Verified remembers; past it, it starts over.
const maxVerified = 1 << 16

// Open is the package's Open, skipping the hashing of files this Verified
// hashed before and that have not changed since.
func (v *Verified) Open(dir string) (*Manifest, error) { return open(dir, v) }

// knows reports whether the file described by fi was hashed to sum.
func (v *Verified) knows(fi fs.FileInfo, sum string) bool {
	id, ok := identify(fi)
	if v == nil || !ok {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.files[id] == sum
}

// learn records that the file hashed to sum, if its identity did not
// change while it was read.
func (v *Verified) learn(before, after fs.FileInfo, sum string) {
	id, ok := identify(before)
	id2, ok2 := identify(after)
	if v == nil || !ok || !ok2 || id != id2 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.files == nil || len(v.files) >= maxVerified {
		v.files = map[fileID]string{}
	}
	v.files[id] = sum
}

// SHA256 returns the hex SHA-256 of the contents of f, an open regular
// file: the one this Verified remembers for the file's identity, or one it
// computes by reading f (through its own offset: f's is left as it was)
// and then remembers. The host makes the ETag of a public file with it, so
// a file is read once, not per request. A nil *Verified remembers nothing.
func (v *Verified) SHA256(f *os.File) (string, error) {
	before, err := f.Stat()
	if err != nil {
		return "", err
	}
	if id, ok := identify(before); ok && v != nil {
		v.mu.Lock()
		sum, known := v.files[id]
		v.mu.Unlock()
		if known {
			return sum, nil
		}
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, before.Size())); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if after, err := f.Stat(); err == nil {
		v.learn(before, after, sum)
	}
	return sum, nil
}
