// POST /logout: ends the session and goes home. No page: forms on every
// page post here (<form method="post" action="/logout">).
package logout

import (
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Post logs out. A cross-site post is refused with 403 by the session's
// origin check, so another site cannot log users out.
func Post(r *sandkit.Request) sandkit.Response {
	return auth.WithSession(func(r *sandkit.Request, s *auth.Session) sandkit.Response {
		s.Logout()
		s.SetFlash("You have logged out.")
		return sandkit.Redirect(303, "/")
	})(r)
}
