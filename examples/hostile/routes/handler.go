// The route /: answers "hostile", to show the tenant is up.
package routes

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Get answers "hostile".
func Get(r *sandkit.Request) sandkit.Response { return sandkit.Text(200, "hostile") }
