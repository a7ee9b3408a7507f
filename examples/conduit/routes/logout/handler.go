// POST /logout: ends the session and goes home. No page: the settings
// page's "log out" form posts here.
package logout

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Post logs out (a cross-site post is refused by the session's origin
// check).
func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		s.Logout()
		return sandkit.Redirect(303, "/")
	})(r)
}
