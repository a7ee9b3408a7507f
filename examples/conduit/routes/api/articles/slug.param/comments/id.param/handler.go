// The route api/articles/slug.param/comments/id.param: one comment.
package comment

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Delete deletes your comment.
func Delete(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.DeleteComment(r, v) })
}
