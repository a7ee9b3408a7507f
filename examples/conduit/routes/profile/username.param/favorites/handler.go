// A user's profile with the articles they favorited.
package favorites

import (
	"example.com/conduit/web"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Data is the page's.
type Data = web.ProfileData

// Get answers the profile and a page of the articles the user favorited.
func Get(r *sandkit.Request) sandkit.Response { return web.ProfileGet("favorited")(r) }

// Post follows or unfollows the user.
func Post(r *sandkit.Request) sandkit.Response { return web.ProfilePost(r) }
