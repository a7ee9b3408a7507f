// Verified: the files an artifact check has already hashed, so that
// opening the same version again in this process (an evicted app woken, a
// thousand apps sharing hard-linked files) checks them by identity instead
// of reading them again.

package artifact

import (
	"io/fs"
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
