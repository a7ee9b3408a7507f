// The route api/articles/slug.param/comments: an article's comments.
package comments

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get lists the comments, most recent first.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Optional(r, func(v api.Viewer) sandkit.Response { return api.ListComments(r, v) })
}

// Post adds a comment: {"comment":{"body"}}.
func Post(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.AddComment(r, v) })
}
