// Signing out: a handler-only route that forms on any page post to.
package logout

import sandkit "sandkit.dev/sandkit/guest-sdk/go"

// Post clears the cookie and goes home.
func Post(r *sandkit.Request) sandkit.Response {
	return sandkit.Redirect(303, "/").WithHeader("Set-Cookie", "user=; Path=/; Max-Age=0")
}
