// A user's profile with their articles ("My Articles"), and the follow
// button.
package username

import (
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the page's.
type Data = web.ProfileData

// Get answers the profile and a page of the user's articles.
func Get(r *sandkit.Request) sandkit.Response { return web.ProfileGet("author")(r) }

// Post follows or unfollows the user.
func Post(r *sandkit.Request) sandkit.Response { return web.ProfilePost(r) }
