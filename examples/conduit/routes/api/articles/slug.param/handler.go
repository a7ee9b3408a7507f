// The route api/articles/slug.param: one article.
package article

import (
	"example.com/conduit/api"
	sandkit "sandkit.dev/sandkit/guest-sdk/go"
)

// Get answers the article.
func Get(r *sandkit.Request) sandkit.Response {
	return api.Optional(r, func(v api.Viewer) sandkit.Response { return api.GetArticle(r, v) })
}

// Put updates your article from {"article":{"title","description","body"}}.
func Put(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.UpdateArticle(r, v) })
}

// Delete deletes your article.
func Delete(r *sandkit.Request) sandkit.Response {
	return api.Required(r, func(v api.Viewer) sandkit.Response { return api.DeleteArticle(r, v) })
}
