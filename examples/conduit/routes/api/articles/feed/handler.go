// The route api/articles/feed: articles of the users you follow.
package feed

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get lists the articles of followed users, most recent first; ?limit=, ?offset=.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.Feed(r, v) })
}
