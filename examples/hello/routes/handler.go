// The root route: GET / answers with plain text.
package root

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Get serves GET (and HEAD) /.
func Get(r *sandkit.Request) sandkit.Response {
	return sandkit.Text(200, "Hello from sandkit\n")
}
