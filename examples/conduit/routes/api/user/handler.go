// The route api/user: the signed-in user.
package user

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers the signed-in user.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.CurrentUser(r, v) })
}

// Put updates the signed-in user from {"user":{...}}.
func Put(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.UpdateUser(r, v) })
}
