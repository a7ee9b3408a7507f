// The root route: the home page's data, who is logged in and the flash
// message.
package root

import (
	"example.com/auth/users"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// Data is the home page's props.
type Data = users.Page

// Get answers the home page's data.
func Get(r *sandkit.Request) sandkit.Response { return auth.WithSession(home)(r) }

func home(r *sandkit.Request, s *auth.Session) sandkit.Response {
	p, err := users.PageOf(s)
	if err != nil {
		return users.Fail(err)
	}
	return sandkit.JSON(200, p)
}
