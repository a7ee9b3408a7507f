// The root folder: the root layout's loader. It runs for every page
// (404 and error pages included), on the server and at every client
// navigation, so the nav always knows who is logged in and the flash
// message shows on whatever page a redirect lands.
package root

import (
	"example.com/auth/users"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/auth"
)

// LayoutData is what the layout shows around every page.
type LayoutData struct {
	// User is who is logged in, nil for nobody.
	User *users.User `json:"user"`
	// Flash is the message the last answer left (after a redirect), or "".
	// Reading it here consumes it: it shows once.
	Flash string `json:"flash"`
}

// Layout answers the layout's data.
func Layout(r *sandkit.Request) sandkit.Response { return auth.WithSession(layout)(r) }

func layout(r *sandkit.Request, s *auth.Session) sandkit.Response {
	u, err := users.Current(s)
	if err != nil {
		return users.Fail(err)
	}
	return sandkit.JSON(200, LayoutData{User: u, Flash: s.Flash()})
}
