// The route api/profiles/username.param: a user's profile.
package profile

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers the profile; signed in, "following" says whether you follow them.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Optional(r, func(v api.Viewer) sandkit.Response { return api.GetProfile(r, v) })
}
