// The route /dblock: a write lock held while spinning.
package dblock

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

var sink uint64

// Get begins a transaction, writes (taking the database's write lock) and
// spins until the deadline without committing.
func Get(r *sandkit.Request) sandkit.Response {
	if err := db.Begin(); err != nil {
		return sandkit.Error(500, err.Error())
	}
	if _, err := db.Exec("INSERT INTO loot (note) VALUES ('locked')"); err != nil {
		return sandkit.Error(500, err.Error())
	}
	for i := uint64(0); ; i++ {
		sink += i
	}
}
