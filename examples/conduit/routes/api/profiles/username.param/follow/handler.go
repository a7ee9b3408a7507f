// The route api/profiles/username.param/follow: follow and unfollow.
package follow

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Post follows the user.
func Post(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.Follow(r, v, true) })
}

// Delete unfollows the user.
func Delete(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.Follow(r, v, false) })
}
