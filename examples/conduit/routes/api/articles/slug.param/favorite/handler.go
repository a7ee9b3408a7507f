// The route api/articles/slug.param/favorite: favorite and unfavorite.
package favorite

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Post favorites the article.
func Post(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.Favorite(r, v, true) })
}

// Delete unfavorites the article.
func Delete(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.Favorite(r, v, false) })
}
