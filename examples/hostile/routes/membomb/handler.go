// The route /membomb: allocation until memory runs out.
package membomb

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

var hoard [][]byte

// Get allocates 1 MiB chunks, touching each, without end.
func Get(r *sandkit.Request) sandkit.Response {
	for {
		b := make([]byte, 1<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		hoard = append(hoard, b)
	}
}
