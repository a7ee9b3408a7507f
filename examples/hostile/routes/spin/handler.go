// The route /spin: a loop that never ends.
package spin

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

var sink uint64

// Get never returns: the host must stop it at the request's deadline.
func Get(r *sandkit.Request) sandkit.Response {
	for i := uint64(0); ; i++ {
		sink += i
	}
}
